from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import newsroom.startup  # noqa: F401 — registers the deploy check on the secret key

        from . import checks  # noqa: F401 — registers the deploy check on autovacuum
        from .invalidation import connect_signals

        connect_signals()
