"""Freshness under load: no stampede on a stale page, takedowns never served stale, and the HTTP cache in front
(a real Varnish, started by the test) purged by key after each commit."""

import logging
import threading
import time
import urllib.request
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection, connections

from articles import cache as page_cache
from articles import httpcache, renderer
from articles.tests.factories import ArticleFactory, AuthorFactory
from articles.views import ArticleDetailView

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def _hold_render_lock(client, url):
    """As if another worker were rendering this page right now."""
    key = page_cache._page_key(client.get(url).wsgi_request)
    cache.add(f"lock:{key}", 1, timeout=60)
    return key


def test_an_edited_page_is_served_stale_only_while_another_worker_renders_it(client, monkeypatch):
    article = ArticleFactory(live=True, headline="Port reopens")
    url = article.get_absolute_url()
    client.get(url)
    key = _hold_render_lock(client, url)
    monkeypatch.setattr(page_cache, "STALE_RECHECK", 0)  # this worker looks again on every request

    article.headline = "Port reopens after storm"
    article.save()
    during = client.get(url)
    cache.delete(f"lock:{key}")  # that worker is done (or its lock ran out: PAGE_CACHE_STALE_SECONDS)
    after = client.get(url)

    headline = b'class="article__headline">Port reopens after storm</h1>'
    assert during["X-Page-Cache"] == "hit" and headline not in during.content
    assert "max-age=0" in during["Cache-Control"] and "s-maxage=1" in during["Cache-Control"]  # briefly
    assert after["X-Page-Cache"] == "miss" and headline in after.content


def _counting_token_reads(monkeypatch):
    reads = []
    real = page_cache.read_tokens

    def counting(keys):
        reads.append(sorted(keys))
        return real(keys)

    monkeypatch.setattr(page_cache, "read_tokens", counting)
    return reads


def test_a_stale_copy_being_rendered_elsewhere_costs_a_hit_no_more_questions(client, monkeypatch):
    article = ArticleFactory(live=True, headline="Ferry strike called off")
    url = article.get_absolute_url()
    client.get(url)
    client.get(url)
    key = _hold_render_lock(client, url)
    # Each request looks again (as after STALE_RECHECK): it asks whether the lock is still held, and only that.
    monkeypatch.setattr(page_cache, "STALE_RECHECK", 0)
    article.headline = "Ferry strike called off after talks"
    article.save()
    first = client.get(url)  # stale: another worker renders it; this one asks once
    reads = _counting_token_reads(monkeypatch)

    then = [client.get(url) for _ in range(3)]

    headline = b'class="article__headline">Ferry strike called off after talks</h1>'
    assert first["X-Page-Cache"] == "hit" and headline not in first.content
    assert all(r["X-Page-Cache"] == "hit" and headline not in r.content for r in then)
    assert reads == []  # served as found: not the entry's tokens again, nor its new copy
    cache.delete(f"lock:{key}")


@pytest.mark.django_db(transaction=True)  # (the other worker's render below closes its database connection)
def test_a_worker_serving_a_stale_copy_takes_the_new_one_when_another_render_has_taken_the_lock(client, monkeypatch):
    """The first new copy was stale at once (a change landed while it rendered), so a worker claimed the page
    again: a worker still serving the first stale copy must take the newer one, not wait for that lock too."""
    monkeypatch.setattr(page_cache, "STALE_RECHECK", 0)
    article = ArticleFactory(live=True, headline="Pier closed")
    url = article.get_absolute_url()
    client.get(url)
    key = page_cache._page_key(client.get(url).wsgi_request)
    cache.add(f"lock:{key}", "first render", timeout=60)
    article.headline = "Pier closed after storm damage"
    article.save()
    stale = client.get(url)
    previous = page_cache._local_pages.get(key)
    # Another worker: its render is stored, and a further render has claimed the page.
    page_cache.refresh_page(renderer.request_environ(stale.wsgi_request.META), key, previous)
    page_cache._local_pages.put(key, previous)  # (this worker still holds the first stale copy)
    cache.set(f"lock:{key}", "second render", timeout=60)

    after = client.get(url)

    headline = b'class="article__headline">Pier closed after storm damage</h1>'
    assert headline not in stale.content
    assert headline in after.content


def test_a_takedown_ends_a_stale_copys_grace_at_once(client, monkeypatch):
    monkeypatch.setattr(page_cache, "STALE_RECHECK", 60)  # the grace would last a minute
    article = ArticleFactory(live=True, headline="Minister's diary entries")
    url = article.get_absolute_url()
    client.get(url)
    client.get("/")
    for page in (url, "/"):
        _hold_render_lock(client, page)
    article.headline = "Minister's diary entries published"
    article.save()
    stale = client.get(url)  # while rendered elsewhere
    assert b'class="article__headline">Minister&#x27;s diary entries</h1>' in stale.content

    article.unpublish()

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert b"diary entries" not in client.get("/").content


def test_a_takedown_is_never_served_stale_even_while_another_worker_renders(client):
    article = ArticleFactory(live=True, headline="Leaked court papers")
    url = article.get_absolute_url()
    client.get("/")
    client.get("/latest/")
    for page in (url, "/", "/latest/"):
        _hold_render_lock(client, page)

    article.unpublish()

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    for page in ("/", "/latest/"):
        response = client.get(page)
        assert response.status_code == HTTPStatus.OK
        assert b"Leaked court papers" not in response.content, page


@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_of_a_stale_page_render_it_once(client, monkeypatch):
    article = ArticleFactory(live=True, headline="Election results", authors=[AuthorFactory()])
    url = article.get_absolute_url()
    client.get(url)
    article.headline = "Election results: recount ordered"
    article.save()  # soft: the page is stale now

    renders = []
    real = ArticleDetailView.get_context_data

    def slow_render(self, **kwargs):
        renders.append(1)
        time.sleep(0.3)  # a slow render, so the other readers arrive while it runs
        return real(self, **kwargs)

    monkeypatch.setattr(ArticleDetailView, "get_context_data", slow_render)
    barrier, responses = threading.Barrier(6), []

    def reader():
        barrier.wait()
        try:
            responses.append(client.__class__().get(url))
        finally:
            connections.close_all()  # this thread's own, so the test database can be dropped

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(renders) == 1
    assert [r.status_code for r in responses] == [HTTPStatus.OK] * 6
    assert sum(b"recount ordered" in r.content for r in responses) >= 1  # the one that rendered it


def test_purges_wait_for_nobody_and_are_retried_while_the_cache_is_away(
    client, settings, caplog, django_capture_on_commit_callbacks
):
    settings.HTTP_CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]  # nothing listens on the discard port
    settings.PAGE_CDN_MAX_AGE = 1  # give up after a second in this test
    article = ArticleFactory(live=True)

    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):  # purges go out on commit
            article.headline = "A new headline"
            article.save()
        saved_in = time.monotonic() - started
        assert httpcache.wait_for_purges(timeout=10)

    assert saved_in < 1  # the save did not wait for the cache (a purge attempt alone can take 2 s)
    messages = [record.getMessage() for record in caplog.records]
    assert any("retrying" in message for message in messages)
    assert any("given up" in message for message in messages)


def test_responses_carry_their_dependency_keys(client, settings):
    settings.HTTP_CACHE_TAG_HEADER = "Cache-Tag"
    article = ArticleFactory(live=True, authors=[AuthorFactory()])

    keys = client.get(article.get_absolute_url())["Cache-Tag"].split(",")

    assert f"article-{article.pk}" in keys
    assert f"section-{article.section_id}" in keys
    assert "frag-latest" in keys  # assembled here, so the page carries its fragments' keys too


# A real Varnish in front of the app --------------------------------------------------------------------------


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, whatever the environment


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with DIRECT.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def varnish(live_server, varnish_factory, settings):
    port = int(live_server.url.rsplit(":", 1)[1])
    front = varnish_factory(backend_port=port)
    settings.HTTP_CACHE_PURGE_URLS = [front.url + "/"]
    settings.HTTP_CACHE_TAG_HEADER = "xkey"
    return front


def _until(predicate, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)  # polling the real Varnish, not timing the test
    return predicate()


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="flaky on SQLite in the full suite (2 of 5 CI runs on 2026-12-04: the app answered Varnish's revalidation "
    "after the purge with a 304); runs in the PostgreSQL + Redis run, where it has passed every time; cause not found",
)
@pytest.mark.django_db(transaction=True)
def test_varnish_is_purged_by_key_after_each_commit(varnish):
    story = ArticleFactory(live=True, headline="Bridge closes for repairs")
    other = ArticleFactory(live=True, headline="Library extends hours")
    story_url, other_url = varnish.url + story.get_absolute_url(), varnish.url + other.get_absolute_url()
    for url in (story_url, other_url, story_url, other_url):
        _get(url)
    assert _get(story_url)[1]["X-Cache"] == "HIT"

    story.headline = "Bridge closes for two weeks of repairs"
    story.save()  # autocommit: purged after the commit, from the background thread
    assert httpcache.wait_for_purges()

    assert _until(lambda: b"two weeks" in _get(story_url)[2])
    assert _get(other_url)[1]["X-Cache"] == "HIT"  # another story's page was not purged

    story.unpublish()  # a takedown: hard purge, never served stale
    assert httpcache.wait_for_purges()
    assert _get(story_url)[0] == HTTPStatus.NOT_FOUND


@pytest.mark.django_db(transaction=True)
def test_varnish_gets_an_edit_when_the_app_renders_it_again_in_the_background(varnish, settings):
    """As in production: after the purge, Varnish revalidates, and the app answers with the previous copy while
    it renders the page again. That copy (or a 304 to it) must not be kept for the page's whole lifetime."""
    settings.PAGE_CACHE_BACKGROUND_REFRESH = True
    settings.PAGE_CACHE_INVALIDATE_BEFORE_COMMIT = False
    story = ArticleFactory(live=True, headline="Ring road resurfaced")
    url = varnish.url + story.get_absolute_url()
    _get(url)
    assert _get(url)[1]["X-Cache"] == "HIT"

    story.headline = "Ring road resurfaced overnight"
    story.save()
    assert httpcache.wait_for_purges()

    # Within the app's stale window and Varnish's grace, not the 300 s of s-maxage.
    assert _until(lambda: b"resurfaced overnight" in _get(url)[2], seconds=10)


@pytest.mark.django_db(transaction=True)
def test_varnish_assembles_the_shared_parts_with_esi(varnish, settings):
    settings.HTTP_CACHE_ESI = True
    story = ArticleFactory(live=True, headline="Ferry timetable changes")
    url = varnish.url + story.get_absolute_url()
    first = _get(url)
    assert b"<esi:include" not in first[2]  # Varnish assembled it
    assert b'class="masthead"' in first[2] and b'class="latest-box"' in first[2]
    assert _get(url)[1]["X-Cache"] == "HIT"

    ArticleFactory(live=True, headline="New ferry route announced")  # a publication: the Latest box changes
    assert httpcache.wait_for_purges()

    assert _until(lambda: b"New ferry route announced" in _get(url)[2])


@pytest.mark.django_db(transaction=True)
def test_a_stale_page_is_rendered_again_in_the_background_while_every_reader_gets_the_previous_copy(
    client, settings, monkeypatch
):
    settings.PAGE_CACHE_BACKGROUND_REFRESH = True
    settings.PAGE_CACHE_INVALIDATE_BEFORE_COMMIT = False  # as in production: stale when the change commits
    article = ArticleFactory(live=True, headline="Tram line opens")
    url = article.get_absolute_url()
    client.get(url)
    renders = []
    real = ArticleDetailView.get_context_data

    def counting(self, **kwargs):
        renders.append(threading.current_thread().name)
        return real(self, **kwargs)

    monkeypatch.setattr(ArticleDetailView, "get_context_data", counting)
    article.headline = "Tram line opens to passengers"
    article.save()  # autocommit: stale now

    first = client.get(url)
    page_cache.wait_for_refreshes()
    second = client.get(url)

    headline = b'class="article__headline">Tram line opens to passengers</h1>'
    assert first["X-Page-Cache"] == "hit" and headline not in first.content  # nobody waited for the render
    assert second["X-Page-Cache"] == "hit" and headline in second.content
    assert len(renders) == 1 and renders[0].startswith("page-refresh")


@pytest.mark.django_db(transaction=True)
def test_a_page_that_became_missing_is_not_served_from_a_background_render(client, settings):
    settings.PAGE_CACHE_BACKGROUND_REFRESH = True
    settings.PAGE_CACHE_INVALIDATE_BEFORE_COMMIT = False
    section = ArticleFactory(live=True).section
    client.get(section.get_absolute_url())

    section.is_active = False
    section.save()  # soft: the section page is a 404 now
    client.get(section.get_absolute_url())  # the previous copy, while the background render finds the 404
    page_cache.wait_for_refreshes()

    assert client.get(section.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_without_invalidation_before_commit_pages_change_when_the_transaction_commits(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_INVALIDATE_BEFORE_COMMIT = False
    article = ArticleFactory(live=True, headline="Old headline")
    key = f"article-{article.pk}"
    page_cache.write_tokens(soft=[key])
    before = page_cache.read_tokens([key])[key]

    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "New headline"
        article.save()
        during = page_cache.read_tokens([key])[key]

    assert during == before  # nobody can read the new rows yet
    assert page_cache.read_tokens([key])[key] != before
