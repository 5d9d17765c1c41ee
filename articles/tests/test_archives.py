"""Date archives and related articles."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from articles.views import related_articles

pytestmark = pytest.mark.django_db


def at(*parts):
    return datetime.datetime(*parts, tzinfo=datetime.UTC)


def year_url(year):
    return reverse("articles:archive_year", kwargs={"year": year})


def month_url(year, month):
    return reverse("articles:archive_month", kwargs={"year": year, "month": month})


def day_url(year, month, day):
    return reverse("articles:archive_day", kwargs={"year": year, "month": month, "day": day})


def test_archive_urls_follow_the_contract():
    assert year_url(2024) == "/archive/2024/"
    assert month_url(2024, 3) == "/archive/2024/03/"
    assert day_url(2024, 3, 5) == "/archive/2024/03/05/"


def test_year_archive_lists_months_with_counts(client):
    for day in (1, 2, 3):
        ArticleFactory(live=True, published_at=at(2023, 3, day, 12))
    ArticleFactory(live=True, published_at=at(2023, 11, 20, 12))
    ArticleFactory(published_at=at(2023, 7, 1, 12))  # a draft: no July
    ArticleFactory(live=True, published_at=at(2022, 5, 1, 12))

    response = client.get(year_url(2023))

    assert response.status_code == HTTPStatus.OK
    assert [(m["month"], m["count"]) for m in response.context["months"]] == [
        (datetime.date(2023, 3, 1), 3),
        (datetime.date(2023, 11, 1), 1),
    ]
    html = response.content.decode()
    assert f'<a href="{month_url(2023, 3)}">March 2023</a> <span class="archive__count">(3 articles)</span>' in html
    assert "July" not in html
    assert f'href="{year_url(2022)}"' in html
    assert response.context["total"] == 4


def test_month_archive_lists_its_articles_newest_first_with_day_counts(client):
    first = ArticleFactory(live=True, headline="First", published_at=at(2024, 2, 1, 8))
    last = ArticleFactory(live=True, headline="Last", published_at=at(2024, 2, 29, 8))
    ArticleFactory(live=True, headline="March", published_at=at(2024, 3, 1, 8))
    ArticleFactory(headline="Draft", published_at=at(2024, 2, 10, 8))

    response = client.get(month_url(2024, 2))

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["articles"]) == [last, first]
    assert [(d["publication_date"].day, d["count"]) for d in response.context["days"]] == [(1, 1), (29, 1)]
    assert f'href="{day_url(2024, 2, 29)}"' in response.content.decode()


def test_day_archive_lists_that_days_articles(client):
    morning = ArticleFactory(live=True, published_at=at(2024, 3, 5, 8))
    evening = ArticleFactory(live=True, published_at=at(2024, 3, 5, 20))
    ArticleFactory(live=True, published_at=at(2024, 3, 6, 8))

    response = client.get(day_url(2024, 3, 5))

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["articles"]) == [evening, morning]


def test_archives_use_the_newsroom_time_zone(client, baku):
    # 22:30 UTC on 31 January is 02:30 on 1 February in Baku.
    ArticleFactory(live=True, published_at=at(2024, 1, 31, 22, 30))

    assert client.get(month_url(2024, 1)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(month_url(2024, 2)).status_code == HTTPStatus.OK
    assert client.get(day_url(2024, 2, 1)).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "url",
    ["/archive/2024/", "/archive/2024/03/", "/archive/2024/03/06/", "/archive/2024/13/", "/archive/2024/02/30/"]
    + ["/archive/0000/", "/archive/2024/00/", "/archive/2024/03/00/", "/archive/24/", "/archive/2024/3/"],
)
def test_empty_or_impossible_archive_is_404(client, url):
    ArticleFactory(live=True, published_at=at(2023, 3, 5, 12))
    ArticleFactory(published_at=at(2024, 3, 6, 12))
    ArticleFactory(scheduled=True)

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_scheduled_article_does_not_open_a_future_archive(client):
    article = ArticleFactory(scheduled=True)
    local = article.publication_date

    assert client.get(day_url(local.year, local.month, local.day)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("page", ["0", "-1", "abc", "3", "99999", "1.5"])
def test_archive_bad_page_is_404(client, page):
    for hour in range(3):
        ArticleFactory(live=True, published_at=at(2024, 3, 5, hour))

    assert client.get(month_url(2024, 3), {"page": page}).status_code == HTTPStatus.NOT_FOUND


def test_archive_paginates(client):
    for minute in range(25):
        ArticleFactory(live=True, published_at=at(2024, 3, 5, 10, minute))

    assert len(client.get(day_url(2024, 3, 5)).context["articles"]) == 20
    assert len(client.get(day_url(2024, 3, 5), {"page": "2"}).context["articles"]) == 5


@pytest.mark.parametrize("count", [1, 20])
def test_archive_queries_do_not_grow_with_articles(client, django_assert_num_queries, count):
    section = SectionFactory()
    authors = AuthorFactory.create_batch(2)
    for n in range(count):
        ArticleFactory(live=True, section=section, authors=authors, published_at=at(2024, 3, 1 + n, 12))

    # months with counts, previous year, next year, navigation
    with django_assert_num_queries(5):
        assert client.get(year_url(2024)).status_code == HTTPStatus.OK
    # count, page of articles, their authors, days with counts, navigation (each page: + the banner, live/)
    with django_assert_num_queries(6):
        assert client.get(month_url(2024, 3)).status_code == HTTPStatus.OK
    # count, page of articles, their authors, navigation
    with django_assert_num_queries(5):
        assert client.get(day_url(2024, 3, 1)).status_code == HTTPStatus.OK


# Related articles ------------------------------------------------------------


def test_related_articles_rank_shared_tags_then_fill_from_the_section():
    section, other = SectionFactory(), SectionFactory()
    article = ArticleFactory(live=True, section=section, tags=["Oil", "Gas", "Caspian"])
    two_tags = ArticleFactory(live=True, section=other, tags=["Oil", "Gas"], headline="Two tags")
    one_tag = ArticleFactory(live=True, section=other, tags=["Caspian"], headline="One tag")
    same_section = ArticleFactory(live=True, section=section, headline="Same section")
    ArticleFactory(live=True, section=other, headline="Unrelated")
    ArticleFactory(section=section, tags=["Oil", "Gas", "Caspian"], headline="Draft")
    ArticleFactory(scheduled=True, section=section, tags=["Oil"], headline="Scheduled")

    related = related_articles(Article.objects.prefetch_related("tags").get(pk=article.pk))

    assert related == [two_tags, one_tag, same_section]


def test_related_articles_take_at_most_two_queries():
    section = SectionFactory()
    article = ArticleFactory(live=True, section=section, tags=["Oil", "Gas"])
    for n in range(10):
        ArticleFactory(live=True, section=section, tags=["Oil"] if n % 2 else [])
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)

    with CaptureQueriesContext(connection) as queries:
        related = related_articles(article, limit=4)

    assert len(related) == 4
    assert len(queries) <= 2


def test_article_page_shows_related_articles(client):
    article = ArticleFactory(live=True, tags=["Oil"])
    other = ArticleFactory(live=True, tags=["Oil"], headline="Oil prices fall")

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'<a href="{other.get_absolute_url()}">Oil prices fall</a>' in html


def test_year_archive_links_the_nearest_years_with_stories(client):
    ArticleFactory(live=True, published_at=at(2019, 6, 1, 12))
    ArticleFactory(live=True, published_at=at(2023, 3, 5, 12))
    ArticleFactory(published_at=at(2024, 3, 6, 12))  # a draft opens no year

    html = client.get(year_url(2023)).content.decode()

    assert f'rel="prev" href="{year_url(2019)}"' in html
    assert 'rel="next"' not in html


def test_archive_pages_depend_on_their_period_and_their_cards(client, page_cache_on, settings):
    settings.HTTP_CACHE_TAG_HEADER = "xkey"
    section, author = SectionFactory(), AuthorFactory()
    story = ArticleFactory(live=True, section=section, authors=[author], published_at=at(2024, 3, 5, 12))
    cards = {f"article-{story.pk}", f"author-{author.pk}"}  # its section is in the navigation too
    navigation = {"all", "frag-nav", "frag-banner", f"section-{section.pk}"}  # and the banner (live/)

    def keys(url):
        return set(client.get(url)["xkey"].split()) - navigation

    assert keys(year_url(2024)) == {"list-archive-2024"}
    assert keys(month_url(2024, 3)) == {"list-archive-2024-03"} | cards
    assert keys(day_url(2024, 3, 5)) == {"list-archive-2024-03-05"} | cards
