"""Failed jobs are recorded for staff (admin → Background jobs → Failed jobs), and forgotten once they succeed."""

import hashlib
import json
import logging

from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone
from django_tasks import TaskResultStatus

logger = logging.getLogger("newsroom.jobs")


def signature(task_path, args, kwargs):
    payload = json.dumps([task_path, list(args), kwargs], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record_failure(task_path, args, kwargs, error):
    from .models import FailedJob

    key = signature(task_path, args, kwargs)
    now = timezone.now()
    updated = FailedJob.objects.filter(signature=key).update(
        attempts=F("attempts") + 1, error=error, last_failed_at=now
    )
    if not updated:
        FailedJob.objects.get_or_create(
            signature=key,
            defaults={"task_path": task_path, "arguments": {"args": list(args), "kwargs": kwargs},
                      "attempts": 1, "error": error, "first_failed_at": now, "last_failed_at": now},
        )  # fmt: skip


def record_success(task_path, args, kwargs):
    from .models import FailedJob

    FailedJob.objects.filter(signature=signature(task_path, args, kwargs)).delete()


def task_finished_handler(sender, task_result, **kwargs):
    """django-tasks' task_finished signal: sent after every run, in the worker (or in-process)."""
    task_path = task_result.task.module_path
    try:
        if task_result.status == TaskResultStatus.FAILED and not getattr(sender, "records_failures", False):
            error = task_result.errors[-1].traceback if task_result.errors else "unknown error"
            logger.error("Job %s failed: %s", task_path, error.strip().splitlines()[-1] if error else "")
            record_failure(task_path, task_result.args, task_result.kwargs, error or "")
        elif task_result.status == TaskResultStatus.SUCCESSFUL:
            record_success(task_path, task_result.args, task_result.kwargs)
    except DatabaseError:
        # The record is for staff; the job's own outcome (and RQ's retry) must not depend on it.
        logger.exception("Could not record the outcome of job %s", task_path)
