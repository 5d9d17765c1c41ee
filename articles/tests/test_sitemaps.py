"""Sitemaps, the Google News sitemap and robots.txt, validated against the sitemaps.org schema."""

import datetime
from http import HTTPStatus
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from articles.models import Article
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "schemas"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def valid_xml(response, schema):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    assert xsd.validate(document), xsd.error_log
    return document


def locations(document):
    return document.xpath("//sm:loc/text()", namespaces=NS)


def section_url(name, page=None):
    url = "http://testserver" + reverse("articles:sitemap_section", kwargs={"section": name})
    return f"{url}?p={page}" if page else url


def test_index_lists_every_sitemap_and_validates(client):
    ArticleFactory(live=True, authors=[AuthorFactory()], tags=["Budget"])

    document = valid_xml(client.get("/sitemap.xml"), "siteindex.xsd")

    assert locations(document) == [section_url(name) for name in ("articles", "sections", "authors", "tags")]
    assert document.xpath("//sm:sitemap[1]/sm:lastmod/text()", namespaces=NS)


def test_index_lists_every_page_of_a_long_sitemap(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    section = SectionFactory()
    for _ in range(5):
        ArticleFactory(live=True, section=section)

    document = valid_xml(client.get("/sitemap.xml"), "siteindex.xsd")
    page3 = valid_xml(client.get(section_url("articles"), {"p": 3}), "sitemap.xsd")

    assert locations(document)[:3] == [section_url("articles"), section_url("articles", 2), section_url("articles", 3)]
    assert len(locations(page3)) == 1
    assert client.get(section_url("articles"), {"p": 4}).status_code == HTTPStatus.NOT_FOUND
    assert client.get(section_url("articles"), {"p": "abc"}).status_code == HTTPStatus.NOT_FOUND


def test_article_sitemap_has_published_articles_with_lastmod(client):
    live = ArticleFactory(live=True)
    ArticleFactory()
    ArticleFactory(scheduled=True)
    ArticleFactory(live=True, embargo_until=timezone.now() + datetime.timedelta(hours=1))

    document = valid_xml(client.get(section_url("articles")), "sitemap.xsd")

    assert locations(document) == [f"http://testserver{live.get_absolute_url()}"]
    assert document.xpath("//sm:lastmod/text()", namespaces=NS) == [timezone.localdate(live.modified_at).isoformat()]


def test_section_author_and_tag_sitemaps_list_only_pages_with_published_articles(client):
    politics = SectionFactory(name="Politics")
    SectionFactory(name="Closed", is_active=False)
    writer, drafter = AuthorFactory(name="Writer"), AuthorFactory(name="Drafter")
    ArticleFactory(live=True, section=politics, authors=[writer], tags=["Budget"])
    ArticleFactory(section=politics, authors=[drafter], tags=["Secret"])

    sections = valid_xml(client.get(section_url("sections")), "sitemap.xsd")
    authors = valid_xml(client.get(section_url("authors")), "sitemap.xsd")
    tags = valid_xml(client.get(section_url("tags")), "sitemap.xsd")

    assert locations(sections) == [f"http://testserver{politics.get_absolute_url()}"]
    assert locations(authors) == [f"http://testserver{writer.get_absolute_url()}"]
    assert locations(tags) == ["http://testserver" + reverse("articles:tag", args=["budget"])]


def test_unknown_sitemap_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == HTTPStatus.NOT_FOUND


def test_sitemaps_use_site_url_when_it_is_set(client, settings):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(live=True)

    index = valid_xml(client.get("/sitemap.xml"), "siteindex.xsd")
    articles = valid_xml(client.get(section_url("articles")), "sitemap.xsd")
    news = valid_xml(client.get("/news-sitemap.xml"), "sitemap.xsd")

    assert locations(index)[0] == "https://news.example.org/sitemap-articles.xml"
    assert locations(articles) == [f"https://news.example.org{article.get_absolute_url()}"]
    assert locations(news) == [f"https://news.example.org{article.get_absolute_url()}"]


def test_news_sitemap_describes_recent_articles_in_google_news_format(client, baku):
    article = ArticleFactory(live=True, headline="Council approves budget & schools")

    document = valid_xml(client.get("/news-sitemap.xml"), "sitemap.xsd")

    (url,) = document.xpath("//sm:url", namespaces=NS)
    assert url.xpath("sm:loc/text()", namespaces=NS) == [f"http://testserver{article.get_absolute_url()}"]
    news = url.xpath("news:news", namespaces=NS)[0]
    assert news.xpath("news:publication/news:name/text()", namespaces=NS) == ["The Daily Ledger"]
    assert news.xpath("news:publication/news:language/text()", namespaces=NS) == ["en"]
    assert news.xpath("news:title/text()", namespaces=NS) == ["Council approves budget & schools"]
    published = news.xpath("news:publication_date/text()", namespaces=NS)[0]
    assert datetime.datetime.fromisoformat(published) == article.published_at.replace(microsecond=0)
    assert published.endswith("+04:00")


def test_news_sitemap_window_is_48_hours_to_the_second(client):
    now = timezone.now().replace(microsecond=0)
    inside = ArticleFactory(live=True, published_at=now - datetime.timedelta(hours=48))
    ArticleFactory(live=True, published_at=now - datetime.timedelta(hours=48, seconds=1))
    ArticleFactory(scheduled=True)
    ArticleFactory(published_at=now - datetime.timedelta(hours=1))

    with time_machine.travel(now, tick=False):
        document = valid_xml(client.get("/news-sitemap.xml"), "sitemap.xsd")
    with time_machine.travel(now + datetime.timedelta(seconds=1), tick=False):
        later = etree.fromstring(client.get("/news-sitemap.xml").content)

    assert locations(document) == [f"http://testserver{inside.get_absolute_url()}"]
    assert locations(later) == []


def test_news_sitemap_holds_at_most_its_limit_newest_first(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    now = timezone.now()
    articles = [ArticleFactory(live=True, published_at=now - datetime.timedelta(minutes=n + 1)) for n in range(5)]

    document = valid_xml(client.get("/news-sitemap.xml"), "sitemap.xsd")

    assert locations(document) == [f"http://testserver{a.get_absolute_url()}" for a in articles[:3]]


@pytest.mark.parametrize(("language", "expected"), [("en", "en"), ("en-GB", "en"), ("zh-TW", "zh-tw"), ("az", "az")])
def test_news_sitemap_language_is_an_iso_639_code(settings, language, expected):
    settings.NEWSROOM_LANGUAGE = language

    assert sitemaps.news_language() == expected


def test_robots_txt_points_at_both_sitemaps(client, settings):
    settings.SITE_URL = "https://news.example.org"

    response = client.get("/robots.txt")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /preview/" in lines
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/news-sitemap.xml" in lines


def test_robots_txt_uses_request_host_without_site_url(client):
    lines = client.get("/robots.txt").content.decode().splitlines()

    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_no_unpublished_article_leaks_into_any_sitemap(client):
    hidden = [
        ArticleFactory(),
        ArticleFactory(scheduled=True),
        ArticleFactory(live=True, status=Article.Status.UNPUBLISHED),
        ArticleFactory(live=True, embargo_until=timezone.now() + datetime.timedelta(hours=1)),
    ]
    ArticleFactory(live=True)

    bodies = b"".join(
        client.get(url).content
        for url in ("/sitemap.xml", "/news-sitemap.xml", *(section_url(name) for name in sitemaps.SITEMAPS))
    ).decode()

    for article in hidden:
        assert article.slug not in bodies


@pytest.mark.parametrize("count", [1, 20])
def test_sitemap_queries_do_not_grow_with_articles(client, django_assert_num_queries, count):
    section = SectionFactory()
    for _ in range(count):
        ArticleFactory(live=True, section=section, authors=[AuthorFactory()], tags=["Sea"])

    # index: latest article change, then one count per sitemap
    with django_assert_num_queries(5):
        client.get("/sitemap.xml")
    # articles: count, page
    with django_assert_num_queries(2):
        client.get(section_url("articles"))
    with django_assert_num_queries(1):
        client.get("/news-sitemap.xml")
