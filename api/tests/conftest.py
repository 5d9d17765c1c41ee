import pytest


@pytest.fixture(autouse=True)
def _api_settings(settings):
    """Rate limits off unless a test sets them; webhooks delivered in the test's thread, retried at once; jobs
    in-process (the immediate backend, as without REDIS_URL) unless a test puts them on a real queue."""
    settings.API_RATE_LIMIT = 0
    settings.API_TOKEN_RATE_LIMIT = 0
    settings.WEBHOOK_BACKGROUND = False
    settings.WEBHOOK_RETRY_DELAYS = [0, 0]
    settings.WEBHOOK_ALLOW_INTERNAL = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
