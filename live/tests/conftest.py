import pytest
from django.core.cache import cache

from live.counting import counter


@pytest.fixture(autouse=True)
def _no_buffered_views():
    """Views another test left in this process's buffer (or sent meanwhile) are not this test's."""
    counter().discard()
    cache.clear()
