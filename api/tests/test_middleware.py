"""The rate limit's Redis branch (REDIS_URL set: the PostgreSQL + Redis run of CI); without Redis these skip."""

from http import HTTPStatus

import pytest
import redis
from django.conf import settings as django_settings

from api import middleware
from api.models import ApiToken

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not django_settings.REDIS_URL, reason="the Redis branch needs REDIS_URL"),
]


def shared_key(bucket):
    """The key every worker counts `bucket` under in this minute's window."""
    window = int(middleware.time.time() // middleware.WINDOW)
    return f"{django_settings.CACHES['default'].get('KEY_PREFIX', '')}:ratelimit:{bucket}:{window}"


def test_limit_is_per_address_with_retry_after_and_counts_in_redis(client, settings):
    settings.API_RATE_LIMIT = 3
    statuses = [client.get("/api/v1/sections").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/sections")
    assert limited.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 1 <= int(limited["Retry-After"]) <= 60 and limited.json()["error"]
    assert client.get("/api/v1/sections", REMOTE_ADDR="192.0.2.7").status_code == HTTPStatus.OK
    middleware._counter._flush(middleware.time.time())  # what is still counted only here
    assert int(redis.Redis.from_url(settings.REDIS_URL).get(shared_key("ip:127.0.0.1"))) == 5


def test_requests_counted_by_other_workers_count_here(client, settings, monkeypatch):
    settings.API_RATE_LIMIT = 10
    monkeypatch.setattr(middleware, "FLUSH_SECONDS", 0)  # the next request hears the shared total
    assert client.get("/api/v1/sections").status_code == HTTPStatus.OK

    redis.Redis.from_url(settings.REDIS_URL).incrby(shared_key("ip:127.0.0.1"), 9)  # other workers' counts

    assert client.get("/api/v1/sections").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_token_has_its_own_higher_limit(client, settings):
    settings.API_RATE_LIMIT, settings.API_TOKEN_RATE_LIMIT = 2, 5
    _token, raw = ApiToken.issue(name="Radio app")
    auth = {"Authorization": f"Bearer {raw}"}
    assert [client.get("/api/v1/sections").status_code for _ in range(3)] == [200, 200, 429]

    statuses = [client.get("/api/v1/sections", headers=auth).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]


def test_overshoot_across_workers_is_bounded(settings, monkeypatch):
    """Two workers, each deciding from the shared total it last heard plus its own count: together they admit
    at most FLUSH_EVERY - 1 requests each over the limit, however the requests are spread."""
    monkeypatch.setattr(middleware, "FLUSH_SECONDS", 3600)  # only the request count makes a worker flush
    workers = [middleware.SharedCounter(), middleware.SharedCounter()]
    limit, key, now, admitted = 100, shared_key("ip:198.51.100.9"), middleware.time.time(), 0
    for n in range(1000):
        if workers[n % 2].hit(key, now) <= limit:
            admitted += 1

    assert limit <= admitted <= limit + 2 * (middleware.FLUSH_EVERY - 1)
