import datetime
from http import HTTPStatus

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from articles.models import Article
from articles.tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def test_article_page_shows_headline_byline_and_time_in_newsroom_zone(client, baku):
    authors = AuthorFactory.create_batch(3)
    article = ArticleFactory(live=True, authors=authors, tags=["Energy", "Caspian"])

    response = client.get(article.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert article.headline in html
    assert f'By <a href="{authors[0].get_absolute_url()}"' in html
    assert "(UTC+04:00)" in html
    assert "See more" in html


def test_draft_is_not_found(client):
    # A draft with a publication time has a dated address, so only the "published" rule keeps it hidden.
    article = ArticleFactory(published_at=timezone.now() - datetime.timedelta(hours=1))
    assert article.status == Article.Status.DRAFT and article.publication_date is not None

    response = client.get(article.get_absolute_url())

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_home_shows_featured_story_latest_and_section_blocks(client):
    featured = ArticleFactory(live=True, is_featured=True, priority=5, headline="Lead story of the day")
    others = ArticleFactory.create_batch(3, live=True)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert response.context["featured"] == featured
    assert html.index(featured.headline) < html.index(others[0].headline)
    for article in others:
        assert article.headline in html
        assert article.section.name in html


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1.5", "", "２"])
def test_listing_pages_that_are_not_whole_numbers_in_range_are_404(client, page):
    ArticleFactory.create_batch(3, live=True)

    response = client.get("/latest/", {"page": page})

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_latest_paginates_newest_first(client, settings):
    settings.ARTICLES_PER_PAGE = 20
    articles = ArticleFactory.create_batch(25, live=True)
    newest_first = sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)

    first = client.get("/latest/")
    second = client.get("/latest/", {"page": "2"})

    assert [a.pk for a in first.context["articles"]] == [a.pk for a in newest_first[:20]]
    assert [a.pk for a in second.context["articles"]] == [a.pk for a in newest_first[20:]]
    assert 'rel="next"' in first.content.decode()


def test_section_author_and_tag_pages_list_only_their_published_articles(client):
    author = AuthorFactory()
    mine = ArticleFactory(live=True, authors=[author], tags=["Oil"])
    draft = ArticleFactory(section=mine.section, authors=[author], tags=["Oil"])
    other = ArticleFactory(live=True, tags=["Gas"])

    for url in (mine.section.get_absolute_url(), author.get_absolute_url(), "/tag/oil/"):
        html = client.get(url).content.decode()
        assert mine.headline in html, url
        assert draft.headline not in html, url
        assert other.headline not in html, url


def test_inactive_section_and_unknown_slugs_are_404(client):
    article = ArticleFactory(live=True)
    article.section.is_active = False
    article.section.save()

    assert client.get(article.section.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.get("/author/nobody/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/tag/nothing/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/2024/02/30/impossible-date/").status_code == HTTPStatus.NOT_FOUND


def test_authors_list_shows_active_authors_without_user_ids(client):
    from articles.tests.factories import UserFactory

    user = UserFactory()
    active = AuthorFactory(name="Leyla Quliyeva", user=user)
    AuthorFactory(name="Gone Person", is_active=False)

    html = client.get("/authors/").content.decode()

    assert active.name in html
    assert "Gone Person" not in html
    assert f"/author/{active.slug}/" in html
    assert f"/author/{user.pk}/" not in html


def test_article_page_updated_time_only_after_publication(client, baku):
    import datetime

    article = ArticleFactory(live=True)
    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()

    article.updated_at = article.published_at + datetime.timedelta(minutes=30)
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()

    assert "Updated" in html
    local = article.updated_at.astimezone(datetime.timezone(datetime.timedelta(hours=4)))
    assert f'datetime="{local.isoformat(timespec="seconds")}"' in html


def test_article_timestamp_has_exact_spec_shape(client, baku):
    import datetime

    at = datetime.datetime(2013, 12, 12, 11, 50, tzinfo=datetime.UTC)
    article = ArticleFactory(status="published", published_at=at)

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<time datetime="2013-12-12T15:50:00+04:00">12 December 2013 15:50 (UTC+04:00)</time>' in html


def test_masthead_shows_today_in_the_newsroom_time_zone(client, baku):
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2024, 2, 25, 21, 0, tzinfo=datetime.UTC)):
        html = client.get("/").content.decode()

    assert "Monday February 26 2024" in html


def test_byline_with_roles_and_override(client):
    from articles.models import ArticleAuthor

    reporter, translator = AuthorFactory(name="Ann Lee"), AuthorFactory(name="Bo Chen")
    article = ArticleFactory(live=True, authors=[reporter])
    ArticleAuthor.objects.create(article=article, author=translator, position=1, role="Translated by")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "By <a" in html and "Ann Lee</a>; Translated by <a" in html

    article.byline_override = "Staff reporter"
    article.save()
    assert "Staff reporter" in client.get(article.get_absolute_url()).content.decode()


def test_bylines_name_every_author_in_order_and_escape_names(client):
    authors = [AuthorFactory(name=name) for name in ("Ann Lee", "Bo <b>Chen</b>", "Cy & Co")]
    article = ArticleFactory(live=True, authors=authors, headline="Three bylines")

    page = client.get(article.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()

    assert (
        f'By <a href="{authors[0].get_absolute_url()}" rel="author">Ann Lee</a>, '
        f'<a href="{authors[1].get_absolute_url()}" rel="author">Bo &lt;b&gt;Chen&lt;/b&gt;</a> and '
        f'<a href="{authors[2].get_absolute_url()}" rel="author">Cy &amp; Co</a></p>'
    ) in page
    # Cards name the authors without links.
    assert '<p class="byline">By Ann Lee, Bo &lt;b&gt;Chen&lt;/b&gt; and Cy &amp; Co</p>' in home
    assert "<b>Chen</b>" not in page + home


def test_404_page_uses_site_design(client):
    response = client.get("/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "We can’t find that page" in response.content.decode()
    assert 'class="masthead"' in response.content.decode()


def test_wordpress_plain_permalink_on_the_home_page_redirects(client):
    from articles.models import Redirect

    article = ArticleFactory(live=True)
    Redirect.objects.create(old_path="/?p=123", article=article)

    response = client.get("/", {"p": "123"})
    unknown = client.get("/", {"p": "999"})

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == article.get_absolute_url()
    assert unknown.status_code == HTTPStatus.OK


def test_dateline_runs_into_the_first_paragraph_and_is_escaped(client):
    article = ArticleFactory(live=True, dateline="BAKU <b>", body="<p>The council voted.</p><p>More.</p>")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<p><span class="dateline">BAKU &lt;b&gt; —</span> The council voted.</p>' in html


def test_authors_without_portraits_get_initials(client):
    author = AuthorFactory(name="Səbinə Əliyeva")
    ArticleFactory(live=True, authors=[author])  # an author with nothing published has no public page

    assert '<span class="avatar-placeholder" aria-hidden="true">SƏ</span>' in client.get("/authors/").content.decode()
    assert "avatar-placeholder--large" in client.get(author.get_absolute_url()).content.decode()


def test_latest_box_dates_stories_from_before_today(client):
    import datetime

    old = ArticleFactory(status="published", published_at=datetime.datetime(2024, 3, 5, 9, 30, tzinfo=datetime.UTC))
    article = ArticleFactory(live=True)

    html = client.get(article.get_absolute_url()).content.decode()

    assert old.headline in html
    assert ">5 Mar 09:30</time>" in html


def test_bylines_of_one_and_two_names(client):
    ann, bo = AuthorFactory(name="Ann Lee"), AuthorFactory(name="Bo & Co")
    ArticleFactory(live=True, authors=[ann], headline="One byline")
    ArticleFactory(live=True, authors=[ann, bo], headline="Two bylines")

    home = client.get("/").content.decode()

    assert '<p class="byline">By Ann Lee</p>' in home
    assert '<p class="byline">By Ann Lee and Bo &amp; Co</p>' in home


def test_bylines_are_joined_in_the_readers_language():
    article = ArticleFactory(authors=[AuthorFactory(name=name) for name in ("Ann", "Bo", "Cy")])
    template = Template("{% load newsroom %}{% byline article links=False %}")

    with translation.override("de"):
        html = template.render(Context({"article": article}))
        text = article.byline_text()

    assert html == '<p class="byline">By Ann, Bo und Cy</p>'
    assert text == "Ann, Bo und Cy"
