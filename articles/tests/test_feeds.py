"""Feeds, parsed back with feedparser the way readers' apps see them."""

import datetime
from http import HTTPStatus

import feedparser
import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

FEED = reverse("articles:feed")
ATOM = reverse("articles:feed_atom")


def parse(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == HTTPStatus.OK
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed


def test_rss_items_carry_full_metadata(client, story):
    response, feed = parse(client, FEED)

    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert feed.version == "rss20"
    assert feed.feed.title == "The Daily Ledger"
    assert feed.feed.link == "http://testserver/"
    assert feed.feed.language == "en"
    (entry,) = feed.entries
    assert entry.title == "Council approves budget"
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert entry.id == f"tag:testserver,{timezone.localdate(story.created_at):%Y-%m-%d}:article:{story.pk}"
    assert entry.guidislink is False
    assert entry.summary == "The plan funds schools and road repairs."
    assert [author["name"] for author in entry.authors] == ["Sara Rajabova", "Tom Hale"]
    assert [tag.term for tag in entry.tags] == ["Politics", "Budget", "Schools"]
    assert entry.published == "Tue, 05 Mar 2024 13:30:00 +0400"  # the newsroom's time zone (Baku)
    assert entry.published_parsed[:5] == (2024, 3, 5, 9, 30)  # feedparser normalises to UTC
    (enclosure,) = entry.enclosures
    assert enclosure.href == f"http://testserver{story.lead_image.file.url}"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == story.lead_image.file.size > 0
    (media,) = entry.media_content
    assert media["url"] == enclosure.href
    assert (media["medium"], media["width"], media["height"]) == ("image", "1200", "800")


def test_atom_feed_carries_updated_time_and_every_author(client, story):
    response, feed = parse(client, ATOM)

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert feed.version == "atom10"
    (entry,) = feed.entries
    assert entry.id.startswith("tag:testserver,")
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert [author["name"] for author in entry.authors] == ["Sara Rajabova", "Tom Hale"]
    assert entry.authors[1]["href"] == f"http://testserver{story.authors.get(name='Tom Hale').get_absolute_url()}"
    # Atom dates keep the newsroom's offset (Baku, UTC+04:00).
    assert entry.published == "2024-03-05T13:30:00+04:00"
    assert entry.updated == "2024-03-05T16:30:00+04:00"
    assert [link.rel for link in entry.links] == ["alternate", "enclosure"]


def test_guid_never_changes_when_the_story_is_edited(client, story):
    _, before = parse(client, FEED)

    story.headline = "Council approves a smaller budget"
    story.slug = "smaller-budget"
    story.save()
    _, after = parse(client, FEED)

    assert after.entries[0].link != before.entries[0].link
    assert after.entries[0].id == before.entries[0].id


def test_feeds_use_site_url_when_it_is_set(client, story, settings):
    settings.SITE_URL = "https://news.example.org"

    _, feed = parse(client, FEED)

    (entry,) = feed.entries
    assert feed.feed.link == "https://news.example.org/"
    assert entry.link == f"https://news.example.org{story.get_absolute_url()}"
    assert entry.id.startswith("tag:news.example.org,")
    assert entry.enclosures[0].href.startswith("https://news.example.org/media/")


def test_no_draft_scheduled_or_embargoed_article_reaches_any_feed(client):
    section = SectionFactory()
    author = AuthorFactory()
    live = ArticleFactory(live=True, section=section, authors=[author], tags=["Sea"])
    ArticleFactory(section=section, authors=[author], tags=["Sea"])
    ArticleFactory(scheduled=True, section=section, authors=[author], tags=["Sea"])
    ArticleFactory(
        live=True,
        section=section,
        authors=[author],
        tags=["Sea"],
        embargo_until=timezone.now() + datetime.timedelta(hours=1),
    )
    ArticleFactory(live=True, status=Article.Status.UNPUBLISHED, section=section, authors=[author], tags=["Sea"])

    for url in (
        FEED,
        ATOM,
        reverse("articles:section_feed", args=[section.slug]),
        reverse("articles:tag_feed", args=["sea"]),
        reverse("articles:author_feed", args=[author.slug]),
    ):
        _, feed = parse(client, url)
        assert [entry.title for entry in feed.entries] == [live.headline], url


def test_listing_feeds_hold_only_their_own_articles(client):
    politics, sport = SectionFactory(name="Politics"), SectionFactory(name="Sport")
    sara = AuthorFactory(name="Sara Rajabova")
    vote = ArticleFactory(live=True, headline="Vote", section=politics, authors=[sara], tags=["Budget"])
    ArticleFactory(live=True, headline="Match", section=sport, tags=["Football"])

    _, section_feed = parse(client, reverse("articles:section_feed", args=[politics.slug]))
    _, tag_feed = parse(client, reverse("articles:tag_feed", args=["budget"]))
    _, author_feed = parse(client, reverse("articles:author_feed", args=[sara.slug]))

    assert section_feed.feed.title == "Politics | The Daily Ledger"
    assert section_feed.feed.link == f"http://testserver{politics.get_absolute_url()}"
    for feed in (section_feed, tag_feed, author_feed):
        assert [entry.title for entry in feed.entries] == [vote.headline]


@pytest.mark.parametrize(
    "url",
    [
        reverse("articles:section_feed", args=["no-such-section"]),
        reverse("articles:tag_feed", args=["no-such-tag"]),
        reverse("articles:author_feed", args=["no-such-author"]),
    ],
)
def test_unknown_listing_feed_is_404(client, url):
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_inactive_section_has_no_feed(client):
    section = SectionFactory(is_active=False)

    assert client.get(reverse("articles:section_feed", args=[section.slug])).status_code == HTTPStatus.NOT_FOUND


def test_control_characters_in_copy_do_not_break_the_feed(client):
    ArticleFactory(live=True, headline="Wire\x0b copy\x1f arrives", dek="Form\x0cfeed")

    for url in (FEED, ATOM):
        _, feed = parse(client, url)
        assert feed.entries[0].title == "Wire copy arrives"


def test_enclosure_length_is_the_recorded_size_and_the_feed_asks_the_storage_nothing(client, monkeypatch):
    image = ImageFactory()
    ArticleFactory(live=True, lead_image=image)
    with image.file.open("rb") as stored:
        size = len(stored.read())

    def no_storage_calls(*args, **kwargs):
        raise AssertionError("the feed asked the storage")

    image.file.storage.delete(image.file.name)  # a file that went missing does not break the feed either
    for method in ("size", "exists", "open"):
        monkeypatch.setattr(FileSystemStorage, method, no_storage_calls)

    _, feed = parse(client, FEED)

    assert feed.entries[0].enclosures[0].length == str(size) == str(image.file_size)


def test_pages_advertise_their_feeds(client):
    section = SectionFactory(name="Politics")
    author = AuthorFactory()
    ArticleFactory(live=True, section=section, authors=[author], tags=["Budget"])

    home = client.get("/").content.decode()
    section_page = client.get(section.get_absolute_url()).content.decode()
    author_page = client.get(author.get_absolute_url()).content.decode()
    tag_page = client.get(reverse("articles:tag", args=["budget"])).content.decode()

    rss = '<link rel="alternate" type="application/rss+xml" title="The Daily Ledger (RSS)" href="/feed/">'
    atom = '<link rel="alternate" type="application/atom+xml" title="The Daily Ledger (Atom)" href="/feed/atom/">'
    for html in (home, section_page, author_page, tag_page):
        assert rss in html and atom in html
    assert f'href="{reverse("articles:section_feed", args=[section.slug])}"' in section_page
    assert f'href="{reverse("articles:author_feed", args=[author.slug])}"' in author_page
    assert f'href="{reverse("articles:tag_feed", args=["budget"])}"' in tag_page


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("url_name", ["feed", "feed_atom", "section_feed"])
def test_feed_queries_do_not_grow_with_articles(client, django_assert_num_queries, count, url_name):
    section = SectionFactory()
    authors = AuthorFactory.create_batch(2)
    for _ in range(count):
        ArticleFactory(live=True, section=section, authors=authors, tags=["Sea", "Ships"], lead_image=ImageFactory())
    url = reverse(f"articles:{url_name}", args=[section.slug] if url_name == "section_feed" else [])

    # (the section,) articles with section and image, their authors, their tags
    with django_assert_num_queries(4 if url_name == "section_feed" else 3):
        response = client.get(url)

    assert len(feedparser.parse(response.content).entries) == count
