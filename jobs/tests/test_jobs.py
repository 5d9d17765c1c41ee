"""Background jobs: enqueued on commit, run by an RQ worker (real Redis) or in-process, retried with backoff, and
shown to staff when they keep failing."""

import http.server
import io
import os
import threading
from http import HTTPStatus

import django_rq
import pytest
import redis
from django.db import transaction
from django.urls import reverse
from django_tasks_rq import Job
from rq import SimpleWorker

from articles import httpcache, tasks
from articles.images import renditions_are_current
from articles.models import Image
from articles.roles import STAFF, WRITER
from articles.tests.admin_helpers import user_with_role
from articles.tests.factories import ImageFactory
from articles.tests.test_images import encode, upload
from jobs.models import FailedJob

pytestmark = pytest.mark.django_db

# Redis db 5 unless the run names another: never a database other tests or servers use.
QUEUE_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"


@pytest.fixture
def rq_queue(settings):
    """Jobs go to a real RQ queue on Redis (emptied before and after); `work()` runs them in this process."""
    try:
        redis.Redis.from_url(QUEUE_REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis unavailable at {QUEUE_REDIS_URL}: {error}")
    settings.RQ_QUEUES = {"default": {"URL": QUEUE_REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "jobs.backends.RQBackend", "QUEUES": ["default"]}}
    settings.JOB_RETRY_INTERVALS = [0]  # retried at once: the test does not wait out the backoff
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()

    def work():
        # The test's own database connection (its transaction holds the rows), as a worker process would not.
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        worker.work(burst=True, with_scheduler=False)

    queue.work = work
    yield queue
    queue.empty()


def photo():
    return upload("photo.jpg", encode("JPEG", size=(700, 500)))


def test_jobs_are_enqueued_when_the_save_commits_and_not_when_it_rolls_back(
    rq_queue, django_capture_on_commit_callbacks
):
    with pytest.raises(RuntimeError), transaction.atomic():
        ImageFactory(file=photo())
        raise RuntimeError("the editor's save failed")
    assert rq_queue.count == 0

    with django_capture_on_commit_callbacks(execute=False) as pending:
        image = ImageFactory(file=photo())
    assert rq_queue.count == 0  # not before the commit
    for callback in pending:
        callback()
    assert rq_queue.count == 1
    assert not renditions_are_current(image)  # the upload returned without making them

    rq_queue.work()

    image.refresh_from_db()
    assert renditions_are_current(image)
    assert not FailedJob.objects.exists()


def test_a_failing_job_is_retried_then_shown_to_staff_with_its_error(
    rq_queue, settings, client, django_capture_on_commit_callbacks, monkeypatch
):
    settings.JOB_MAX_RETRIES = 2

    def broken(image, **options):
        raise OSError("the disk is full")

    monkeypatch.setattr(tasks, "build_renditions", broken)
    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(file=photo())

    rq_queue.work()

    failed = FailedJob.objects.get()
    assert failed.task_path == "articles.tasks.process_image"
    assert failed.arguments == {"args": [image.pk], "kwargs": {}}
    assert failed.attempts == 3  # the first run and two retries
    assert failed.gave_up
    assert "OSError: the disk is full" in failed.error
    client.force_login(user_with_role(STAFF))
    listing = client.get(reverse("admin:jobs_failedjob_changelist"))
    assert listing.status_code == HTTPStatus.OK
    assert "the disk is full" in listing.content.decode()
    assert "gave up" in listing.content.decode()

    # Fixed: staff run it again from the admin; it succeeds and leaves the list.
    monkeypatch.undo()
    response = client.post(
        reverse("admin:jobs_failedjob_changelist"), {"action": "run_again", "_selected_action": [failed.pk]}
    )
    assert response.status_code == HTTPStatus.FOUND
    rq_queue.work()
    image.refresh_from_db()
    assert renditions_are_current(image)
    assert not FailedJob.objects.exists()


def test_writers_do_not_see_failed_jobs(client):
    client.force_login(user_with_role(WRITER))

    response = client.get(reverse("admin:jobs_failedjob_changelist"))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_without_a_queue_jobs_run_in_process_after_the_commit_and_failures_are_recorded(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "build_renditions", lambda image, **options: 1 / 0)

    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(file=photo())  # the editor's save does not fail with the job

    assert Image.objects.filter(pk=image.pk).exists()
    failed = FailedJob.objects.get()
    assert "ZeroDivisionError" in failed.error
    assert failed.gave_up  # in-process jobs are not retried


class PurgeRecorder(http.server.BaseHTTPRequestHandler):
    received = []

    def do_PURGE(self):
        self.received.append({key.lower(): value for key, value in self.headers.items()})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_http_cache_purges_are_jobs_retried_until_the_cache_answers(rq_queue, settings):
    server = http.server.HTTPServer(("127.0.0.1", 0), PurgeRecorder)
    url = f"http://127.0.0.1:{server.server_port}/"
    settings.HTTP_CACHE_PURGE_URLS = [url]
    settings.JOB_MAX_RETRIES = 1
    PurgeRecorder.received = []
    server.server_close()  # the cache is down when the purge is asked for

    httpcache.purge(soft=["article-1"], hard=["article-2"])
    assert rq_queue.count == 1
    rq_queue.work()
    assert FailedJob.objects.get().attempts == 2

    server = http.server.HTTPServer(("127.0.0.1", server.server_port), PurgeRecorder)  # back up
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        httpcache.purge(soft=["article-1"], hard=["article-2"])
        rq_queue.work()
    finally:
        server.shutdown()
        server.server_close()
    assert {"xkey-softpurge": "article-1"}.items() <= PurgeRecorder.received[0].items()
    assert {"xkey-purge": "article-2"}.items() <= PurgeRecorder.received[1].items()
    assert not FailedJob.objects.exists()


def test_the_search_index_is_rebuilt_by_jobs_in_batches(rq_queue):
    from django.core.management import call_command

    from articles.tests.factories import ArticleFactory
    from articles.tests.test_search import forget_search_entries, found

    for n in range(5):
        ArticleFactory(live=True, headline=f"Lighthouse report {n}", dek="", body="")
    forget_search_entries()
    out = io.StringIO()

    call_command("rebuild_search_index", "--batch-size", "2", "--background", stdout=out)

    assert "Queued 3 search rebuild job(s)" in out.getvalue()
    assert found("lighthouse") == []  # nothing done in the command itself
    rq_queue.work()
    assert len(found("lighthouse")) == 5
