"""The renderer process (articles/renderer.py): stale pages are rendered again outside the serving worker."""

import os
import time
from http import HTTPStatus

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import cache as page_cache
from articles import renderer
from articles.tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not django_settings.REDIS_URL,
        reason="the renderer is another process: it needs the test database and cache on servers (PostgreSQL, Redis)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def background(settings, page_cache_on):
    settings.PAGE_CACHE_BACKGROUND_REFRESH = True
    settings.PAGE_CACHE_INVALIDATE_BEFORE_COMMIT = False  # these saves commit, as in production
    yield
    page_cache.wait_for_refreshes()


def _renderer_environment():
    """This test's database and cache, for the renderer (the test database is made by pytest-django)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    server = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{server}/{db['NAME']}",
        "REDIS_URL": django_settings.REDIS_URL,
        "PAGE_CACHE_SECONDS": "300",
    }


def _wait_for(client, url, text, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        if text in response.content.decode():
            return response
        time.sleep(0.05)  # polling for another process's render, not timing it
    pytest.fail(f"{text!r} never appeared on {url}")


def _edit_and_read_the_stale_copy(client):
    article = ArticleFactory(live=True, headline="Ferry service resumes")
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    article.headline = "Ferry service resumes on Monday"
    article.save()
    stale = client.get(url)  # a reader meanwhile gets the previous copy, and the render is handed off
    assert stale["X-Page-Cache"] == "hit"
    assert "Ferry service resumes on Monday" not in stale.content.decode()
    return url


def test_a_stale_page_is_rendered_again_by_the_renderer_not_by_the_worker(client, background, monkeypatch):
    in_worker = []
    monkeypatch.setattr(page_cache, "_submit", lambda job, *args: in_worker.append(job))
    assert renderer.start(env=_renderer_environment())
    try:
        url = _edit_and_read_the_stale_copy(client)
        with CaptureQueriesContext(connection) as queries:
            fresh = _wait_for(client, url, "Ferry service resumes on Monday")
    finally:
        renderer.stop()

    assert fresh["X-Page-Cache"] == "hit"  # the renderer's copy, taken from Redis
    assert len(queries) == 0  # this process asked the database nothing: the page was rendered elsewhere
    assert in_worker == []


def test_a_worker_renders_the_page_itself_when_the_renderer_is_gone(client, background, monkeypatch):
    in_worker = []
    submit = page_cache._submit
    monkeypatch.setattr(page_cache, "_submit", lambda job, *args: in_worker.append(job) or submit(job, *args))
    assert renderer.start(env=_renderer_environment())
    renderer._process.kill()
    renderer._process.wait(timeout=10)
    try:
        url = _edit_and_read_the_stale_copy(client)
        page_cache.wait_for_refreshes()  # this worker's own background thread
        fresh = _wait_for(client, url, "Ferry service resumes on Monday", seconds=5)
    finally:
        renderer.stop()

    assert fresh["X-Page-Cache"] == "hit"
    assert page_cache.refresh_page in in_worker  # (and the Latest box, which shows the headline too)


def test_the_renderer_waits_a_moment_before_it_renders_and_readers_get_the_previous_copy_meanwhile(
    client, background, monkeypatch
):
    monkeypatch.setattr(page_cache, "_submit", lambda job, *args: pytest.fail("rendered in the worker"))
    assert renderer.start(env={**_renderer_environment(), "PAGE_CACHE_RENDER_DELAY_MS": "700"})
    try:
        url = _edit_and_read_the_stale_copy(client)
        asked = time.monotonic()
        fresh = _wait_for(client, url, "Ferry service resumes on Monday")
        waited = time.monotonic() - asked
    finally:
        renderer.stop()

    assert fresh["X-Page-Cache"] == "hit"
    assert waited >= 0.6  # (a lower bound only: the renderer sleeps 0.7 s from the request before it starts)
