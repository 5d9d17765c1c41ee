from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FailedJob(models.Model):
    """A background job whose last run failed: kept until a later run of it succeeds, or staff dismiss it."""

    task_path = models.CharField(_("job"), max_length=300)
    arguments = models.JSONField(default=dict, help_text=_("What the job was asked to do: its args and kwargs."))
    signature = models.CharField(max_length=64, unique=True, editable=False)
    attempts = models.PositiveIntegerField(default=0, help_text=_("Failed runs so far."))
    error = models.TextField(blank=True, help_text=_("The last run's error, with its traceback."))
    first_failed_at = models.DateTimeField(default=timezone.now)
    last_failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_failed_at"]
        verbose_name = _("failed job")
        verbose_name_plural = _("failed jobs")

    def __str__(self):
        return f"{self.task_name} ({self.attempts}×)"

    @property
    def task_name(self):
        return self.task_path.rsplit(".", 1)[-1].replace("_", " ")

    @property
    def gave_up(self):
        """No retry is left: it runs again only when staff ask for it (or the work is asked for again)."""
        import jobs

        if not jobs.queued():  # in-process jobs are not retried
            return True
        return self.attempts > settings.JOB_MAX_RETRIES
