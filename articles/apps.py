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
        self.connect_search_signals()
        self.connect_media_signals()

    def connect_media_signals(self):
        from django.db.models.signals import post_delete

        from .models import Image
        from .tasks import image_deleted

        post_delete.connect(image_deleted, sender=Image, dispatch_uid="articles.tasks.image_deleted")

    def connect_search_signals(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import search

        connection_created.connect(search.register_sqlite_functions, dispatch_uid="articles.search.sqlite_functions")
        post_migrate.connect(search.repair_after_migrate, sender=self, dispatch_uid="articles.search.repair")
