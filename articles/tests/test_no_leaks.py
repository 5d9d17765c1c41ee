"""No leaks: an unpublished, scheduled, embargoed or archived article appears nowhere readers can look.

Every hidden article carries the word "Zephyrine" in its headline, dek, body and slug, shares its section,
author, tag, day and search words with live ones, and is featured with top priority — so any place that
filters on the wrong thing shows it. Each check also finds a live article where it looks (a positive
control), so an empty or broken page cannot pass by accident. Readers are anonymous, logged in without any
permission, or staff without permissions.
"""

import datetime
import json
import re
from http import HTTPStatus
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
from django.utils import timezone

from articles.models import Article, Redirect

from .factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "zephyrine"
HIDDEN_KINDS = ["draft", "review", "unpublished", "archived", "scheduled", "embargoed"]


class Newsroom:
    def __init__(self):
        now = timezone.now()
        earlier = now - datetime.timedelta(hours=2)
        self.section = SectionFactory(name="Harbour", slug="harbour")
        self.author = AuthorFactory(name="Leyla Mammadova", slug="leyla-mammadova")
        self.tag = "Port expansion"
        story = {"section": self.section, "authors": [self.author], "tags": [self.tag]}
        self.live = ArticleFactory(
            live=True, headline="Port opens new container terminal", published_at=earlier, **story
        )
        self.related = ArticleFactory(
            live=True, headline="Terminal workers welcome the new cranes", published_at=earlier, **story
        )
        self.hidden = {}
        for kind in HIDDEN_KINDS:
            status = {
                "draft": Article.Status.DRAFT,
                "review": Article.Status.REVIEW,
                "unpublished": Article.Status.UNPUBLISHED,
                "archived": Article.Status.ARCHIVED,
            }.get(kind, Article.Status.PUBLISHED)
            self.hidden[kind] = ArticleFactory(
                headline=f"Zephyrine {kind} memo on the container terminal",
                slug=f"zephyrine-{kind}-memo",
                dek=f"Zephyrine {kind} dek.",
                body=f"<p>Zephyrine {kind} body about the container terminal.</p>",
                status=status,
                published_at=now + datetime.timedelta(days=1) if kind == "scheduled" else earlier,
                embargo_until=now + datetime.timedelta(days=1) if kind == "embargoed" else None,
                is_featured=True,
                priority=100,
                **story,
            )
        self.tag_slug = self.live.tags.get().slug
        self.day = timezone.localtime(earlier).date()


@pytest.fixture
def newsroom():
    return Newsroom()


def reader_client(client, kind):
    if kind == "reader":
        user = UserFactory()
    elif kind == "staff-without-permissions":
        user = UserFactory(is_staff=True)
    else:
        return client
    user.save()  # the factory sets the password after its own save
    client.force_login(user)
    return client


@pytest.fixture(params=["anonymous", "reader", "staff-without-permissions"])
def reader(request, client):
    return reader_client(client, request.param)


def fetch(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode()


def assert_no_leak(text, where):
    assert TOKEN not in text.lower(), f"a hidden article leaks into {where}"


def assert_shows_live(client, newsroom, url, expect=None):
    response, text = fetch(client, url)
    assert response.status_code == HTTPStatus.OK, f"{url}: {response.status_code}"
    assert (expect or newsroom.live.headline) in text, f"{url} does not show the live article (positive control)"
    assert_no_leak(text, url)
    return text


# The hidden article's own address --------------------------------------------------


def test_hidden_article_url_is_not_found(reader, newsroom):
    for kind, article in newsroom.hidden.items():
        response, text = fetch(reader, article.get_absolute_url())

        assert response.status_code == HTTPStatus.NOT_FOUND, kind
        assert_no_leak(text, f"the 404 page of the {kind} article")


def test_old_address_of_hidden_article_does_not_redirect_to_it(reader, newsroom):
    for kind, article in newsroom.hidden.items():
        Redirect.objects.create(old_path=f"/old/story-{kind}/", article=article)

        response, text = fetch(reader, f"/old/story-{kind}/")

        assert response.status_code == HTTPStatus.NOT_FOUND, kind
        assert_no_leak(text + response.get("Location", ""), f"an old address of the {kind} article")


# Listings, home page blocks, Latest box, related articles, JSON-LD ------------------


def test_home_page_blocks_show_no_hidden_article(reader, newsroom):
    assert_shows_live(reader, newsroom, "/")


def test_listings_show_no_hidden_article(reader, newsroom):
    day = newsroom.day
    for url in [
        "/latest/",
        "/section/harbour/",
        "/author/leyla-mammadova/",
        f"/tag/{newsroom.tag_slug}/",
        f"/archive/{day:%Y}/{day:%m}/",
        f"/archive/{day:%Y}/{day:%m}/{day:%d}/",
    ]:
        assert_shows_live(reader, newsroom, url)


def test_year_archive_counts_no_hidden_article(reader, newsroom):
    day = newsroom.day
    text = assert_shows_live(reader, newsroom, f"/archive/{day:%Y}/", expect=f"/archive/{day:%Y}/{day:%m}/")

    assert re.search(r"\b2 articles\b", text), "the year's count includes hidden articles"
    assert not re.search(r"\b[3-8] articles\b", text), "the year's count includes hidden articles"


def test_authors_list_counts_only_published_articles(reader, newsroom):
    text = assert_shows_live(reader, newsroom, "/authors/", expect=newsroom.author.name)

    card = text[text.index(newsroom.author.name) :]
    assert re.search(r"\b2 articles\b", card[:2000]), "the author's count includes hidden articles"


def test_article_page_latest_box_related_and_json_ld_show_no_hidden_article(reader, newsroom):
    text = assert_shows_live(reader, newsroom, newsroom.live.get_absolute_url())

    assert newsroom.related.headline in text  # the Latest box / related articles are there…
    document = lxml.html.fromstring(text)
    blocks = document.xpath('//script[@type="application/ld+json"]/text()')
    assert blocks, "the article page has no JSON-LD"
    assert any(newsroom.live.headline in json.dumps(json.loads(block)) for block in blocks)
    for block in blocks:  # …and the structured data names no hidden article either
        assert_no_leak(json.dumps(json.loads(block)), "JSON-LD")


def test_related_articles_and_latest_box_on_other_pages_show_no_hidden_article(reader, newsroom):
    assert_shows_live(reader, newsroom, newsroom.related.get_absolute_url())


# Feeds -------------------------------------------------------------------------------


def test_feeds_show_no_hidden_article(reader, newsroom):
    for url in [
        "/feed/",
        "/feed/atom/",
        "/section/harbour/feed/",
        f"/tag/{newsroom.tag_slug}/feed/",
        "/author/leyla-mammadova/feed/",
    ]:
        assert_shows_live(reader, newsroom, url)


# Sitemaps and the news sitemap -----------------------------------------------------


def locations(xml_text):
    root = lxml.etree.fromstring(xml_text.encode())
    return [loc.text.strip() for loc in root.iter("{*}loc")]


def test_sitemaps_list_no_hidden_article(reader, newsroom):
    response, index = fetch(reader, "/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    assert_no_leak(index, "/sitemap.xml")

    pages = []
    for location in locations(index):
        parts = urlsplit(location)
        child_url = parts.path + (f"?{parts.query}" if parts.query else "")
        child, text = fetch(reader, child_url)
        assert child.status_code == HTTPStatus.OK, child_url
        assert_no_leak(text, child_url)
        pages.append(text)

    assert any(newsroom.live.get_absolute_url() in page for page in pages), "no sitemap lists the live article"


def test_news_sitemap_lists_no_hidden_article(reader, newsroom):
    text = assert_shows_live(reader, newsroom, "/news-sitemap.xml", expect=newsroom.live.get_absolute_url())

    assert newsroom.live.headline in text


# Search ----------------------------------------------------------------------------------


def test_search_finds_no_hidden_article(reader, newsroom):
    assert_shows_live(reader, newsroom, "/search/?q=container+terminal")


def test_searching_for_a_hidden_article_by_its_own_words_finds_nothing(reader, newsroom):
    response, text = fetch(reader, f"/search/?q={TOKEN}")

    assert response.status_code == HTTPStatus.OK
    for article in newsroom.hidden.values():  # the query is echoed on the page; no result may be
        assert article.slug not in text
        assert article.get_absolute_url() not in text
        assert article.dek not in text


# Health ----------------------------------------------------------------------------------


def test_health_output_names_no_article(reader, newsroom):
    response, text = fetch(reader, "/healthz")

    assert response.status_code == HTTPStatus.OK
    assert_no_leak(text, "/healthz")
    assert newsroom.live.headline not in text


def test_robots_txt_names_no_article(reader, newsroom):
    response, text = fetch(reader, "/robots.txt")

    assert response.status_code == HTTPStatus.OK
    assert_no_leak(text, "/robots.txt")


# Names that only hidden articles use ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_a_tag_or_author_used_only_by_hidden_articles_is_not_found(reader, newsroom, kind):
    secret_author = AuthorFactory(name="Zephyrine Correspondent", slug="zephyrine-correspondent")
    hidden = newsroom.hidden[kind]
    hidden.tags.add("Zephyrine takeover")
    hidden.article_authors.create(author=secret_author, position=1)
    tag_slug = hidden.tags.get(name="Zephyrine takeover").slug

    for url in (
        f"/tag/{tag_slug}/",
        f"/tag/{tag_slug}/feed/",
        f"/author/{secret_author.slug}/",
        f"/author/{secret_author.slug}/feed/",
    ):
        response, text = fetch(reader, url)
        assert response.status_code == HTTPStatus.NOT_FOUND, url
        assert_no_leak(text, url)
    # Positive control: the live story's tag and author still answer.
    assert_shows_live(reader, newsroom, f"/tag/{newsroom.tag_slug}/")
    assert_shows_live(reader, newsroom, f"/author/{newsroom.author.slug}/")


# The content API (api/) --------------------------------------------------------------


def test_api_lists_show_no_hidden_article(reader, newsroom, settings):
    settings.API_RATE_LIMIT = 0
    since = "2000-01-01T00:00:00Z"
    for query in [
        "", "?limit=100", f"?section={newsroom.section.slug}", f"?tag={newsroom.tag_slug}",
        f"?author={newsroom.author.slug}", "?q=container+terminal", f"?updated_since={since}",
        f"?published_after={since}",
    ]:  # fmt: skip
        assert_shows_live(reader, newsroom, f"/api/v1/articles{query}")
    assert_shows_live(reader, newsroom, f"/api/v1/articles/{newsroom.live.pk}")
    for url in ["/api/v1/authors?limit=100", "/api/v1/tags?limit=100", "/api/v1/sections"]:
        assert_no_leak(fetch(reader, url)[1], url)


def test_api_detail_and_lookup_of_hidden_article_are_not_found(reader, newsroom, settings):
    settings.API_RATE_LIMIT = 0
    for kind, article in newsroom.hidden.items():
        for url in [f"/api/v1/articles/{article.pk}", f"/api/v1/articles/lookup?path={article.get_absolute_url()}"]:
            response, text = fetch(reader, url)

            assert response.status_code == HTTPStatus.NOT_FOUND, (kind, url)
            assert_no_leak(text, f"{url} ({kind})")


def test_api_related_ids_name_no_hidden_article(reader, newsroom, settings):
    settings.API_RATE_LIMIT = 0
    data = reader.get(f"/api/v1/articles/{newsroom.live.pk}").json()

    assert newsroom.related.pk in data["related_ids"]  # positive control
    assert not {article.pk for article in newsroom.hidden.values()} & set(data["related_ids"])
