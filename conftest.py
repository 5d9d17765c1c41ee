import pytest
from django.core.cache import cache

pytest_plugins = ["tests.varnish"]


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Every test gets its own media folder, an empty cache, a known time zone and a fast password hasher."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TIME_ZONE = "UTC"
    settings.SECURE_SSL_REDIRECT = False
    # Argon2 is deliberately slow; tests hash many passwords (production keeps Argon2 — see test_security_settings).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
