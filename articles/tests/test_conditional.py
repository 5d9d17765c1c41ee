"""Article pages answer conditional requests (ETag / Last-Modified → 304) and send CDN-friendly headers."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import cache as page_cache
from articles.tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


# With the shared cache (Redis in production) -----------------------------------------------------------------


def test_article_page_sends_validators_and_cdn_cache_control(client, page_cache_on):
    article = ArticleFactory(live=True)

    response = client.get(article.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=60" in cache_control
    assert "s-maxage=" in cache_control
    assert "Cookie" in response["Vary"]


def test_matching_etag_gets_304_without_rendering_or_querying(client, page_cache_on):
    article = ArticleFactory(live=True)
    etag = client.get(article.get_absolute_url())["ETag"]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""
    assert response["ETag"] == etag
    assert len(queries) == 0


def test_matching_etag_gets_304_from_another_workers_entry_without_rendering(client, page_cache_on):
    article = ArticleFactory(live=True)
    etag = client.get(article.get_absolute_url())["ETag"]
    page_cache.clear_local_memory()  # as in a worker that has never served this page

    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert len(queries) == 0  # validators come from the shared entry and its keys' tokens


def test_if_modified_since_gets_304_until_the_article_changes(client, page_cache_on):
    article = ArticleFactory(live=True)
    last_modified = client.get(article.get_absolute_url())["Last-Modified"]

    unchanged = client.get(article.get_absolute_url(), headers={"if-modified-since": last_modified})
    article.headline = "A corrected headline"
    article.save()
    changed = client.get(article.get_absolute_url(), headers={"if-modified-since": last_modified})

    assert unchanged.status_code == HTTPStatus.NOT_MODIFIED
    assert changed.status_code == HTTPStatus.OK
    assert "A corrected headline" in changed.content.decode()


def test_an_edit_changes_the_etag(client, page_cache_on):
    article = ArticleFactory(live=True)
    etag = client.get(article.get_absolute_url())["ETag"]

    article.dek = "New details emerged on Wednesday."
    article.save()
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag


def test_stale_etag_from_another_page_is_not_a_match(client, page_cache_on):
    first, second = ArticleFactory(live=True), ArticleFactory(live=True)
    etag = client.get(first.get_absolute_url())["ETag"]

    response = client.get(second.get_absolute_url(), headers={"if-none-match": etag})

    assert response.status_code == HTTPStatus.OK


# Without it (no REDIS_URL) ---------------------------------------------------------------------------------


def test_without_shared_cache_article_page_still_answers_if_none_match(client):
    article = ArticleFactory(live=True)
    first = client.get(article.get_absolute_url())

    response = client.get(article.get_absolute_url(), headers={"if-none-match": first["ETag"]})

    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert "public" in first["Cache-Control"]
    assert "X-Page-Cache" not in first


def test_without_shared_cache_an_edit_changes_the_etag(client):
    article = ArticleFactory(live=True)
    etag = client.get(article.get_absolute_url())["ETag"]

    article.headline = "Updated: council approves budget"
    article.save()

    assert client.get(article.get_absolute_url(), headers={"if-none-match": etag}).status_code == HTTPStatus.OK


# Private pages ------------------------------------------------------------------------------------------------


def test_logged_in_pages_are_private_and_not_stored(client, page_cache_on):
    article = ArticleFactory(live=True)
    editor = UserFactory(staff=True)
    editor.refresh_from_db()
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get(article.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_preview_pages_are_private(client, page_cache_on):
    article = ArticleFactory()

    response = client.get(article.get_preview_url())

    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
