"""A published article's old addresses keep working as 301s when its slug or date changes."""

import datetime
from http import HTTPStatus

import pytest

from articles.models import Article, Redirect
from articles.roles import EDITOR

from .admin_helpers import change_url, errors_of, logged_in, post_form, user_with_role
from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_changing_a_live_articles_slug_in_the_admin_keeps_the_old_url(client):
    article = ArticleFactory(live=True, slug="minister-resigns")
    old_url = article.get_absolute_url()

    response = post_form(
        logged_in(user_with_role(EDITOR)), change_url(article), {"slug": "minister-resigns-over-deal"}
    )

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.get_absolute_url() != old_url
    moved = client.get(old_url)
    assert moved.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert moved["Location"] == article.get_absolute_url()
    assert client.get(moved["Location"]).status_code == HTTPStatus.OK


def test_changing_a_live_articles_date_keeps_the_old_url(client):
    article = ArticleFactory(live=True)
    old_url = article.get_absolute_url()

    article.published_at -= datetime.timedelta(days=3)
    article.save()

    response = client.get(old_url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == article.get_absolute_url()


def test_every_old_address_points_to_the_newest(client):
    article = ArticleFactory(live=True, slug="first-slug")
    first_url = article.get_absolute_url()
    article.slug = "second-slug"
    article.save()
    second_url = article.get_absolute_url()

    article.slug = "third-slug"
    article.save()

    for url in (first_url, second_url):
        response = client.get(url)
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY, url
        assert response["Location"] == article.get_absolute_url()


def test_moving_back_to_an_old_address_serves_the_article_there(client):
    article = ArticleFactory(live=True, slug="back-and-forth")
    original = article.get_absolute_url()
    article.slug = "elsewhere"
    article.save()

    article.slug = "back-and-forth"
    article.save()

    assert client.get(original).status_code == HTTPStatus.OK


def test_draft_slug_changes_leave_no_redirects():
    article = ArticleFactory(slug="working-title")

    article.slug = "final-title"
    article.save()

    assert not Redirect.objects.exists()


def test_imports_and_scripts_get_redirects_too(client):
    # Model-level rule: any save path (importers, shell, bulk fixes) records the old address.
    article = ArticleFactory(live=True, slug="wire-slug")
    old_url = article.get_absolute_url()

    fresh = Article.objects.get(pk=article.pk)
    fresh.slug = "edited-slug"
    fresh.save(update_fields=["slug"])

    assert Redirect.objects.get().old_path == old_url
    assert client.get(old_url).status_code == HTTPStatus.MOVED_PERMANENTLY


def test_old_address_of_an_unpublished_article_is_not_found(client):
    article = ArticleFactory(live=True, slug="pulled-story")
    old_url = article.get_absolute_url()
    article.slug = "pulled-story-renamed"
    article.save()

    article.unpublish()

    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND


def test_two_articles_may_take_turns_at_an_address(client):
    first = ArticleFactory(live=True, slug="shared-slug")
    address = first.get_absolute_url()
    first.slug = "first-moved"
    first.save()
    second = ArticleFactory(live=True, slug="shared-slug", published_at=first.published_at)

    second.slug = "second-moved"
    second.save()

    redirect = Redirect.objects.get(old_path=address)
    assert redirect.article == second
    assert client.get(address)["Location"] == second.get_absolute_url()
