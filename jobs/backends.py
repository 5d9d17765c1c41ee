"""django-tasks-rq's backend, with RQ's retries: a failed job, or one whose worker died, runs again after a pause.

django-tasks 0.12 has no retry setting of its own (neither has Django 6's `django.tasks`), and django-tasks-rq's
`enqueue()` creates the RQ job without one; this is that method (django-tasks-rq 0.12.0) with
`retry=Retry(JOB_MAX_RETRIES, JOB_RETRY_INTERVALS)` added. A job whose worker is killed is found by RQ's
registry clean-up once its heartbeat lapses and is retried the same way (AbandonedJobError).
tests in jobs/tests/test_jobs.py run a real RQ worker against Redis and fail if the shape changes.
"""

import traceback
import types

import django_rq
from django.conf import settings
from django_tasks.base import TASK_MAX_PRIORITY, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, success_callback
from django_tasks_rq.backend import RQBackend as BaseRQBackend
from django_tasks_rq.backend import failed_callback as tasks_failed_callback
from rq import Retry
from rq.job import Callback, JobStatus

from .records import record_failure


def failed_callback(job, connection, exc_type, exc_value, tb):
    """Every failed run, and a run whose worker died (AbandonedJobError), is recorded with its error for staff.

    Recorded here rather than from django-tasks' task_finished signal: RQ calls this before it stores the
    run's result, so the TaskResult the signal carries has no error yet.
    """
    if isinstance(tb, types.TracebackType):
        error = "".join(traceback.format_exception(exc_type, exc_value, tb))
    else:  # RQ's registry clean-up passes a stack summary for a job whose worker stopped answering
        error = f"{exc_type.__name__}: the worker running this job stopped (killed, or lost) before it finished"
    record_failure(job.func_name, job.args, job.kwargs, error)
    tasks_failed_callback(job, connection, exc_type, exc_value, tb)


class RQBackend(BaseRQBackend):
    records_failures = True  # failed_callback above does, with the error

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        task_result = TaskResult(
            task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None, started_at=None,
            last_attempted_at=None, finished_at=None, args=args, kwargs=kwargs, backend=self.alias,
            errors=[], worker_ids=[],
        )  # fmt: skip
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=args,
            kwargs=kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(failed_callback),
            on_success=Callback(success_callback),
            meta={"backend_name": self.alias},
            retry=Retry(max=settings.JOB_MAX_RETRIES, interval=settings.JOB_RETRY_INTERVALS)
            if settings.JOB_MAX_RETRIES
            else None,
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
        return task_result
