"""Webhooks: signed JSON POSTs to partners' HTTPS endpoints after an article is published, updated or
unpublished.

Events are collected while the editor's transaction runs (api/signals.py); once it commits, one delivery per
endpoint is logged (WebhookDelivery, the delivery log in the admin) and each is sent by a job, `deliver_webhook`
(api/tasks.py), on the job queue (django-tasks on RQ, a worker process) when REDIS_URL is set. A failed attempt
is logged on the delivery and the job enqueues itself again after the next of `WEBHOOK_RETRY_DELAYS` (backoff);
a worker that dies mid-attempt is covered by the queue's own retries. Without Redis, jobs run in-process right
after the commit (the immediate backend), which would make the editor's save wait for the endpoint: there the
deliveries go to this process's background thread instead, which retries with the same backoff. Either way a
slow or failing endpoint never delays a save; a delivery lost with its process (no Redis) can be sent again
from the delivery log ("Send selected deliveries again").

A scheduled story whose time comes, or an embargo that lifts, is published with no save: the page cache's
clock (articles/cache.py `_tick`) tells us through `articles.cache.came_due`, and the "published" events are
made by a job (`announce_publications`), so the reader request that ran the clock only enqueues.

Signing (see README, "Webhooks"): header `X-Newsroom-Signature: t=<unix time>,v1=<hex>` where `<hex>` is
HMAC-SHA256 with the endpoint's secret over `<unix time>.<raw body>`.

Addresses: unless `WEBHOOK_ALLOW_INTERNAL` (default: DEBUG) is on, only https URLs whose host resolves
to public addresses only are accepted — checked when the endpoint is saved and again before each attempt.
Each attempt resolves the host once and connects to the address that passed the check (the Host header and
TLS server name stay the endpoint's host, and the certificate is checked against it), so a DNS answer that
changes between the check and the connection (DNS rebinding) cannot reach an internal address. Redirects are
not followed.
"""

import datetime
import functools
import hashlib
import hmac
import http.client
import ipaddress
import itertools
import json
import logging
import queue
import socket
import ssl
import threading
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone

logger = logging.getLogger("newsroom.webhooks")

SIGNATURE_HEADER = "X-Newsroom-Signature"
TIMEOUT = 5  # seconds per attempt


class UnsafeURL(ValueError):
    pass


class EndpointError(Exception):
    """The endpoint answered, but not with a 2xx (redirects are not followed)."""

    def __init__(self, status, reason):
        super().__init__(f"HTTP {status} {reason}".strip())
        self.status = status


def _is_public(address):
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url, *, resolve=False):
    """Raise UnsafeURL unless `url` may receive webhooks (see the module docstring).

    With `resolve`, the address to connect to: the first the host resolved to, all of which passed the check.
    """
    parts = urlsplit(url)
    allow_internal = settings.WEBHOOK_ALLOW_INTERNAL
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeURL("Enter an https:// address.")
    if parts.scheme != "https" and not allow_internal:
        raise UnsafeURL("Webhooks are sent over HTTPS only: plain http:// is refused.")
    if parts.username or parts.password:
        raise UnsafeURL("Put credentials in the secret, not in the address.")
    if allow_internal and not resolve:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise UnsafeURL(f"The host {parts.hostname} cannot be resolved.") from exc
    if not infos:
        raise UnsafeURL(f"The host {parts.hostname} cannot be resolved.")
    for info in infos:
        if not allow_internal and not _is_public(info[4][0]):
            raise UnsafeURL(
                f"{parts.hostname} resolves to {info[4][0]}, an internal (loopback, private, link-local or "
                "reserved) address: refused."
            )
    return infos[0][4][0]


def sign(secret, body, timestamp):
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret, body, timestamp):
    return f"t={timestamp},v1={sign(secret, body, timestamp)}"


def verify(secret, body, header, *, tolerance=300, now=None):
    """The receiving side, as documented: True when `header` signs `body` within `tolerance` seconds."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), fields.get("v1", ""))


def tls_context():
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """A connection to `address` (already checked) for the endpoint's host: the Host header names the host."""

    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS: the server name (SNI) and the certificate check are the endpoint's host."""

    def __init__(self, host, port, address, *, tls, **kwargs):
        super().__init__(host, port, context=tls, **kwargs)
        self.address, self.tls = address, tls

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def retry_delays():
    return settings.WEBHOOK_RETRY_DELAYS


# Queuing events (from api/signals.py) ----------------------------------------------------------------------

# Each event waits for its own transaction's commit (a rolled-back change announces nothing). One save can
# send several signals about one article (the row, its byline, its tags): an "updated" that follows an event
# about the same article from the same thread within DEDUPE_SECONDS is the same change, and is dropped.
DEDUPE_SECONDS = 2
_recent = threading.local()


def event(kind, article, payload):
    transaction.on_commit(functools.partial(_on_commit, kind, article.pk, payload), robust=True)


def _on_commit(kind, pk, payload):
    now = time.monotonic()
    recent = getattr(_recent, "events", None)
    if recent is None:
        recent = _recent.events = {}
    for key, moment in list(recent.items()):
        if now - moment > DEDUPE_SECONDS:
            del recent[key]
    if kind == "article.updated" and pk in recent:
        return
    recent[pk] = now
    record_event(kind, payload)


def record_event(kind, payload, *, event_id=None):
    """Log one delivery of this event per endpoint that wants it, and send them. An `event_id` already
    logged for an endpoint is not logged or sent again (the clock's publications may be announced twice)."""
    from .models import WebhookDelivery, WebhookEndpoint

    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True) if kind in endpoint.events]
    if not endpoints:
        return []
    event_id = event_id or uuid.uuid4().hex
    body = {"id": event_id, "event": kind, "created_at": timezone.now().isoformat(), "data": payload}
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event=kind, event_id=event_id, payload=body) for e in endpoints],
        ignore_conflicts=True,
    )
    pks = list(
        WebhookDelivery.objects.filter(event_id=event_id, status=WebhookDelivery.Status.PENDING, attempts=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    dispatch(pks)
    return pks


def dispatch(pks):
    """Send these deliveries: as jobs on the queue, else in this process's background thread (see the module
    docstring), or at once in this thread with WEBHOOK_BACKGROUND off (the test configuration)."""
    from django_tasks import default_task_backend

    from jobs import QUEUE_ERRORS

    from .tasks import deliver_webhook

    # A backend that can run a job later (RQ) is a queue with workers; the immediate one cannot, and runs
    # jobs in this process at once.
    queued = default_task_backend.supports_defer
    for pk in pks:
        if queued:
            try:
                deliver_webhook.enqueue(pk)
                continue
            except QUEUE_ERRORS:
                logger.warning("Webhook delivery %s: the job queue is unreachable; sending from this process", pk)
        if settings.WEBHOOK_BACKGROUND:
            _sender().put(pk)
        else:
            while attempt(pk) is not None:
                pass


def announce_publication(article):
    """A scheduled story's time came or its embargo lifted (no save announced it): the "published" event,
    once per moment it became visible."""
    from .signals import article_payload

    moment = max(filter(None, [article.published_at, article.embargo_until]))
    return record_event(
        "article.published", article_payload(article), event_id=f"due-{article.pk}-{int(moment.timestamp())}"
    )


# Delivering ---------------------------------------------------------------------------------------------------


def send(delivery):
    """POST the event to the address that passed the check; returns the HTTP status, or raises (UnsafeURL,
    EndpointError, OSError)."""
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    address = check_url(endpoint.url, resolve=True)
    parts = urlsplit(endpoint.url)
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(parts.hostname, parts.port, address, tls=tls_context(), timeout=TIMEOUT)
    else:
        connection = _PinnedHTTPConnection(parts.hostname, parts.port, address, timeout=TIMEOUT)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Newsroom-Webhooks/1",
        "X-Newsroom-Event": delivery.event,
        "X-Newsroom-Delivery": delivery.event_id,
        SIGNATURE_HEADER: signature_header(endpoint.secret, body, int(time.time())),
    }
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise EndpointError(response.status, response.reason)
    return response.status


def attempt(pk):
    """One attempt of delivery `pk`, logged on it; the seconds to wait before the next one, or None when done."""
    from .models import WebhookDelivery

    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=pk).first()
    if delivery is None or delivery.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED):
        return None  # deleted, or a job that ran twice
    attempts = delivery.attempts + 1
    outcome = {"attempts": attempts, "last_attempt_at": timezone.now(), "response_status": None, "error": ""}
    wait = None
    try:
        outcome["response_status"] = send(delivery)
        outcome.update(status=WebhookDelivery.Status.DELIVERED, next_attempt_at=None)
    except (UnsafeURL, EndpointError, OSError, http.client.HTTPException, ValueError) as exc:
        if isinstance(exc, EndpointError):
            outcome["response_status"] = exc.status
        outcome["error"] = f"{type(exc).__name__}: {exc}"[:2000]
        delays = retry_delays()
        if isinstance(exc, UnsafeURL) or attempts > len(delays):
            outcome.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
        else:
            wait = delays[attempts - 1]
            outcome.update(
                status=WebhookDelivery.Status.RETRYING,
                next_attempt_at=timezone.now() + datetime.timedelta(seconds=wait),
            )
    try:
        WebhookDelivery.objects.filter(pk=pk).update(**outcome)
    except DatabaseError:
        logger.warning("Webhook delivery %s: its outcome (%s) could not be logged", pk, outcome["status"])
    if wait is not None:
        logger.info("Webhook delivery %s to %s failed (%s); retrying in %s s", pk, delivery.endpoint.url,
                    outcome["error"], wait)  # fmt: skip
    return wait


class _Sender:
    """Without a job queue: a daemon thread that sends deliveries in the order they become due, with backoff."""

    def __init__(self):
        self.jobs = queue.PriorityQueue()
        self.order = itertools.count()
        self.thread = threading.Thread(target=self.run, name="webhook-sender", daemon=True)
        self.thread.start()

    def put(self, pk, delay=0):
        self.jobs.put((time.monotonic() + delay, next(self.order), pk))

    def run(self):
        while True:
            due, order, pk = self.jobs.get()
            wait = due - time.monotonic()
            if wait > 0:
                self.jobs.put((due, order, pk))
                self.jobs.task_done()
                time.sleep(min(wait, 0.5))
                continue
            try:
                close_old_connections()
                retry_in = attempt(pk)
                if retry_in is not None:
                    self.put(pk, retry_in)
            except Exception:  # a background thread: nobody else would hear of it
                logger.exception("Webhook delivery %s failed unexpectedly", pk)
            finally:
                connections.close_all()
                self.jobs.task_done()

    def wait(self, timeout):
        deadline = time.monotonic() + timeout
        while self.jobs.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.jobs.unfinished_tasks


_instance = None
_instance_lock = threading.Lock()


def _sender():
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = _Sender()
        return _instance
