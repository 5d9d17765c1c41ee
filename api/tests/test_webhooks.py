"""Webhooks against a real HTTP receiver on loopback (allowed here by WEBHOOK_ALLOW_INTERNAL, as with DEBUG on)."""

import datetime
import json
import os
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from api import webhooks
from api.models import WebhookDelivery, WebhookEndpoint
from api.tasks import announce_publications
from articles.models import Article
from articles.tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cret-shared-with-the-partner"
EVENTS = ["article.published", "article.updated", "article.unpublished"]


class Receiver:
    """A local HTTP server recording what it receives; `fail` first answers that many 500s; `delay` seconds."""

    def __init__(self, fail=0, delay=0):
        self.requests, self.hosts, self.fail, self.delay = [], [], fail, delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.hosts.append(self.headers["Host"])
                time.sleep(receiver.delay)
                receiver.requests.append((dict(self.headers), body))
                status = 500 if receiver.fail > 0 else 200
                receiver.fail -= 1
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


def endpoint(url, events=EVENTS):
    return WebhookEndpoint.objects.create(name="Partner", url=url, secret=SECRET, events=events)


def test_publication_is_posted_signed_with_hmac(receiver, django_capture_on_commit_callbacks):
    endpoint(receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(live=True, headline="Harbour reopens")

    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    payload = json.loads(body)
    assert payload["event"] == "article.published"
    assert payload["data"]["id"] == article.pk and payload["data"]["headline"] == "Harbour reopens"
    assert headers["Content-Type"] == "application/json"
    # The receiver's check, as the README documents it.
    assert webhooks.verify(SECRET, body, headers["X-Newsroom-Signature"])
    assert not webhooks.verify("wrong secret", body, headers["X-Newsroom-Signature"])
    assert not webhooks.verify(SECRET, body + b" ", headers["X-Newsroom-Signature"])
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status, delivery.attempts) == ("delivered", 200, 1)


def test_one_change_sends_one_event(receiver, django_capture_on_commit_callbacks):
    endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(live=True, tags=["Ships", "Harbour"], authors=[AuthorFactory()])

    assert [json.loads(body)["event"] for _headers, body in receiver.requests] == ["article.published"]


def test_update_correction_and_unpublication_events(receiver, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(webhooks, "DEDUPE_SECONDS", 0)  # the changes below are seconds apart in real life
    article = ArticleFactory(live=True)
    endpoint(receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "Typo fixed"
        article.save()
    with django_capture_on_commit_callbacks(execute=True):
        CorrectionFactory(article=article)
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(headline="A draft")  # readers cannot see it: no event

    events = [json.loads(body)["event"] for _headers, body in receiver.requests]
    assert events == ["article.updated", "article.updated", "article.unpublished"]


def test_endpoint_gets_only_its_events(receiver, django_capture_on_commit_callbacks):
    endpoint(receiver.url, events=["article.unpublished"])

    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(live=True)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()

    assert [json.loads(body)["event"] for _h, body in receiver.requests] == ["article.unpublished"]


def test_failing_endpoint_is_retried_then_logged(django_capture_on_commit_callbacks):
    flaky = Receiver(fail=1)
    try:
        endpoint(flaky.url)
        with django_capture_on_commit_callbacks(execute=True):
            ArticleFactory(live=True)
    finally:
        flaky.close()

    delivery = WebhookDelivery.objects.get()
    assert len(flaky.requests) == 2
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 2, 200)


def test_endpoint_that_never_answers_ends_as_failed_after_the_retries(django_capture_on_commit_callbacks):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    endpoint(f"http://127.0.0.1:{port}/gone")

    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(live=True)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 3  # first try + WEBHOOK_RETRY_DELAYS (2)
    assert "Error" in delivery.error


@pytest.mark.django_db(transaction=True)  # the sender thread reads the delivery through its own connection
def test_slow_endpoint_does_not_delay_the_save(settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_BACKGROUND = True
    slow = Receiver(delay=1.5)
    try:
        endpoint(slow.url)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            ArticleFactory(live=True)
        assert time.monotonic() - started < 1.0
    finally:
        deadline = time.monotonic() + 5
        while not slow.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        slow.close()
    assert len(slow.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.example/hook",  # plain http
        "https://127.0.0.1/hook",  # loopback
        "https://10.1.2.3/hook",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://[::1]/hook",
        "https://localhost/hook",  # loopback after DNS resolution
    ],
)
def test_internal_and_plain_http_endpoints_are_refused_with_debug_off(settings, url):
    settings.WEBHOOK_ALLOW_INTERNAL = False

    with pytest.raises(ValidationError) as error:
        WebhookEndpoint(name="x", url=url, events=EVENTS).full_clean()

    assert "url" in error.value.message_dict


def test_public_https_endpoint_is_accepted_with_debug_off(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_INTERNAL = False
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("93.184.215.14", 443))])

    WebhookEndpoint(name="x", url="https://partner.example/hook", events=EVENTS).full_clean()


def test_admin_form_refuses_an_internal_address(client, settings):
    settings.WEBHOOK_ALLOW_INTERNAL = False
    staff = UserFactory(superuser=True)
    staff.save()
    client.force_login(staff)

    response = client.post(
        "/admin/api/webhookendpoint/add/",
        {"name": "x", "url": "https://127.0.0.1/", "secret": "s", "events": ["article.published"], "is_active": "on"},
    )

    assert response.status_code == 200
    assert "internal" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    assert client.get("/admin/api/webhookdelivery/").status_code == 200


# Through the job queue ---------------------------------------------------------------------------------------

QUEUE_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11"


@pytest.fixture
def rq_queue(settings):
    """Jobs on a real RQ queue (emptied first); `work()` runs what is due in this process, as a worker would."""
    import django_rq
    import redis
    from django_tasks_rq import Job
    from rq import SimpleWorker

    try:
        redis.Redis.from_url(QUEUE_REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis unavailable at {QUEUE_REDIS_URL}: {error}")
    settings.RQ_QUEUES = {"default": {"URL": QUEUE_REDIS_URL, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "jobs.backends.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)

    def work():
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        worker.work(burst=True, with_scheduler=True)  # the scheduler moves retries that are due onto the queue

    queue.work = work
    yield queue
    queue.empty()


def test_deliveries_are_jobs_enqueued_on_commit_and_retried_with_backoff(rq_queue, django_capture_on_commit_callbacks):
    flaky = Receiver(fail=1)
    try:
        endpoint(flaky.url)
        with django_capture_on_commit_callbacks(execute=True):
            ArticleFactory(live=True)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, flaky.requests) == ("pending", [])  # enqueued, not sent by the saving request
        assert rq_queue.count == 1

        rq_queue.work()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_status) == ("retrying", 1, 500)
        assert delivery.next_attempt_at is not None and "500" in delivery.error
        assert rq_queue.scheduled_job_registry.count == 1  # the next attempt, after WEBHOOK_RETRY_DELAYS[0]

        rq_queue.work()
    finally:
        flaky.close()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 2, 200)
    assert len(flaky.requests) == 2


def test_scheduled_story_sends_published_when_its_time_comes(
    client, page_cache_on, receiver, time_machine, django_capture_on_commit_callbacks
):
    now = timezone.now().replace(microsecond=0)
    time_machine.move_to(now, tick=False)
    endpoint(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = ArticleFactory(
            headline="Budget at noon", status=Article.Status.PUBLISHED, published_at=now + datetime.timedelta(hours=1)
        )
    client.get("/")  # the clock's first tick
    assert receiver.requests == []  # readers cannot see it yet: no event

    time_machine.move_to(now + datetime.timedelta(hours=1, seconds=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/")  # the first request after its time runs the clock, which enqueues the job

    assert [json.loads(body)["event"] for _headers, body in receiver.requests] == ["article.published"]
    assert json.loads(receiver.requests[0][1])["data"]["id"] == scheduled.pk
    announce_publications.enqueue([scheduled.pk])  # announced again (another worker's clock): sent once
    assert len(receiver.requests) == 1


def test_connection_goes_to_the_checked_address_whatever_dns_answers_next(settings, monkeypatch):
    """DNS rebinding: the host resolves to a public address for the check, then to loopback. The attempt
    resolves once and connects to the checked address, with the endpoint's host as TLS server name."""
    settings.WEBHOOK_ALLOW_INTERNAL = False
    answers = iter(["93.184.215.14", "127.0.0.1", "127.0.0.1"])
    lookups, connected, server_names = [], [], []

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        return socket.socket()  # never connected: the TLS handshake below stops the attempt

    class Tls(ssl.SSLContext):
        def wrap_socket(self, sock, server_hostname=None, **kwargs):
            server_names.append(server_hostname)
            sock.close()
            raise OSError("handshake stopped by the test")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(webhooks, "tls_context", lambda: Tls(ssl.PROTOCOL_TLS_CLIENT))
    hook = endpoint("https://partner.example/hooks")
    delivery = WebhookDelivery.objects.create(endpoint=hook, event="article.published", event_id="e1", payload={})

    webhooks.attempt(delivery.pk)

    assert lookups == ["partner.example"]
    assert connected == [("93.184.215.14", 443)]
    assert server_names == ["partner.example"]
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and "handshake stopped" in delivery.error


def test_pinned_connection_names_the_endpoint_host(receiver, monkeypatch, django_capture_on_commit_callbacks):
    port = receiver.server.server_address[1]
    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *a, **k: real_getaddrinfo("127.0.0.1" if host == "partner.test" else host, *a, **k),
    )
    endpoint(f"http://partner.test:{port}/hooks")

    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(live=True)

    assert receiver.hosts == [f"partner.test:{port}"]
