from http import HTTPStatus

import pytest

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
    article = ArticleFactory()

    response = client.get(article.get_absolute_url())

    assert response.status_code == HTTPStatus.NOT_FOUND
