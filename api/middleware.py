"""API rate limits and tokens, answered before the page cache so cached responses are limited too.

Anonymous clients get `API_RATE_LIMIT` requests per minute per address (the address as login throttling
sees it: newsroom.middleware.client_ip, honouring TRUSTED_PROXY_COUNT); a partner's token
(`Authorization: Bearer nrk_…`) gets its own limit (`API_TOKEN_RATE_LIMIT`, or the token's), counted per
token. Over the limit: 429 with `Retry-After`. Without Redis the counts are in the process's cache.

With REDIS_URL the counts are shared by every worker of every app server through Redis, without a round trip
per request (a cached API hit otherwise needs none, and one would cost it a fifth of its speed): each worker
counts locally and sends what it counted to Redis in one pipelined call (INCRBY + EXPIRE per bucket) once
FLUSH_EVERY requests have been counted or FLUSH_SECONDS have passed since its last call, whichever is first
(the call is made by the request that finds it due, before that request is decided). Redis answers each
bucket's shared total, and until the next call a request is decided from the last shared total this worker
heard plus what it counted since.

The overshoot this allows is bounded: a worker decides at most FLUSH_EVERY - 1 requests on a given view of
the shared total, and no view is older than FLUSH_SECONDS when a request is decided. So once a client's
shared count reaches its limit, each worker admits it at most FLUSH_EVERY - 1 more times before hearing so:
at most W × (FLUSH_EVERY - 1) requests over the limit in a window, W being the worker processes of all
app servers (and no more than the client manages to send within FLUSH_SECONDS). One worker alone, and a
client that keeps to one worker, is limited exactly.
"""

import json
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.utils import timezone
from redis.exceptions import RedisError

from newsroom.middleware import client_ip

WINDOW = 60  # seconds
PREFIX = "/api/"
LAST_USED_EVERY = 60  # seconds: a token's last-used time is written at most this often

FLUSH_EVERY = 32  # requests counted locally before they are sent to Redis
FLUSH_SECONDS = 0.1  # ... or this long after the last call, whichever comes first


class SharedCounter:
    """This worker's side of the shared counts (see the module docstring); thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.client = None
        self.reset()

    def reset(self):
        self.pending = {}  # key -> requests counted here, not yet sent
        self.known = {}  # key -> the shared total Redis last answered
        self.unsent = 0
        self.last_flush = 0.0

    def forked(self):
        self.client = None  # a connection is never shared with the parent process
        self.reset()

    def _redis(self):
        if self.client is None:
            import redis

            self.client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
        return self.client

    def hit(self, key, now):
        with self.lock:
            self.pending[key] = self.pending.get(key, 0) + 1
            self.unsent += 1
            if self.unsent >= FLUSH_EVERY or now - self.last_flush >= FLUSH_SECONDS:
                self._flush(now)
            return self.known.get(key, 0) + self.pending.get(key, 0)

    def _flush(self, now):
        sent, self.pending, self.unsent, self.last_flush = self.pending, {}, 0, now
        try:
            pipe = self._redis().pipeline(transaction=False)
            for key, count in sent.items():
                pipe.incrby(key, count)
                pipe.expire(key, WINDOW + 1)
            totals = pipe.execute()[::2]
        except (RedisError, OSError):  # Redis away: serve unlimited rather than fail, as pages do; counts dropped
            self.known = {}
            return
        window = key_window(next(iter(sent))) if sent else None
        # Only the current window's totals are kept (a minute's keys are never read again after it).
        self.known = {k: v for k, v in self.known.items() if key_window(k) == window}
        self.known.update(zip(sent, totals, strict=True))


def key_window(key):
    return key.rsplit(":", 1)[1]


_counter = SharedCounter()


def _reset_counts(**kwargs):
    """Tests change settings (and flush Redis) between cases: forget what this process counted."""
    _counter.reset()


setting_changed.connect(_reset_counts, dispatch_uid="api-ratelimit-reset")
os.register_at_fork(after_in_child=_counter.forked)  # each gunicorn worker counts for itself


def hit(bucket, now):
    """This request's number in the current window of `bucket`, and the seconds until the window ends."""
    window = int(now // WINDOW)
    key = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:ratelimit:{bucket}:{window}"
    left = (window + 1) * WINDOW - now
    if settings.REDIS_URL:
        return _counter.hit(key, now), left
    cache.add(key, 0, timeout=WINDOW + 1)
    try:
        return cache.incr(key), left
    except ValueError:
        return 0, left


def json_error(status, message, parameter=None):
    return HttpResponse(
        json.dumps({"error": message, "parameter": parameter}), status=status, content_type="application/json"
    )


def authenticate(header):
    """The active ApiToken of an `Authorization: Bearer …` header, or None."""
    from .models import ApiToken, hash_token

    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    token = ApiToken.objects.active().filter(key_hash=hash_token(raw.strip())).first()
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class ApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX) or request.method == "OPTIONS":
            return self.get_response(request)
        header = request.META.get("HTTP_AUTHORIZATION", "")  # (request.headers builds a dict of every header)
        if header[:7].lower() == "bearer ":
            token = authenticate(header)
            if token is None:
                return json_error(401, "Unknown or revoked API token.", "Authorization")
            limit, bucket = token.rate_limit or settings.API_TOKEN_RATE_LIMIT, f"token:{token.pk}"
        else:
            limit, bucket = settings.API_RATE_LIMIT, f"ip:{client_ip(request)}"
        if limit <= 0:
            return self.get_response(request)
        count, left = hit(bucket, time.time())
        if count > limit:
            response = json_error(429, f"Rate limit of {limit} requests a minute reached; try again later.")
            response["Retry-After"] = str(max(1, int(left + 0.999)))
        else:
            response = self.get_response(request)
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(max(0, limit - count))
        return response
