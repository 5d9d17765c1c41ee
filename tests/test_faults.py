"""When the database or Redis goes away, readers get a friendly page or an uncached one, and it all recovers."""

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, connections

from articles.models import Article, ArticleAuthor, Correction
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory
from newsroom import cache as resilient_cache
from tests.relay import Relay

BASE_DIR = Path(__file__).resolve().parent.parent
CLOSED_PORT = 1  # nothing listens on 127.0.0.1:1
PUBLIC_PATHS = ["/", "/latest/", "/section/politics/", "/authors/", "/2024/01/02/some-story/", "/no-such-page/"]

# A real WSGI server (wsgiref, one thread) in a separate process with production settings, so the
# database settings can point anywhere and Django's per-request connection handling runs as in production.
PROBE = """
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server
import django
from django.conf import settings
# Production settings, except static files: there is no collectstatic manifest in a test run.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
django.setup()
from django.core.wsgi import get_wsgi_application

class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass

server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
print(server.server_port, flush=True)
server.serve_forever()
"""


class Probe:
    def __init__(self, **env):
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "0",
            "SECRET_KEY": "probe-" + "k" * 60,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "CRITICAL",
            **env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", PROBE],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        port = self.process.stdout.readline().strip()
        assert port, "the probe server did not start"
        self.url = f"http://127.0.0.1:{port}"

    def get(self, path):
        request = urllib.request.Request(self.url + path)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return {
            "status": status,
            "retry_after": headers.get("Retry-After"),
            "cache_control": headers.get("Cache-Control", ""),
            "body": body.decode(errors="replace"),
        }

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def probe_factory():
    probes = []

    def make(**env):
        probe = Probe(**env)
        probes.append(probe)
        return probe

    yield make
    for probe in probes:
        probe.close()


def assert_friendly_503(answer):
    assert answer["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert answer["retry_after"] and answer["retry_after"].isdigit()
    assert "back in a moment" in answer["body"]
    assert django_settings.NEWSROOM_NAME in answer["body"]
    assert 'href="/static/css/' in answer["body"]  # the site's own stylesheet: its design
    assert "Traceback" not in answer["body"]
    assert "OperationalError" not in answer["body"]


# Database unreachable ---------------------------------------------------------


def test_public_pages_answer_friendly_503_with_retry_after_when_database_is_unreachable(probe_factory):
    probe = probe_factory(DATABASE_URL=f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/newsroom")

    for path in PUBLIC_PATHS:
        assert_friendly_503(probe.get(path))


def test_health_names_the_database_when_it_is_unreachable(probe_factory):
    probe = probe_factory(DATABASE_URL=f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/newsroom")

    answer = probe.get("/healthz")

    assert answer["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    report = json.loads(answer["body"])
    assert report["status"] == "error"
    assert report["database"].startswith("error: ")
    assert report["cache"] == "ok"
    assert "127.0.0.1" not in answer["body"] and "postgres" not in answer["body"]
    assert "no-store" in answer["cache_control"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="relays a real PostgreSQL")
def test_site_recovers_by_itself_when_the_database_comes_back(django_db_setup, probe_factory):
    db = connection.settings_dict
    relay = Relay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    user = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
    probe = probe_factory(DATABASE_URL=f"postgres://{user}127.0.0.1:{relay.port}/{db['NAME']}")
    try:
        assert_friendly_503(probe.get("/"))  # never reachable yet

        relay.up()
        assert probe.get("/")["status"] == HTTPStatus.OK
        assert json.loads(probe.get("/healthz")["body"])["database"] == "ok"

        relay.down()  # the database restarts: the open connection dies too
        assert_friendly_503(probe.get("/latest/"))
        assert probe.get("/healthz")["status"] == HTTPStatus.SERVICE_UNAVAILABLE

        relay.up()
        assert probe.get("/latest/")["status"] == HTTPStatus.OK
        assert probe.get("/healthz")["status"] == HTTPStatus.OK
    finally:
        relay.down()


def _fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.mark.ci_only
@pytest.mark.skipif(os.environ.get("CI") != "true", reason="stops the machine's PostgreSQL: CI only")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_site_survives_a_real_postgresql_restart(live_server):
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", sorted(os.listdir("/etc/postgresql"))[-1], "main"]
    assert _fetch(live_server.url + "/")[0] == HTTPStatus.OK
    try:
        subprocess.run([*cluster, "stop"], check=True, timeout=60)  # fast mode: sessions are cut
        status, headers = _fetch(live_server.url + "/latest/")
        assert status == HTTPStatus.SERVICE_UNAVAILABLE
        assert headers.get("Retry-After")
        assert _fetch(live_server.url + "/healthz")[0] == HTTPStatus.SERVICE_UNAVAILABLE
    finally:
        subprocess.run([*cluster, "start"], check=True, timeout=120)
        connections.close_all()  # this thread's connection died with the server
    assert _fetch(live_server.url + "/latest/")[0] == HTTPStatus.OK
    assert _fetch(live_server.url + "/healthz")[0] == HTTPStatus.OK


# Redis unreachable ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _closed_breakers(monkeypatch):
    """Each test starts with every Redis breaker closed, whatever earlier tests tripped."""
    monkeypatch.setattr(resilient_cache, "_open_until", {})


def resilient_redis(settings, location):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "newsroom-faults",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.mark.django_db
def test_pages_are_still_served_when_redis_is_unreachable(client, settings):
    resilient_redis(settings, f"redis://127.0.0.1:{CLOSED_PORT}/0")
    article = ArticleFactory(live=True)

    for url in ["/", "/latest/", article.get_absolute_url(), article.section.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
    assert article.headline in client.get("/latest/").content.decode()


@pytest.mark.django_db
def test_health_names_the_cache_when_redis_is_unreachable(client, settings):
    resilient_redis(settings, f"redis://127.0.0.1:{CLOSED_PORT}/0")

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "ok", "cache": "error: ConnectionError"}


def test_dead_redis_degrades_to_misses_and_the_breaker_skips_it(settings, monkeypatch):
    resilient_redis(settings, f"redis://127.0.0.1:{CLOSED_PORT}/0")
    client_class = type(cache._cache)
    real_get_client = client_class.get_client
    attempts = []

    def counting_get_client(self, *args, **kwargs):
        attempts.append(1)
        return real_get_client(self, *args, **kwargs)

    monkeypatch.setattr(client_class, "get_client", counting_get_client)
    now = [1000.0]
    monkeypatch.setattr(resilient_cache.time, "monotonic", lambda: now[0])

    assert cache.get("story", "fallback") == "fallback"
    cache.set("story", "cached")  # no exception
    assert cache.get_or_set("story", "computed") == "computed"
    with pytest.raises(ValueError):
        cache.incr("hits")
    assert len(attempts) == 1  # only the first call tried Redis; the open breaker skipped the rest

    now[0] += 10  # the breaker's time is up: the next call tries Redis again
    cache.get("story")
    assert len(attempts) == 2


def _redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379")
def test_cache_works_again_when_redis_comes_back(settings, monkeypatch):
    relay = Relay("127.0.0.1", 6379)
    resilient_redis(settings, f"redis://127.0.0.1:{relay.port}/6")
    now = [1000.0]
    monkeypatch.setattr(resilient_cache.time, "monotonic", lambda: now[0])
    try:
        cache.set("headline", "kept")
        assert cache.get("headline") is None  # down: nothing stored, nothing raised

        relay.up()
        now[0] += 10
        cache.set("headline", "kept")
        assert cache.get("headline") == "kept"
        assert cache.ping() is None
    finally:
        cache.delete("headline")
        relay.down()


# Saves are all or nothing ----------------------------------------------------------


@pytest.mark.django_db
def test_failure_in_the_middle_of_an_admin_save_leaves_nothing_behind(client, monkeypatch):
    editor = UserFactory(superuser=True)
    editor.save()  # the factory sets the password after its own save
    client.force_login(editor)
    section = SectionFactory(name="Politics")
    author = AuthorFactory(name="Sara Rajabova")
    add_url = f"/{django_settings.ADMIN_URL}articles/article/add/"
    (form,) = lxml.html.fromstring(client.get(add_url).content).xpath('//form[@id="article_form"]')
    rendered = dict(form.form_values())  # what a browser would submit, inline row templates included
    data = {name: value for name, value in rendered.items() if "__prefix__" not in name}
    for name, value in rendered.items():  # one correction row, with the empty row's defaults
        if name.startswith("corrections-__prefix__-"):
            data[name.replace("__prefix__", "0")] = value
    data.update(
        {
            "headline": "Half-saved story",
            "slug": "half-saved-story",
            "section": str(section.pk),
            "body": "<p>Body.</p>",
            "article_authors-TOTAL_FORMS": "1",
            "article_authors-0-author": str(author.pk),
            "article_authors-0-position": "0",
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-note": "A correction that will fail to save.",
        }
    )

    def failing_save(self, *args, **kwargs):
        raise RuntimeError("disk full while saving the correction")

    monkeypatch.setattr(Correction, "save", failing_save)

    with pytest.raises(RuntimeError, match="disk full"):
        client.post(add_url, data)

    assert not Article.objects.filter(headline="Half-saved story").exists()
    assert not ArticleAuthor.objects.filter(author=author).exists()
