from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from django_tasks.signals import task_finished

        from .records import task_finished_handler

        task_finished.connect(task_finished_handler, dispatch_uid="jobs-record-outcome")
