from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from django_tasks.signals import task_finished

        from .records import task_finished_handler

        task_finished.connect(task_finished_handler, dispatch_uid="jobs-record-outcome")
        setting_changed.connect(forget_task_backends, dispatch_uid="jobs-forget-task-backends")


def forget_task_backends(*, setting, **kwargs):
    """A changed TASKS setting (tests) takes effect at once: django-tasks 0.12 re-reads the setting on this signal
    but keeps the backend it already built, so `default_task_backend` stayed the old one."""
    if setting != "TASKS":
        return
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    for alias in {DEFAULT_TASK_BACKEND_ALIAS, *task_backends.settings}:
        try:
            del task_backends[alias]  # BaseConnectionHandler.__delitem__: built again on next use
        except AttributeError:  # not built yet
            pass
