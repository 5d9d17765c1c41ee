"""Operations logs: one JSON line per request, errors with their request's context."""

import json
import logging
from http import HTTPStatus
from pathlib import Path

import pytest

from articles import views
from articles.tests.factories import UserFactory
from newsroom.logging import JsonFormatter, RequestIdFilter
from tests.helpers import run_manage

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


def request_records(caplog):
    return [record for record in caplog.records if record.name == "newsroom.request"]


def as_json(record):
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_each_request_is_one_json_line_with_status_path_method_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.request")

    response = client.get("/latest/?page=1")

    (record,) = request_records(caplog)
    line = as_json(record)
    assert line["status"] == HTTPStatus.OK
    assert line["path"] == "/latest/"
    assert line["method"] == "GET"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO" and line["logger"] == "newsroom.request" and line["time"]


def test_request_log_names_the_logged_in_user(client, caplog):
    user = UserFactory()
    user.save()  # the factory sets the password after its own save
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="newsroom.request")

    client.get("/")

    (record,) = request_records(caplog)
    assert as_json(record)["user_id"] == user.pk


def test_request_log_covers_not_found_pages(client, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.request")

    client.get("/no-such-page/")

    (record,) = request_records(caplog)
    assert as_json(record)["status"] == HTTPStatus.NOT_FOUND


def test_a_request_id_from_the_proxy_is_kept_and_a_bad_one_replaced(client):
    kept = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a9c21e0")
    replaced = client.get("/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")

    assert kept["X-Request-ID"] == "lb-7f3a9c21e0"
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(replaced["X-Request-ID"]) == 32


def test_errors_are_logged_with_their_request_context_and_readers_see_no_traceback(client, caplog, monkeypatch):
    def broken(self):
        raise RuntimeError("template cache corrupted")

    monkeypatch.setattr(views.LatestView, "get_queryset", broken)
    client.raise_request_exception = False

    response = client.get("/latest/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    errors = [as_json(r) for r in caplog.records if r.levelno >= logging.ERROR]
    (error,) = [e for e in errors if e["logger"] == "django.request"]
    assert error["path"] == "/latest/"
    assert error["method"] == "GET"
    assert error["status"] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert error["error"] == "RuntimeError"
    assert "template cache corrupted" in error["traceback"]
    assert error["request_id"] == response["X-Request-ID"]


def test_the_configured_logging_writes_json_lines_to_stderr():
    code = (
        "from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from django.test import Client; c = Client(); c.get('/healthz'); c.get('/no-such-page/')"
    )
    result = run_manage(
        "shell", "-c", code, DEBUG="1", DATABASE_URL="sqlite:///:memory:", LOG_FORMAT="json", LOG_LEVEL="INFO"
    )

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "newsroom.request"]
    assert [(r["path"], r["status"]) for r in requests] == [("/healthz", 200), ("/no-such-page/", 404)]
    assert all(r["request_id"] and "duration_ms" in r for r in requests)
