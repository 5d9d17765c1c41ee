"""Run the background jobs of REDIS_URL's queue: an RQ worker with its scheduler (the retries' pauses)."""

import django_rq
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django_tasks_rq import Job
from redis.exceptions import RedisError


class Command(BaseCommand):
    help = (
        "Run background jobs (renditions, large uploads, file deletions, HTTP cache purges) from the queue on "
        "REDIS_URL, retrying failed ones after their pause. Run one or more beside the app servers; stop with "
        "SIGTERM (the job in hand finishes) or Ctrl+C. A job whose worker was killed is run again once its "
        "heartbeat lapses (about a minute), found by the next maintenance pass of any worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Stop once the queue is empty.")
        parser.add_argument(
            "--maintenance-interval", type=int, default=30,
            help="Seconds between passes that re-queue the jobs of dead workers (default 30; RQ's own is 600).",
        )  # fmt: skip
        parser.add_argument("--name", default=None, help="Worker name (default: RQ's host.pid).")

    def handle(self, *, burst, maintenance_interval, name, **options):
        if not settings.REDIS_URL:
            raise CommandError("REDIS_URL is not set: without a queue, jobs run in-process and need no worker.")
        if maintenance_interval < 1:
            raise CommandError("--maintenance-interval must be at least 1 second.")
        try:
            worker = django_rq.get_worker(
                "default", job_class=Job, name=name, maintenance_interval=maintenance_interval
            )
            worker.connection.ping()
        except RedisError as exc:
            raise CommandError(f"Redis at REDIS_URL cannot be reached: {exc}") from None
        connections.close_all()  # each job runs in a forked process: no connection may be shared with it
        worker.work(burst=burst, with_scheduler=True)
