"""Listings without counts: numbered pages near the top, keyset pages ("Older", "Newer", "Oldest") below.

Through the test client only: the stories each address shows, where its links go, and 404s for bad input.
"""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import Article
from articles.pagination import NUMBERED_PAGES
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 3


@pytest.fixture
def small_pages(settings):
    settings.ARTICLES_PER_PAGE = PER_PAGE
    return settings


def stories(count, **kwargs):
    """`count` live stories an hour apart (two share a publication time, to test the tie on id)."""
    start = timezone.now() - datetime.timedelta(days=30)
    made = [
        ArticleFactory(live=True, published_at=start + datetime.timedelta(hours=i), **kwargs) for i in range(count)
    ]
    Article.objects.filter(pk=made[5].pk).update(published_at=made[4].published_at)
    made[5].refresh_from_db()
    return sorted(made, key=lambda a: (a.published_at, a.pk), reverse=True)


def shown(response):
    assert response.status_code == HTTPStatus.OK, response
    return [article.pk for article in response.context["articles"]]


def walk(client, url, link):
    """Follow `link` ("older_url" or "newer_url") from `url` to the end: [(address, ids), ...]."""
    pages = []
    while url:
        response = client.get(url, follow=True)
        if response.redirect_chain:
            url = response.redirect_chain[-1][0]
        pages.append((url, shown(response)))
        url = getattr(response.context["page_obj"], link)
    return pages


def test_older_links_walk_every_published_story_once_newest_first(client, small_pages):
    listed = stories(NUMBERED_PAGES * PER_PAGE + 8)
    ArticleFactory()  # a draft
    ArticleFactory(scheduled=True)

    pages = walk(client, "/latest/", "older_url")

    assert [pk for _url, ids in pages for pk in ids] == [a.pk for a in listed]
    assert [url for url, _ids in pages[:NUMBERED_PAGES]] == ["/latest/"] + [
        f"/latest/?page={n}" for n in range(2, NUMBERED_PAGES + 1)
    ]
    assert all("?before=" in url for url, _ids in pages[NUMBERED_PAGES:])
    assert all(len(ids) == PER_PAGE for _url, ids in pages[:-1])


def test_newer_links_walk_back_from_the_oldest_page_to_page_one(client, small_pages):
    listed = stories(NUMBERED_PAGES * PER_PAGE + 8)

    first = client.get("/latest/")
    oldest = first.context["page_obj"].oldest_url
    pages = walk(client, oldest, "newer_url")

    assert pages[0][1] == [a.pk for a in listed[-PER_PAGE:]]  # the oldest stories, newest first
    assert pages[-1] == ("/latest/", [a.pk for a in listed[:PER_PAGE]])  # ends on page 1 itself
    # Every keyset page holds the stories just newer than the one before; the last of them reaches page 1.
    keyset = [pk for _url, ids in reversed(pages[:-1]) for pk in ids]
    start = len(listed) - len(keyset)
    assert keyset == [a.pk for a in listed[start:]]
    assert 0 < start <= PER_PAGE


@pytest.mark.parametrize("number", [NUMBERED_PAGES + 1, NUMBERED_PAGES + 3])
def test_a_deep_page_number_redirects_to_the_same_stories(client, small_pages, number):
    listed = stories(NUMBERED_PAGES * PER_PAGE + 8)

    response = client.get("/latest/", {"page": number})
    page = client.get(response.url)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith("/latest/?before=")
    assert shown(page) == [a.pk for a in listed[(number - 1) * PER_PAGE : number * PER_PAGE]]


@pytest.mark.parametrize("number", [3, NUMBERED_PAGES + 5, 9_999_999])
def test_page_numbers_past_the_end_are_404(client, small_pages, number):
    stories(6)

    assert client.get("/latest/", {"page": number}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "query",
    [
        {"before": ""},
        {"before": "abc"},
        {"before": "1.2.3"},
        {"before": "12"},
        {"before": "999999999999999999.1"},  # past the year 9999
        {"before": "-999999999999999999.1"},
        {"before": "١٢.٣"},  # digits, but not ASCII ones
        {"after": "soon"},
        {"after": "start", "page": "2"},
        {"before": "1.1", "after": "1.1"},
    ],
)
def test_malformed_keyset_addresses_are_404(client, small_pages, query):
    stories(8)

    assert client.get("/latest/", query).status_code == HTTPStatus.NOT_FOUND


def test_a_keyset_page_with_nothing_older_is_404(client, small_pages):
    listed = stories(8)

    oldest = listed[-1]
    moment = int((oldest.published_at - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)).total_seconds() * 1e6)

    assert client.get("/latest/", {"before": f"{moment}.{oldest.pk}"}).status_code == HTTPStatus.NOT_FOUND


def test_the_oldest_page_of_a_short_listing_is_page_one(client, small_pages):
    stories(PER_PAGE + 3)  # elsewhere: /latest/ has two pages
    short = SectionFactory()
    ArticleFactory.create_batch(PER_PAGE, live=True, section=short)

    response = client.get(short.get_absolute_url(), {"after": "start"})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == short.get_absolute_url()


def test_keyset_pages_follow_publications_and_unpublications(client, small_pages):
    listed = stories(NUMBERED_PAGES * PER_PAGE + 8)
    deep = client.get("/latest/", {"page": NUMBERED_PAGES + 1}).url
    before = shown(client.get(deep))

    gone = Article.objects.get(pk=before[1])
    gone.unpublish()
    fresh = ArticleFactory(live=True, published_at=timezone.now())
    after = shown(client.get(deep))

    # The page starts after the same story (its cursor); the story taken down is gone, the next one moves up.
    remaining = [a.pk for a in listed if a.pk != gone.pk]
    start = remaining.index(before[0])
    assert after == remaining[start : start + PER_PAGE]
    assert shown(client.get("/latest/"))[0] == fresh.pk
    assert gone.pk not in after


def test_section_tag_and_author_keyset_pages_list_only_their_own_stories(client, small_pages):
    section, author = SectionFactory(), AuthorFactory()
    mine = stories(NUMBERED_PAGES * PER_PAGE + 4, section=section, authors=[author], tags=["Energy"])
    ArticleFactory.create_batch(5, live=True)  # elsewhere, untagged, by someone else
    ArticleFactory(section=section, authors=[author], tags=["Energy"])  # a draft of theirs

    for base in (section.get_absolute_url(), "/tag/energy/", author.get_absolute_url()):
        pages = walk(client, base, "older_url")
        assert [pk for _url, ids in pages for pk in ids] == [a.pk for a in mine], base


def test_a_tag_with_only_drafts_is_404_on_every_address(client, small_pages):
    ArticleFactory(tags=["Secret"])
    stories(6)

    for query in ({}, {"page": "2"}, {"after": "start"}, {"before": "99999999999999.1"}):
        assert client.get("/tag/secret/", query).status_code == HTTPStatus.NOT_FOUND, query


def test_keyset_pages_are_cached_and_go_stale_when_a_story_on_them_goes(client, small_pages, page_cache_on):
    stories(NUMBERED_PAGES * PER_PAGE + 8)
    deep = client.get("/latest/", {"page": NUMBERED_PAGES + 1}).url
    first = client.get(deep)
    second = client.get(deep)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")

    Article.objects.get(pk=shown(first)[0]).unpublish()
    third = client.get(deep)

    assert third["X-Page-Cache"] != "hit"
    assert shown(first)[0] not in shown(third)
