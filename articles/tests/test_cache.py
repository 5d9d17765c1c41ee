"""The page cache: readers get cached pages, and never stale news.

Every kind of change a reader could see makes the pages that show it fresh at once; so does time (a scheduled
article's moment, an embargo lifting, midnight in the newsroom's time zone).
"""

import datetime
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from http import HTTPStatus

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import cache as page_cache
from articles.models import Article, ArticleAuthor
from articles.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def get(client, url, status=HTTPStatus.OK, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, url
    return response


def html(response):
    return response.content.decode()


# Hits and misses --------------------------------------------------------------------------------------------


def test_second_reader_gets_the_cached_page_without_touching_the_database(client):
    article = ArticleFactory(live=True, authors=[AuthorFactory()], tags=["Energy"])
    first = get(client, article.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        second = get(client, article.get_absolute_url())

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content


@pytest.mark.parametrize("url", ["/", "/latest/", "/authors/"])
def test_listing_pages_are_cached(client, url):
    ArticleFactory(live=True, authors=[AuthorFactory()])
    get(client, url)

    assert get(client, url)["X-Page-Cache"] == "hit"


def test_a_hit_answered_before_the_session_layers_still_carries_the_security_headers(client):
    article = ArticleFactory(live=True)
    first = get(client, article.get_absolute_url())

    second = get(client, article.get_absolute_url())

    assert second["X-Page-Cache"] == "hit"
    for header in ("X-Frame-Options", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header], header
    assert second["Vary"] == "Cookie"
    assert int(second["Content-Length"]) == len(second.content)


def test_a_page_stored_by_another_worker_is_served_from_the_shared_cache(client):
    article = ArticleFactory(live=True)
    first = get(client, article.get_absolute_url())
    page_cache._local_pages.clear()  # as in a worker that has never served this page

    with CaptureQueriesContext(connection) as queries:
        second = get(client, article.get_absolute_url())

    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content


def test_the_same_parameters_in_another_order_are_the_same_cached_page(client):
    ArticleFactory.create_batch(3, live=True)
    get(client, "/search/?q=council&section=")

    response = get(client, "/search/?section=&q=council")

    assert response["X-Page-Cache"] == "hit"


def test_pages_of_a_listing_are_cached_separately(client):
    section = SectionFactory()
    ArticleFactory.create_batch(21, live=True, section=section)

    first = get(client, section.get_absolute_url())
    second = get(client, section.get_absolute_url() + "?page=2")

    assert second["X-Page-Cache"] == "miss"
    assert "<span>Page 2</span>" in html(second)
    assert "<span>Page 1</span>" in html(first)


def test_unknown_query_parameters_are_served_uncached(client):
    ArticleFactory(live=True)
    get(client, "/?utm_source=newsletter")

    response = get(client, "/?utm_source=newsletter")

    assert "X-Page-Cache" not in response
    assert response.status_code == HTTPStatus.OK


def test_logged_in_users_never_get_or_fill_the_cache(client):
    article = ArticleFactory(live=True)
    get(client, article.get_absolute_url())  # cached for readers
    editor = UserFactory(staff=True)
    editor.refresh_from_db()  # the factory sets a password it does not save; the session must match the row
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")

    response = get(client, article.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_preview_is_never_cached(client):
    article = ArticleFactory(headline="Embargoed budget leak")
    url = article.get_preview_url()
    get(client, url)

    response = get(client, url)

    assert "X-Page-Cache" not in response
    assert "no-store" in response["Cache-Control"]


def test_a_missing_page_is_not_cached(client):
    url = "/2024/01/02/not-yet-written/"
    assert get(client, url, HTTPStatus.NOT_FOUND).status_code == HTTPStatus.NOT_FOUND
    article = ArticleFactory(
        live=True, slug="not-yet-written", published_at=datetime.datetime(2024, 1, 2, 9, tzinfo=datetime.UTC)
    )

    assert get(client, article.get_absolute_url()).status_code == HTTPStatus.OK


# Invalidation: every kind of change --------------------------------------------------------------------------


def test_publishing_shows_the_story_on_every_listing_at_once(client):
    section = SectionFactory()
    ArticleFactory(live=True, section=section)
    draft = ArticleFactory(headline="Ferry service resumes after strike", section=section, tags=["Transport"])
    urls = ["/", "/latest/", section.get_absolute_url()]
    for url in urls:
        assert draft.headline not in html(get(client, url))

    draft.publish()

    for url in urls:
        assert draft.headline in html(get(client, url)), url
    assert get(client, draft.get_absolute_url()).status_code == HTTPStatus.OK


def test_unpublishing_removes_the_story_everywhere_at_once(client):
    article = ArticleFactory(live=True, headline="Minister resigns over contract")
    url = article.get_absolute_url()
    assert get(client, url).status_code == HTTPStatus.OK
    assert article.headline in html(get(client, "/"))

    article.unpublish()

    assert get(client, url, HTTPStatus.NOT_FOUND).status_code == HTTPStatus.NOT_FOUND
    assert article.headline not in html(get(client, "/"))


def test_editing_a_story_shows_the_edit_on_its_page_and_listings(client):
    article = ArticleFactory(live=True, headline="Council approves budget")
    get(client, article.get_absolute_url())
    get(client, "/")

    article.headline = "Council approves budget after all-night session"
    article.save()

    assert article.headline in html(get(client, article.get_absolute_url()))
    assert article.headline in html(get(client, "/"))


def test_deleting_a_story_removes_it(client):
    article = ArticleFactory(live=True, headline="Typo-ridden wire copy")
    assert article.headline in html(get(client, "/latest/"))

    article.delete()

    assert article.headline not in html(get(client, "/latest/"))


def test_a_new_correction_appears_on_the_article(client):
    article = ArticleFactory(live=True)
    get(client, article.get_absolute_url())

    CorrectionFactory(article=article, note="<p>The bridge is 40 metres long, not 400.</p>")

    assert "not 400" in html(get(client, article.get_absolute_url()))


def test_renaming_a_section_updates_the_navigation(client):
    section = SectionFactory(name="Sport")
    article = ArticleFactory(live=True, section=section)
    get(client, article.get_absolute_url())

    section.name = "Sports"
    section.save()

    assert ">Sports</a>" in html(get(client, article.get_absolute_url()))


def test_renaming_an_author_updates_bylines(client):
    author = AuthorFactory(name="Sara Rajabova")
    article = ArticleFactory(live=True, authors=[author])
    get(client, article.get_absolute_url())

    author.name = "Sara Rajabova-Aliyeva"
    author.save()

    assert "Sara Rajabova-Aliyeva" in html(get(client, article.get_absolute_url()))


def test_adding_an_author_to_a_byline_updates_it(client):
    article = ArticleFactory(live=True, authors=[AuthorFactory(name="First Reporter")])
    get(client, article.get_absolute_url())

    article.authors.add(AuthorFactory(name="Second Reporter"), through_defaults={"position": 1})

    assert "Second Reporter" in html(get(client, article.get_absolute_url()))


def test_removing_a_byline_link_updates_it(client):
    first, second = AuthorFactory(name="Kept Reporter"), AuthorFactory(name="Removed Reporter")
    article = ArticleFactory(live=True, authors=[first, second])
    get(client, article.get_absolute_url())

    ArticleAuthor.objects.get(article=article, author=second).delete()

    assert "Removed Reporter" not in html(get(client, article.get_absolute_url()))


def test_tagging_and_renaming_tags_update_the_article(client):
    article = ArticleFactory(live=True, tags=["Energy"])
    get(client, article.get_absolute_url())

    article.tags.add("Caspian")
    assert ">Caspian</a>" in html(get(client, article.get_absolute_url()))

    tag = article.tags.get(name="Energy")
    tag.name = "Energy policy"
    tag.save()
    assert ">Energy policy</a>" in html(get(client, article.get_absolute_url()))


def test_editing_an_image_caption_updates_the_article(client):
    image = ImageFactory(caption="Old caption")
    article = ArticleFactory(live=True, lead_image=image)
    get(client, article.get_absolute_url())

    image.caption = "Protesters outside parliament on Tuesday"
    image.save()

    assert "Protesters outside parliament" in html(get(client, article.get_absolute_url()))


def test_bulk_updates_are_made_fresh_by_invalidating_everything(client):
    article = ArticleFactory(live=True, headline="Original headline")
    get(client, "/")

    Article.objects.filter(pk=article.pk).update(headline="Bulk-edited headline")  # no signals
    page_cache.invalidate_all()

    assert "Bulk-edited headline" in html(get(client, "/"))


def test_tokens_change_at_once_and_again_when_the_transaction_commits(django_capture_on_commit_callbacks):
    article = ArticleFactory(live=True)
    key = f"article-{article.pk}"
    page_cache.write_tokens(soft=[key])
    before = page_cache.read_tokens([key])[key]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        article.headline = "A new headline"
        article.save()
        during = page_cache.read_tokens([key])[key]

    assert during != before  # at once, for this transaction's own reads
    assert callbacks  # and once more on commit (the HTTP cache is purged then)
    assert page_cache.read_tokens([key])[key] not in (before, during)


# Time: scheduled articles, embargoes, midnight -------------------------------------------------------------


def test_a_scheduled_story_appears_at_its_time_though_pages_were_cached_before(client, time_machine):
    now = timezone.now().replace(microsecond=0)
    time_machine.move_to(now, tick=False)
    ArticleFactory(live=True, headline="Yesterday's news")
    scheduled = ArticleFactory(
        headline="Budget unveiled at noon",
        status=Article.Status.PUBLISHED,
        published_at=now + datetime.timedelta(minutes=30),
    )
    assert scheduled.headline not in html(get(client, "/"))
    assert get(client, "/")["X-Page-Cache"] == "hit"
    assert get(client, scheduled.get_absolute_url(), HTTPStatus.NOT_FOUND).status_code == HTTPStatus.NOT_FOUND

    time_machine.move_to(now + datetime.timedelta(minutes=30, seconds=1), tick=False)

    home = get(client, "/")
    assert home["X-Page-Cache"] == "miss"
    assert scheduled.headline in html(home)
    assert scheduled.headline in html(get(client, "/latest/"))
    assert get(client, scheduled.get_absolute_url()).status_code == HTTPStatus.OK


def test_an_embargoed_story_appears_when_the_embargo_lifts(client, time_machine):
    now = timezone.now().replace(microsecond=0)
    time_machine.move_to(now, tick=False)
    wire = ArticleFactory(
        live=True, headline="Wire: central bank cuts rates", embargo_until=now + datetime.timedelta(hours=2)
    )
    assert wire.headline not in html(get(client, "/latest/"))

    time_machine.move_to(now + datetime.timedelta(hours=2, seconds=1), tick=False)

    assert wire.headline in html(get(client, "/latest/"))


def test_cdn_headers_never_outlive_a_scheduled_publication(client, time_machine):
    # Midday: within 90 s of midnight the masthead's turnover would come first (CI once ran at 23:58:53).
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    time_machine.move_to(now, tick=False)
    ArticleFactory(live=True)
    ArticleFactory(status=Article.Status.PUBLISHED, published_at=now + datetime.timedelta(seconds=90))

    response = get(client, "/")

    assert "public" in response["Cache-Control"]
    assert "s-maxage=90" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]


def test_masthead_date_and_latest_box_turn_over_at_midnight(client, baku, time_machine):
    # 23:59:30 in Baku (UTC+04:00) on 1 March 2024
    time_machine.move_to(datetime.datetime(2024, 3, 1, 19, 59, 30, tzinfo=datetime.UTC), tick=False)
    article = ArticleFactory(live=True)
    before = get(client, article.get_absolute_url())
    assert "Friday March 1 2024" in html(before)
    assert get(client, article.get_absolute_url())["X-Page-Cache"] == "hit"

    time_machine.move_to(datetime.datetime(2024, 3, 1, 20, 0, 1, tzinfo=datetime.UTC), tick=False)

    after = get(client, article.get_absolute_url())
    assert "Saturday March 2 2024" in html(after)  # the masthead fragment turned over; the page body is kept
    assert "Friday March 1 2024" not in html(after)


def test_pages_cached_late_in_the_day_tell_cdns_to_drop_them_at_midnight(client, baku, time_machine):
    time_machine.move_to(datetime.datetime(2024, 3, 1, 19, 58, 0, tzinfo=datetime.UTC), tick=False)  # 23:58 Baku
    ArticleFactory(live=True)

    response = get(client, "/")

    assert "s-maxage=120" in response["Cache-Control"]


# Redis away ------------------------------------------------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_cache(port):
    return {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "BREAKER_SECONDS": 0},
        }
    }


def test_pages_are_served_uncached_and_the_outage_logged_when_redis_is_unreachable(client, settings, caplog):
    settings.CACHES = _redis_cache(_free_port())  # nothing listens there
    article = ArticleFactory(live=True, headline="Storm closes the port")

    with caplog.at_level(logging.WARNING, logger="newsroom.cache"):
        first = get(client, article.get_absolute_url())
        second = get(client, article.get_absolute_url())

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert article.headline in html(second)
    assert "X-Page-Cache" not in second
    assert any("Redis unavailable" in record.getMessage() for record in caplog.records)


@pytest.fixture
def private_redis():
    """A throwaway redis-server on a free port, which the test may stop and start again."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    processes = []

    def start():
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.02)  # waiting for the server to listen, not timing the test
        pytest.fail("redis-server did not start")

    def stop():
        processes[-1].terminate()
        processes[-1].wait(timeout=10)

    start()
    yield port, start, stop
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def test_caching_recovers_when_redis_returns(client, settings, private_redis):
    port, start, stop = private_redis
    settings.CACHES = _redis_cache(port)
    article = ArticleFactory(live=True)
    url = article.get_absolute_url()
    get(client, url)
    assert get(client, url)["X-Page-Cache"] == "hit"

    stop()
    down = get(client, url)
    assert down.status_code == HTTPStatus.OK
    assert "X-Page-Cache" not in down

    start()  # an empty Redis, as after a restart
    assert get(client, url)["X-Page-Cache"] == "miss"
    assert get(client, url)["X-Page-Cache"] == "hit"
    cache.clear()


# The change feed: a hit hears of changes without asking Redis --------------------------------------------


def _commands_run(port):
    """Commands the private Redis has run so far (this question included)."""
    return redis.Redis(port=port).info("stats")["total_commands_processed"]


@pytest.mark.parametrize("feed", [True, False])
def test_a_hit_asks_redis_nothing_while_nothing_changes(client, settings, private_redis, monkeypatch, feed):
    port, _start, _stop = private_redis
    settings.CACHES = _redis_cache(port)
    settings.PAGE_CACHE_CHANGE_FEED = feed
    monkeypatch.setattr(page_cache, "FEED_RECHECK", 60)  # this test is not about the periodic check
    url = ArticleFactory(live=True).get_absolute_url()
    get(client, url)
    get(client, url)  # the first hit subscribes and asks

    asking = _commands_run(port) - _commands_run(port)  # what counting costs
    start = _commands_run(port)
    hits = [get(client, url)["X-Page-Cache"] for _ in range(10)]
    used = _commands_run(port) - start + asking

    assert hits == ["hit"] * 10
    assert used == (0 if feed else 10)


def test_a_takedown_written_by_another_process_is_never_served_after_it_returns(
    client, settings, private_redis, monkeypatch
):
    port, _start, _stop = private_redis
    settings.CACHES = _redis_cache(port)
    monkeypatch.setattr(page_cache, "FEED_RECHECK", 600)  # the feed alone must tell (the process takes seconds)
    article = ArticleFactory(live=True)
    url = article.get_absolute_url()
    get(client, url)
    assert get(client, url)["X-Page-Cache"] == "hit"

    # Another worker (here, another process) takes the story down: tokens, change record, announcement.
    writer = "import sys, django; django.setup(); from articles import cache; cache.write_tokens(hard=[sys.argv[1]])"
    environment = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0", "CACHE_KEY_PREFIX": ""}
    subprocess.run([sys.executable, "-c", writer, f"article-{article.pk}"], env=environment, check=True, timeout=60)

    assert get(client, url)["X-Page-Cache"] == "miss"


def test_pages_held_in_worker_memory_are_bounded(client, settings):
    settings.PAGE_CACHE_LOCAL_ENTRIES = 2
    section = SectionFactory()
    ArticleFactory(live=True, section=section)
    for url in ["/", "/latest/", section.get_absolute_url()]:
        get(client, url)

    assert len(page_cache._local_pages) == 2


def test_an_invalidation_from_another_process_makes_pages_in_worker_memory_stale(client):
    article = ArticleFactory(live=True, headline="Original")
    get(client, "/")
    Article.objects.filter(pk=article.pk).update(headline="Changed elsewhere")

    page_cache.invalidate_all()  # as another worker's bulk write would

    assert "Changed elsewhere" in html(get(client, "/"))


def test_a_hit_reads_a_pages_tokens_only_after_a_change_that_touched_its_keys(client, monkeypatch):
    article = ArticleFactory(live=True, headline="Harbour ferry resumes")
    url = article.get_absolute_url()
    get(client, url)
    get(client, url)
    token_reads = []
    real = page_cache.read_tokens
    monkeypatch.setattr(page_cache, "read_tokens", lambda keys: token_reads.append(set(keys)) or real(keys))

    page_cache.write_tokens(soft={"article-999999"})  # another story changed
    unrelated = get(client, url)
    reads_after_unrelated = len(token_reads)
    page_cache.write_tokens(soft={f"article-{article.pk}"})  # this one did
    related = get(client, url)

    assert unrelated["X-Page-Cache"] == "hit"
    assert reads_after_unrelated == 0  # the change log said it touched nothing on this page
    assert related["X-Page-Cache"] == "miss"  # its keys were checked, found stale and the page rendered again
    assert any(f"article-{article.pk}" in keys for keys in token_reads)


def test_a_flushed_shared_cache_starts_a_new_epoch_and_nothing_held_in_memory_is_trusted(client):
    article = ArticleFactory(live=True, headline="Original")
    get(client, "/")
    Article.objects.filter(pk=article.pk).update(headline="Changed while Redis restarted")  # no signals

    cache.clear()  # Redis flushed or restarted empty: no counter, no change log, no tokens

    assert "Changed while Redis restarted" in html(get(client, "/"))


def test_a_worker_holding_a_stale_copy_takes_the_one_another_worker_already_rendered(client, monkeypatch):
    from articles.views import ArticleDetailView

    article = ArticleFactory(live=True, headline="Bridge reopens")
    url = article.get_absolute_url()
    key = page_cache._page_key(get(client, url).wsgi_request)
    old_copy = page_cache._local_pages.get(key)
    article.headline = "Bridge reopens to traffic"
    article.save()
    page_cache.clear_local_memory()
    get(client, url)  # another worker renders it again and stores it in the shared cache
    page_cache._local_pages.put(key, old_copy)  # this worker still holds the old copy
    renders = []
    real = ArticleDetailView.get_context_data
    monkeypatch.setattr(
        ArticleDetailView, "get_context_data", lambda self, **kw: renders.append(1) or real(self, **kw)
    )

    response = get(client, url)

    assert response["X-Page-Cache"] == "hit"
    assert b"Bridge reopens to traffic</h1>" in response.content
    assert renders == []


def test_a_worker_keeps_the_shared_fragments_it_read_in_memory(client, monkeypatch):
    article = ArticleFactory(live=True)
    url = article.get_absolute_url()
    get(client, url)
    page_cache.clear_local_memory()  # another worker rendered the page and its fragments
    get(client, url)
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: reads.append(key) or real_get(key, *a, **kw))

    response = get(client, url)

    assert response["X-Page-Cache"] == "hit"
    assert not [key for key in reads if key.startswith("fragment:")]
