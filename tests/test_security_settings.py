"""Production settings: `check --deploy` is clean, the dev key is refused, and every response carries the headers."""

import json
import re
import secrets
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from articles.tests.factories import ArticleFactory, UserFactory
from tests.helpers import run_manage, run_python

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(**extra):
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
        **extra,
    }


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


@pytest.mark.parametrize("key", ["django-insecure-local-development-only", ""])
def test_refuses_to_start_with_the_development_key_when_debug_is_off(key):
    # What gunicorn does first: import the WSGI application.
    result = run_python("-c", "import newsroom.wsgi", **production_env(SECRET_KEY=key))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is the development key" in result.stderr


def test_refuses_to_start_with_the_example_placeholder_key():
    result = run_python("-c", "import newsroom.wsgi", **production_env(SECRET_KEY="change-me-to-a-long-random-string"))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_fails_on_the_development_key():
    result = run_manage("check", "--deploy", **production_env(SECRET_KEY="django-insecure-local-development-only"))

    assert result.returncode != 0
    assert "newsroom.E001" in result.stderr


def test_tooling_works_in_a_bare_environment():
    # No DEBUG and no SECRET_KEY: developer tooling must still run (only serving is refused).
    result = run_manage("makemigrations", "--check", "--dry-run", DATABASE_URL="sqlite:///:memory:")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_production_cookies_are_secure_and_http_only():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER', 'DEBUG']}))"
    )

    result = run_manage("shell", "-c", code, **production_env())

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "DEBUG": False,
    }


def test_public_pages_send_security_headers(client):
    article = ArticleFactory(live=True)

    for url in ["/", article.get_absolute_url(), "/no-such-page/"]:
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def policy(response):
    """The CSP header as {directive: [sources]}."""
    parts = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


def test_public_pages_have_a_policy_without_inline_scripts(client):
    article = ArticleFactory(live=True)

    for url in ["/", "/latest/", article.get_absolute_url(), article.section.get_absolute_url()]:
        directives = policy(client.get(url))
        assert directives["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in " ".join(sum(directives.values(), [])), url
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]


def test_public_pages_contain_no_inline_scripts_the_policy_would_block(client):
    article = ArticleFactory(live=True)

    for url in ["/", article.get_absolute_url()]:
        html = client.get(url).content.decode()
        for tag in html.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            assert "src=" in opening or "application/ld+json" in opening, f"inline script on {url}"
        assert " onclick=" not in html and " onload=" not in html


def test_admin_runs_under_its_own_policy(client):
    staff = UserFactory(superuser=True)
    staff.save()
    client.force_login(staff)

    for url in [f"/{django_settings.ADMIN_URL}login/", f"/{django_settings.ADMIN_URL}articles/article/add/"]:
        response = client.get(url, follow=True)
        directives = policy(response)
        assert "'unsafe-inline'" in directives["script-src"], url
        assert directives["object-src"] == ["'none'"], url
        assert response["X-Frame-Options"] == "DENY"


def test_https_requests_get_strict_transport_security(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


def test_plain_http_redirects_to_https_unless_the_proxy_says_it_was_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    plain = client.get("/latest/")
    behind_proxy = client.get("/latest/", HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert plain["Location"] == "https://testserver/latest/"
    assert behind_proxy.status_code == HTTPStatus.OK


def test_production_hashes_passwords_with_argon2():
    code = "from django.contrib.auth.hashers import make_password; print(make_password('correct-horse-battery'))"

    result = run_manage("shell", "-c", code, **production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("argon2$")


def test_a_production_process_that_imports_pytest_keeps_production_settings():
    # Settings must not sniff the test runner: importing pytest (a plugin, a health script) changes nothing.
    code = (
        "import json, pytest, django; django.setup(); from django.conf import settings as s; print(json.dumps("
        "[s.PASSWORD_HASHERS[0], s.ALLOWED_HOSTS, s.PAGE_CACHE_SECONDS, s.AXES_ENABLED, s.STORAGES['staticfiles']]))"
    )

    result = run_python(
        "-c", code, DJANGO_SETTINGS_MODULE="newsroom.settings", **production_env(REDIS_URL="redis://127.0.0.1:1/0")
    )

    assert result.returncode == 0, result.stderr
    hasher, hosts, page_cache_seconds, axes_enabled, static_storage = json.loads(result.stdout.splitlines()[-1])
    assert hasher == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert hosts == ["news.example.org"]
    assert page_cache_seconds == 300
    assert axes_enabled is True
    assert static_storage["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "newsroom-editor"])
def test_weak_passwords_are_rejected(password):
    user = UserFactory.build(username="newsroom-editor")

    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_sessions_expire():
    assert 0 < django_settings.SESSION_COOKIE_AGE <= 60 * 60 * 24 * 14


def test_env_example_lists_every_variable_the_project_reads():
    # SPEC: ".env.example lists every variable". Variables are read with os.environ.get() or the env_* helpers.
    read = set()
    for folder in ("newsroom", "articles", "ingest"):
        for path in (BASE_DIR / folder).rglob("*.py"):
            read |= set(re.findall(r'(?:environ\.get|env_[a-z]+|getenv)\("([A-Z][A-Z0-9_]*)"', path.read_text()))
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (BASE_DIR / ".env.example").read_text(), re.M))

    assert {"SECRET_KEY", "REDIS_URL", "PAGE_CACHE_SECONDS"} <= read
    assert sorted(read - listed) == []
