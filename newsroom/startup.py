"""Refusals that belong to serving the site, not to importing its settings."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

INSECURE_KEY_MESSAGE = (
    "SECRET_KEY is the development key. Set a long random SECRET_KEY in the environment before running with DEBUG off."
)


def has_insecure_secret_key():
    return not settings.DEBUG and settings.SECRET_KEY.strip() in settings.PLACEHOLDER_SECRET_KEYS


def refuse_insecure_secret_key():
    """Called by the WSGI entry point: production never starts with the development key."""
    if has_insecure_secret_key():
        raise ImproperlyConfigured(INSECURE_KEY_MESSAGE)


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    if has_insecure_secret_key():
        return [checks.Error(INSECURE_KEY_MESSAGE, id="newsroom.E001")]
    return []
