"""Background jobs: django-tasks on RQ (settings.TASKS), enqueued when the transaction that asked commits."""

import functools

from django.db import transaction


def enqueue_on_commit(task, *args, using=None, **kwargs):
    """Enqueue `task` once the current transaction commits (at once outside one); nothing if it rolls back."""
    transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs), using=using, robust=True)


def queued():
    """Whether jobs go to a queue for a worker (REDIS_URL), rather than running in this process."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    # The backend itself: `default_task_backend` is a proxy, and isinstance() does not see through it.
    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


# What enqueueing raises while the queue's Redis is unreachable.
try:
    from redis.exceptions import ConnectionError as _RedisConnectionError
    from redis.exceptions import TimeoutError as _RedisTimeoutError

    QUEUE_ERRORS = (_RedisConnectionError, _RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover — redis is a requirement
    QUEUE_ERRORS = (OSError,)
