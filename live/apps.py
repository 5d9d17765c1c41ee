from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live coverage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import cache

        from .fragments import render_banner, render_most_read
        from .invalidation import connect_signals

        # Shared fragments, assembled on a cache hit (or left to ESI) like the masthead and the Latest box.
        cache.FRAGMENTS.setdefault("banner", render_banner)
        cache.FRAGMENTS.setdefault("mostread", render_most_read)
        connect_signals()
