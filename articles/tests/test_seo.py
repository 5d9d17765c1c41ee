"""Structured data, social cards and canonical links, parsed back out of the pages."""

import json
from http import HTTPStatus

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from lxml import html as lxml_html
from PIL import Image as PILImage

from articles import seo
from articles.tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
)

pytestmark = pytest.mark.django_db


def head(response):
    assert response.status_code == HTTPStatus.OK
    return lxml_html.fromstring(response.content).find("head")


def json_ld(response):
    scripts = head(response).xpath('script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def meta(response):
    """{property or name: [content, …]} of the page's <meta> tags."""
    found = {}
    for tag in head(response).xpath("meta[@property or @name]"):
        found.setdefault(tag.get("property") or tag.get("name"), []).append(tag.get("content"))
    return found


def canonical(response):
    return head(response).xpath('link[@rel="canonical"]/@href')


def test_article_page_carries_news_article_json_ld_field_by_field(client, story):
    data = json_ld(client.get(story.get_absolute_url()))

    url = f"http://testserver{story.get_absolute_url()}"
    sara, tom = story.ordered_authors()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Council approves budget"
    assert data["description"] == "The plan funds schools and road repairs."
    assert data["url"] == url
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["datePublished"] == "2024-03-05T13:30:00+04:00"
    assert data["dateModified"] == "2024-03-05T16:30:00+04:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Sara Rajabova", "url": f"http://testserver{sara.get_absolute_url()}"},
        {"@type": "Person", "name": "Tom Hale", "url": f"http://testserver{tom.get_absolute_url()}"},
    ]
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "The Daily Ledger",
        "url": "http://testserver/",
        "logo": {"@type": "ImageObject", "url": "http://testserver/static/img/logo.png", "width": 600, "height": 60},
    }
    assert data["image"][0]["url"] == f"http://testserver{story.lead_image.file.url}"
    assert (data["image"][0]["width"], data["image"][0]["height"]) == (1200, 800)
    assert data["articleSection"] == "Politics"
    assert data["keywords"] == ["Budget", "Schools"]
    assert data["dateline"] == "BAKU"
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version misspelled the minister’s name.",
            "datePublished": "2024-03-06T13:30:00+04:00",
        }
    ]


def test_article_without_corrections_image_or_authors_leaves_those_out(client):
    article = ArticleFactory(live=True, byline_override="Staff reporter")

    data = json_ld(client.get(article.get_absolute_url()))

    assert "correction" not in data
    assert "image" not in data
    assert data["author"] == [{"@type": "Organization", "name": "Staff reporter"}]
    assert data["dateModified"] == data["datePublished"]


def test_json_ld_cannot_be_broken_out_of(client):
    article = ArticleFactory(live=True, headline="</script><script>alert(1)</script> & more")

    response = client.get(article.get_absolute_url())

    assert b"</script><script>alert(1)" not in response.content
    assert json_ld(response)["headline"] == "</script><script>alert(1)</script> & more"


def test_article_open_graph_and_twitter_cards(client, story):
    tags = meta(client.get(story.get_absolute_url()))

    url = f"http://testserver{story.get_absolute_url()}"
    image = f"http://testserver{story.lead_image.file.url}"
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == ["Council approves budget"]
    assert tags["og:description"] == ["The plan funds schools and road repairs."]
    assert tags["og:url"] == [url]
    assert tags["og:site_name"] == ["The Daily Ledger"]
    assert tags["og:image"] == [image]
    assert tags["og:image:alt"] == ["Councillors raise their hands"]
    assert tags["article:published_time"] == ["2024-03-05T13:30:00+04:00"]
    assert tags["article:section"] == ["Politics"]
    assert tags["article:tag"] == ["Budget", "Schools"]
    assert len(tags["article:author"]) == 2
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["twitter:title"] == ["Council approves budget"]
    assert tags["twitter:image"] == [image]
    assert tags["description"] == ["The plan funds schools and road repairs."]


def test_seo_fields_win_for_title_and_description(client):
    article = ArticleFactory(live=True, seo_title="Budget passes", seo_description="What the budget means for you.")

    response = client.get(article.get_absolute_url())
    tags = meta(response)

    assert head(response).findtext("title") == "Budget passes | The Daily Ledger"
    assert tags["description"] == ["What the budget means for you."]
    assert tags["og:title"] == ["Budget passes"]
    assert tags["og:description"] == ["What the budget means for you."]
    assert json_ld(response)["headline"] == "Budget passes"


def test_canonical_link_is_the_article_unless_overridden(client):
    own = ArticleFactory(live=True)
    syndicated = ArticleFactory(live=True, canonical_url="https://partner.example.com/original-story")

    assert canonical(client.get(own.get_absolute_url())) == [f"http://testserver{own.get_absolute_url()}"]
    response = client.get(syndicated.get_absolute_url())
    assert canonical(response) == ["https://partner.example.com/original-story"]
    assert json_ld(response)["mainEntityOfPage"]["@id"] == "https://partner.example.com/original-story"


def test_site_url_wins_over_the_request_host(client, settings, story):
    settings.SITE_URL = "https://news.example.org/"

    response = client.get(story.get_absolute_url(), HTTP_HOST="127.0.0.1")

    assert canonical(response) == [f"https://news.example.org{story.get_absolute_url()}"]
    assert json_ld(response)["publisher"]["logo"]["url"] == "https://news.example.org/static/img/logo.png"


def test_preview_is_noindex_and_describes_nothing(client):
    article = ArticleFactory(headline="Secret draft")

    response = client.get(article.get_preview_url())

    page = head(response)
    assert page.xpath('meta[@name="robots"]/@content') == ["noindex, nofollow"]
    assert not page.xpath('script[@type="application/ld+json"]')
    assert not canonical(response)


def test_author_page_is_a_profile_page_of_a_person(client):
    author = AuthorFactory(
        name="Sara Rajabova",
        job_title="Energy correspondent",
        bio="<p>Covers <strong>oil and gas</strong>.</p>",
        website="https://sara.example.org",
        x_handle="sara",
        photo=ImageFactory(),
    )
    ArticleFactory(live=True, authors=[author])  # an author with nothing published has no public page

    response = client.get(author.get_absolute_url())
    data = json_ld(response)

    url = f"http://testserver{author.get_absolute_url()}"
    assert data["@type"] == "ProfilePage"
    assert data["url"] == url
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Sara Rajabova"
    assert person["url"] == url
    assert person["jobTitle"] == "Energy correspondent"
    assert person["description"] == "Covers oil and gas."
    assert person["image"] == f"http://testserver{author.photo.file.url}"
    assert person["sameAs"] == ["https://sara.example.org", "https://x.com/sara"]
    assert person["worksFor"]["name"] == "The Daily Ledger"
    assert canonical(response) == [url]
    assert "user" not in json.dumps(data).lower()


def test_home_page_is_a_website_with_a_search_action(client):
    response = client.get("/")
    data = json_ld(response)

    assert data["@type"] == "WebSite"
    assert data["name"] == "The Daily Ledger"
    assert data["url"] == "http://testserver/"
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term}"
    assert action["query-input"] == "required name=search_term"
    assert canonical(response) == ["http://testserver/"]


def test_absolute_url_helper():
    request = RequestFactory().get("/", secure=True)

    assert seo.absolute_url("/feed/", request) == "https://testserver/feed/"
    assert seo.absolute_url("https://cdn.example.net/x.jpg", request) == "https://cdn.example.net/x.jpg"
    assert seo.absolute_url("//cdn.example.net/x.jpg", request) == "https://cdn.example.net/x.jpg"


def test_absolute_url_prefers_site_url(settings):
    settings.SITE_URL = "http://localhost:8000"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")

    assert seo.absolute_url("/feed/", request) == "http://localhost:8000/feed/"
    assert seo.absolute_url("/feed/") == "http://localhost:8000/feed/"


def test_publisher_logo_is_a_600_by_60_png():
    with PILImage.open(finders.find(seo.LOGO_PATH)) as logo:
        assert (logo.format, logo.size) == ("PNG", seo.LOGO_SIZE)


def test_structured_data_reuses_the_prefetched_tags_authors_and_corrections(client, story):
    with CaptureQueriesContext(connection) as queries:
        client.get(story.get_absolute_url())

    sql = [query["sql"] for query in queries.captured_queries]
    assert sum(q.startswith('SELECT "articles_correction"') for q in sql) == 1
    assert sum(q.startswith('SELECT "articles_articleauthor"') for q in sql) == 1
    assert sum('FROM "articles_tag" INNER JOIN' in q for q in sql) == 1
