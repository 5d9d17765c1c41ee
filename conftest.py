import pytest
from django.core.cache import cache


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
