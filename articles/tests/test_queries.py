"""Query budgets for every public page, with one item and with twenty: a fixed number, whatever the size.

Pages are measured without the page cache (the default under test; see test_cache.py for the cached path),
so these are the numbers a cold page costs. Every page's count includes the breaking-news banner's query
(live/; a shared fragment, so with the page cache it is read once per change, not per page). Discovery pages
(search, archives, feeds) have their own tests.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 20]


@pytest.fixture
def newsroom():
    """Two sections, each story with two authors and two tags and a lead image."""

    def build(count):
        sections = [SectionFactory(), SectionFactory()]
        authors = AuthorFactory.create_batch(2)
        image = ImageFactory()
        return [
            ArticleFactory(
                live=True,
                section=sections[i % 2],
                authors=authors,
                tags=["Energy", "Caspian"],
                lead_image=image,
            )
            for i in range(count)
        ]

    return build


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("count", SIZES)
def test_home_page_queries_do_not_grow_with_articles(client, newsroom, count):
    newsroom(count)
    # featured, newest, nav sections, the section blocks' ids (one query for all sections) and their articles,
    # bylines for all cards, the banner (live/). A lone story is the lead, which leaves the blocks empty.
    assert queries_for(client, "/") == (7 if count > 1 else 6)


@pytest.mark.parametrize("count", SIZES)
def test_article_page_queries_do_not_grow_with_articles(client, newsroom, count):
    articles = newsroom(count)
    # article (+ section, lead image, has-corrections), bylines, tags, related, nav sections, latest box;
    # with no other story sharing a tag, related falls back to the section: one more query.
    # + the banner (live/; the live blog comes with the article's own query)
    expected = 7 if count > 4 else 8
    assert queries_for(client, articles[-1].get_absolute_url()) == expected


def test_article_page_loads_corrections_only_when_there_are_some(client, newsroom):
    articles = newsroom(20)
    CorrectionFactory(article=articles[-1])

    assert queries_for(client, articles[-1].get_absolute_url()) == 8  # the seven above + corrections


@pytest.mark.parametrize("count", SIZES)
def test_latest_page_queries_do_not_grow_with_articles(client, newsroom, count):
    newsroom(count)
    # the page (its ids and one more, then their rows with section and lead image), bylines, nav sections;
    # no count of the archive (articles/pagination.py)
    assert queries_for(client, "/latest/") == 4


@pytest.mark.parametrize("count", SIZES)
def test_deep_latest_page_costs_the_same_as_the_first(client, newsroom, count):
    newsroom(count * 3)  # three pages of twenty with count=20

    last_page = 3 if count == 20 else 1
    assert queries_for(client, f"/latest/?page={last_page}") == 4


@pytest.mark.parametrize("count", SIZES)
def test_keyset_pages_cost_the_same_as_the_first(client, newsroom, count, settings):
    settings.ARTICLES_PER_PAGE = 2
    newsroom(count * 3)
    first = client.get("/latest/?after=start")  # the oldest page (or, when everything fits, page 1)
    oldest = first.url if first.status_code == HTTPStatus.FOUND else "/latest/?after=start"

    assert queries_for(client, oldest) == 4
    if count == 20:
        page = client.get("/latest/")
        assert queries_for(client, page.context["page_obj"].older_url) == 4


def test_a_deep_page_number_is_redirected_in_one_query(client, newsroom, settings):
    settings.ARTICLES_PER_PAGE = 2
    newsroom(30)

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/latest/?page=12")

    assert response.status_code == HTTPStatus.FOUND
    assert len(captured.captured_queries) == 1  # the ids around the page's start; no count


@pytest.mark.parametrize("count", SIZES)
def test_section_page_queries_do_not_grow_with_articles(client, newsroom, count):
    articles = newsroom(count)
    # section, the page, bylines, nav sections
    assert queries_for(client, articles[0].section.get_absolute_url()) == 5


@pytest.mark.parametrize("count", SIZES)
def test_tag_page_queries_do_not_grow_with_articles(client, newsroom, count):
    articles = newsroom(count)
    tag = articles[0].tags.get(name="Energy")
    # tag, the page, bylines, nav sections
    assert queries_for(client, tag.get_absolute_url()) == 5


@pytest.mark.parametrize("count", SIZES)
def test_author_page_queries_do_not_grow_with_articles(client, newsroom, count):
    articles = newsroom(count)
    author = articles[0].ordered_authors()[0]
    # author (+ photo), the page, bylines, nav sections
    assert queries_for(client, author.get_absolute_url()) == 5


@pytest.mark.parametrize("count", SIZES)
def test_authors_list_queries_do_not_grow_with_authors(client, count):
    section = SectionFactory()
    for author in AuthorFactory.create_batch(count, photo=ImageFactory()):
        ArticleFactory(live=True, section=section, authors=[author])
    # count, authors with photo and their live article counts, nav sections
    assert queries_for(client, "/authors/") == 4
