"""/healthz: JSON for load balancers and monitors; 503 naming the broken part; never content or secrets."""

from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.urls import reverse

from articles.tests.factories import ArticleFactory
from newsroom import health

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_health_reports_ok_for_database_and_cache(client, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_is_never_cached(client):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]


def test_health_url_is_named():
    assert reverse("healthz") == "/healthz"


def test_health_answers_probes_over_plain_http_with_any_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["news.example.org"]

    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")

    assert response.status_code == HTTPStatus.OK
    # …while ordinary pages still get both protections.
    assert client.get("/", HTTP_HOST="news.example.org").status_code == HTTPStatus.MOVED_PERMANENTLY
    assert client.get("/", HTTP_HOST="10.0.3.7:8000", secure=True).status_code == HTTPStatus.BAD_REQUEST


def test_health_names_the_database_when_it_fails(client, monkeypatch):
    def unreachable():
        raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')

    monkeypatch.setattr(health, "CHECKS", {**health.CHECKS, "database": (unreachable, OperationalError)})

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "error: OperationalError", "cache": "ok"}
    assert b"db.internal" not in response.content  # the reason is short and reveals no host


def test_health_reveals_no_articles(client):
    article = ArticleFactory(live=True, headline="Minister resigns over leaked memo")

    body = client.get("/healthz").content.decode()

    assert article.headline not in body
    assert article.slug not in body
    assert set(client.get("/healthz").json()) == {"status", "database", "cache"}


def test_health_accepts_only_reads(client):
    assert client.post("/healthz").status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED)
