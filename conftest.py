import os

import pytest
from django.core.cache import cache

pytest_plugins = ["tests.varnish"]


def pytest_configure(config):
    """Test-only settings for the whole run: the test configuration, not newsroom/settings.py, knows it is a test.

    tests/test_security_settings.py checks the production values in a subprocess (with pytest imported, too).
    """
    from django.conf import settings
    from django.test import override_settings

    test_settings = override_settings(
        # Argon2 is deliberately slow and tests hash many passwords.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Django's test environment adds "testserver"; some tests ask for these hosts too.
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1", "[::1]"],
        # Tests log in with client.login, which passes no request; tests of the lockout switch axes back on.
        AXES_ENABLED=False,
        # Plain http on loopback: the live server's middleware is built once, before any test's own settings.
        SECURE_SSL_REDIRECT=False,
        # Pages render {% static %} without a collectstatic manifest.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Page cache off unless a test asks for it (page_cache_on): a test that writes with QuerySet.update()
        # would otherwise see its own cached pages. An explicit PAGE_CACHE_SECONDS in the environment still wins.
        **({} if os.environ.get("PAGE_CACHE_SECONDS", "").strip() else {"PAGE_CACHE_SECONDS": 0}),
    )
    # override_settings (not assignment) so that what was built from the settings at start-up, such as the
    # static files storage, is rebuilt through Django's setting_changed signal.
    test_settings.enable()
    config.add_cleanup(test_settings.disable)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Every test gets its own media folder, an empty cache and a known time zone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TIME_ZONE = "UTC"
    settings.SECURE_SSL_REDIRECT = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def baku(settings):
    """The newsroom in Baku (UTC+04:00, no daylight saving)."""
    settings.TIME_ZONE = "Asia/Baku"
    return settings


@pytest.fixture
def page_cache_on(settings):
    """The Redis-style page cache switched on (it is off under pytest by default), with empty worker memory."""
    from articles import cache as page_cache

    settings.PAGE_CACHE_SECONDS = 300
    page_cache.clear_local_memory()
    yield
    page_cache.clear_local_memory()
