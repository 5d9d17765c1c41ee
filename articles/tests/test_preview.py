"""Signed, expiring preview links: open to anyone holding a valid one, nothing for anyone else."""

import datetime
from http import HTTPStatus

import lxml.html
import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles.roles import EDITOR, WRITER

from .admin_helpers import change_url, logged_in, user_with_role
from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_change_form_links_to_a_preview_that_works_without_logging_in(client):
    editor = user_with_role(EDITOR)
    article = ArticleFactory(headline="Unreleased budget details")

    page = logged_in(editor).get(change_url(article))
    (link,) = lxml.html.fromstring(page.content).xpath('//a[@class="previewlink"]/@href')
    response = client.get(link)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Unreleased budget details" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_writer_gets_a_preview_link_for_their_draft(client):
    writer = user_with_role(WRITER)
    article = ArticleFactory(created_by=writer)

    page = logged_in(writer).get(change_url(article))
    (link,) = lxml.html.fromstring(page.content).xpath('//a[@class="previewlink"]/@href')

    assert client.get(link).context["article"] == article


@pytest.mark.parametrize("state", [{}, {"scheduled": True}, {"live": True}])
def test_preview_shows_the_article_in_any_state(client, state):
    article = ArticleFactory(**state)

    response = client.get(article.get_preview_url())

    assert response.status_code == HTTPStatus.OK
    assert response.context["article"] == article


def test_expired_preview_is_not_found(client, settings):
    settings.PREVIEW_MAX_AGE = 3600
    article = ArticleFactory()
    url = article.get_preview_url()

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3599)):
        still_valid = client.get(url).status_code
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3601)):
        expired = client.get(url)

    assert still_valid == HTTPStatus.OK
    assert expired.status_code == HTTPStatus.NOT_FOUND
    assert article.headline not in expired.content.decode()


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda token, pk: token[:-1] + ("A" if token[-1] != "A" else "B"), id="tampered signature"),
        pytest.param(lambda token, pk: signing.dumps({"a": pk}, salt="another.purpose"), id="other salt"),
        pytest.param(
            lambda token, pk: signing.dumps({"a": pk}, key="not-our-secret", salt="articles.preview"), id="key"
        ),
        pytest.param(lambda token, pk: signing.dumps({"b": pk}, salt="articles.preview"), id="no article"),
        pytest.param(lambda token, pk: signing.dumps({"a": "x"}, salt="articles.preview"), id="not a number"),
        pytest.param(lambda token, pk: "garbage", id="garbage"),
    ],
)
def test_forged_preview_tokens_are_not_found(client, make_token):
    article = ArticleFactory(headline="Secret draft")
    token = make_token(article.get_preview_url().rstrip("/").rsplit("/", 1)[-1], article.pk)

    response = client.get(reverse("articles:preview", kwargs={"token": token}))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Secret draft" not in response.content.decode()


def test_a_token_opens_only_its_own_article(client):
    first = ArticleFactory(headline="First draft story")
    second = ArticleFactory(headline="Second draft story")

    html = client.get(first.get_preview_url()).content.decode()

    assert "First draft story" in html
    assert "Second draft story" not in html
    assert first.get_preview_url() != second.get_preview_url()


def test_preview_of_a_deleted_article_is_not_found(client):
    article = ArticleFactory()
    url = article.get_preview_url()
    article.delete()

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
