"""Readers' live pages: entries under the intro, key events, anchors, structured data, and the polling endpoint."""

import datetime
import json
import re
from http import HTTPStatus

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from live.tests.factories import EntryFactory, LiveBlogFactory

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def blog(baku):
    return LiveBlogFactory(
        coverage_start=datetime.datetime(2024, 3, 5, 8, 0, tzinfo=datetime.UTC),
        article__published_at=datetime.datetime(2024, 3, 5, 8, 0, tzinfo=datetime.UTC),
    )


def test_entries_show_newest_first_with_pinned_on_top_and_key_events_summarised(client, blog):
    start = datetime.datetime(2024, 3, 5, 9, 0, tzinfo=datetime.UTC)
    pinned = EntryFactory(live_blog=blog, title="What we know", posted_at=start, pinned=True)
    first = EntryFactory(live_blog=blog, title="Polls open", posted_at=start + datetime.timedelta(minutes=5), key=True)
    second = EntryFactory(live_blog=blog, body="<p>Queues <script>alert(1)</script>at schools</p>",
                          posted_at=start + datetime.timedelta(minutes=30))  # fmt: skip

    doc = page(client, blog.article.get_absolute_url())

    ids = [item.get("id") for item in doc.xpath('//ol[@class="live__entries"]/li')]
    assert ids == [pinned.anchor, second.anchor, first.anchor]
    assert doc.xpath('//nav[@class="live__summary"]//a/@href') == [f"#{first.anchor}"]
    # Each entry's time is in the newsroom's zone with its offset, and links to the entry's own anchor.
    link = doc.xpath(f'//li[@id="{second.anchor}"]//a[@class="live-entry__time"]')[0]
    assert link.get("href") == f"#{second.anchor}"
    assert link.text_content() == "5 March 2024 13:30 (UTC+04:00)"
    assert link.xpath("time/@datetime") == ["2024-03-05T13:30:00+04:00"]
    assert "<script>" not in lxml.html.tostring(doc, encoding="unicode").split("application/ld+json")[0]
    # Under the intro: after the body, inside the article.
    assert doc.xpath('//article[@class="article"]/section[@id="live"]/preceding-sibling::div[@class="article__body"]')


def test_live_page_carries_liveblogposting_structured_data(client, blog):
    entry = EntryFactory(live_blog=blog, title="Polls open")
    blog.coverage_end = blog.coverage_start + datetime.timedelta(hours=12)
    blog.save()

    doc = page(client, blog.article.get_absolute_url())

    data = [json.loads(script.text) for script in doc.xpath('//script[@type="application/ld+json"]')]
    (live,) = [item for item in data if item.get("@type") == "LiveBlogPosting"]
    assert live["coverageStartTime"] == "2024-03-05T12:00:00+04:00"
    assert live["coverageEndTime"] == "2024-03-06T00:00:00+04:00"
    assert [update["headline"] for update in live["liveBlogUpdate"]] == ["Polls open"]
    assert live["liveBlogUpdate"][0]["url"].endswith(f"{blog.article.get_absolute_url()}#{entry.anchor}")


def test_running_coverage_loads_the_polling_script_and_ended_coverage_does_not(client, blog):
    doc = page(client, blog.article.get_absolute_url())
    (section,) = doc.xpath('//section[@id="live"]')
    assert section.get("data-live-updates") == f"/live/{blog.article_id}/updates/"
    assert doc.xpath('//script[contains(@src, "js/live.js")]')
    assert doc.xpath('//*[@aria-live="polite"]')

    blog.coverage_end = timezone.now() - datetime.timedelta(minutes=1)
    blog.save()
    doc = page(client, blog.article.get_absolute_url())
    assert not doc.xpath('//script[contains(@src, "js/live.js")]')
    assert "Live coverage has ended." in doc.text_content()


def test_entries_of_an_unpublished_article_never_show(client):
    blog = LiveBlogFactory(article=ArticleFactory())  # a draft
    EntryFactory(live_blog=blog, body="<p>Secret draft update</p>")

    assert client.get(f"/live/{blog.article_id}/updates/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/live/999999/updates/").status_code == HTTPStatus.NOT_FOUND


def test_polling_answers_304_until_an_entry_is_posted(client, blog):
    EntryFactory(live_blog=blog)
    url = f"/live/{blog.article_id}/updates/"

    first = client.get(url)
    assert first.status_code == HTTPStatus.OK
    etag = first["ETag"]
    assert len(first.json()["entries"]) == 1

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert len(queries) == 1  # the live blog's version, nothing else

    new = EntryFactory(live_blog=blog, title="Results are in")
    after = client.get(url, headers={"If-None-Match": etag})
    assert after.status_code == HTTPStatus.OK
    assert after["ETag"] != etag
    entries = after.json()["entries"]
    assert entries[0]["id"] == new.pk
    assert "Results are in" in entries[0]["html"]

    new.delete()
    after_delete = client.get(url, headers={"If-None-Match": after["ETag"]})
    assert [item["id"] for item in after_delete.json()["entries"]] != [new.pk]
    assert client.post(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_live_page_queries_do_not_grow_with_entries(client, blog):
    author = AuthorFactory()
    EntryFactory.create_batch(20, live_blog=blog, author=author)
    # Related stories share the section: enough of them so "related" needs no fallback query.
    for _ in range(5):
        ArticleFactory(live=True, section=blog.article.section)

    with CaptureQueriesContext(connection) as queries:
        client.get(blog.article.get_absolute_url())

    # the article's own six (article + live blog in one query, bylines, tags, related, nav sections, latest box),
    # the banner, the entries (with authors and images)
    assert len(queries) == 8, [q["sql"][:80] for q in queries.captured_queries]


def test_an_entry_makes_stale_only_its_live_page(client, blog, page_cache_on):
    other = ArticleFactory(live=True, section=SectionFactory())
    urls = [blog.article.get_absolute_url(), other.get_absolute_url(), "/", "/latest/"]
    for url in urls:
        client.get(url)
    assert all(client.get(url)["X-Page-Cache"] == "hit" for url in urls)

    EntryFactory(live_blog=blog, body="<p>Turnout passes 60 per cent</p>")

    live = client.get(urls[0])
    assert live["X-Page-Cache"] == "miss"
    assert "Turnout passes 60 per cent" in live.content.decode()
    assert [client.get(url)["X-Page-Cache"] for url in urls[1:]] == ["hit", "hit", "hit"]


def test_the_poll_endpoint_carries_the_live_key_for_http_caches(client, blog):
    response = client.get(f"/live/{blog.article_id}/updates/")
    assert re.search(rf"\blive-{blog.article_id}\b", response["xkey"])
    assert "max-age=0" in response["Cache-Control"]
