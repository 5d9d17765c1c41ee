"""`check --deploy` says when PostgreSQL will not keep the planner's statistics fresh (issue 19)."""

import secrets

import pytest
from django.db import connection

from articles import checks
from tests.helpers import run_manage

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="autovacuum is PostgreSQL's")


def production_env(database_url):
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "news.example.org",
            "DATABASE_URL": database_url}  # fmt: skip


def server_url():
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("running", [True, False])
def test_deploy_check_warns_when_autovacuum_is_off_and_says_what_it_costs(running, monkeypatch):
    monkeypatch.setattr(checks, "autovacuum_running", lambda connection: running)

    messages = checks.check_autovacuum(databases=["default"])

    if running:
        assert messages == []
    else:
        (warning,) = messages
        assert warning.id == checks.AUTOVACUUM_OFF
        assert "10-40x slower" in warning.msg and "ANALYZE" in warning.msg
        assert "vacuumdb --analyze" in warning.hint


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db
def test_check_deploy_reports_the_servers_real_autovacuum_setting():
    expected = not checks.autovacuum_running(connection)

    result = run_manage("check", "--deploy", **production_env(server_url()))

    assert (checks.AUTOVACUUM_OFF in result.stderr) is expected, result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_on_an_unreachable_database_says_so_without_a_traceback():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env(
        "postgres://postgres@127.0.0.1:1/newsroom"  # nothing listens on port 1
    ))  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert checks.AUTOVACUUM_UNKNOWN in result.stdout + result.stderr
    assert "whether autovacuum is on: OperationalError" in result.stdout + result.stderr


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the other databases")
def test_nothing_to_check_off_postgresql():
    assert checks.check_autovacuum(databases=["default"]) == []
