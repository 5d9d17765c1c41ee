"""Webhooks: signed JSON POSTs to partners' HTTPS endpoints after an article is published, updated or
unpublished.

Events are collected while the editor's transaction runs (api/signals.py) and, once it commits, one
delivery per endpoint is logged (WebhookDelivery, in the admin) and handed to a background thread, so a
slow or failing endpoint never delays a save. The issue-15 job queue (django-tasks) had not landed when
this was written: the thread is the delivery path, and a delivery that fails is retried by it with the
backoff in `WEBHOOK_RETRY_DELAYS`; deliveries still pending when a process exits are sent again by
`manage.py send_webhooks`.

Signing (see README, "Webhooks"): header `X-Newsroom-Signature: t=<unix time>,v1=<hex>` where `<hex>` is
HMAC-SHA256 with the endpoint's secret over `<unix time>.<raw body>`.

Addresses: unless `WEBHOOK_ALLOW_INTERNAL` (default: DEBUG) is on, only https URLs whose host resolves
to public addresses only are accepted — checked when the endpoint is saved and again before each attempt
(a DNS answer can change) — and redirects are not followed, so a webhook cannot reach internal services.
"""

import datetime
import functools
import hashlib
import hmac
import ipaddress
import itertools
import json
import logging
import queue
import socket
import threading
import time
import urllib.error
import urllib.request
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


def _is_public(address):
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url):
    """Raise UnsafeURL unless `url` may receive webhooks (see the module docstring)."""
    parts = urlsplit(url)
    allow_internal = settings.WEBHOOK_ALLOW_INTERNAL
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeURL("Enter an https:// address.")
    if parts.scheme != "https" and not allow_internal:
        raise UnsafeURL("Webhooks are sent over HTTPS only: plain http:// is refused.")
    if parts.username or parts.password:
        raise UnsafeURL("Put credentials in the secret, not in the address.")
    if allow_internal:
        return
    try:
        port = parts.port or 443
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise UnsafeURL(f"The host {parts.hostname} cannot be resolved.") from exc
    for info in infos:
        if not _is_public(info[4][0]):
            raise UnsafeURL(
                f"{parts.hostname} resolves to {info[4][0]}, an internal (loopback, private, link-local or "
                "reserved) address: refused."
            )


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl} not followed", headers, fp)


# Straight to the endpoint: no proxy from the environment, no redirects.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def retry_delays():
    return settings.WEBHOOK_RETRY_DELAYS


# Queuing events (from api/signals.py) ----------------------------------------------------------------------

# Each event waits for its own transaction's commit (a rolled-back change announces nothing). One save can
# send several signals about one article (the row, its byline, its tags): an "updated" that follows an event
# about the same article from the same thread within DEDUPE_SECONDS is the same change, and is dropped.
DEDUPE_SECONDS = 2
_recent = threading.local()


def event(kind, article, payload):
    transaction.on_commit(functools.partial(_send_event, kind, article.pk, payload), robust=True)


def _send_event(kind, pk, payload):
    from .models import WebhookDelivery, WebhookEndpoint

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
    endpoints = [endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True) if kind in endpoint.events]
    if not endpoints:
        return
    event_id = uuid.uuid4().hex
    body = {"id": event_id, "event": kind, "created_at": timezone.now().isoformat(), "data": payload}
    created = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(endpoint=e, event=kind, event_id=event_id, payload=body) for e in endpoints]
    )
    for delivery, endpoint in zip(created, endpoints, strict=True):
        enqueue(Job(delivery.pk, endpoint.url, endpoint.secret, delivery.event, event_id, body))


class Job:
    """What one attempt needs, so that sending touches no database (the editor's thread, or the sender's)."""

    def __init__(self, pk, url, secret, event, event_id, payload, attempts=0):
        self.pk, self.url, self.secret, self.event, self.event_id = pk, url, secret, event, event_id
        self.payload, self.attempts = payload, attempts

    @classmethod
    def of(cls, delivery):
        endpoint = delivery.endpoint
        return cls(delivery.pk, endpoint.url, endpoint.secret, delivery.event, delivery.event_id, delivery.payload,
                   delivery.attempts)  # fmt: skip


def enqueue(job):
    if settings.WEBHOOK_BACKGROUND:
        _sender().put(job)
    else:  # in the caller's thread (the test configuration), retries included
        while attempt(job) is not None:
            pass


# Delivering ---------------------------------------------------------------------------------------------------


def send(job):
    """POST the event; returns the HTTP status, or raises (UnsafeURL, HTTPError, OSError)."""
    body = json.dumps(job.payload, separators=(",", ":"), sort_keys=True).encode()
    check_url(job.url)
    request = urllib.request.Request(
        job.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Newsroom-Webhooks/1",
            "X-Newsroom-Event": job.event,
            "X-Newsroom-Delivery": job.event_id,
            SIGNATURE_HEADER: signature_header(job.secret, body, int(time.time())),
        },
    )
    with _opener.open(request, timeout=TIMEOUT) as response:
        return response.status


def attempt(job):
    """One attempt, logged on the delivery; the seconds to wait before the next one, or None when done."""
    from .models import WebhookDelivery

    job.attempts += 1
    outcome = {"attempts": job.attempts, "last_attempt_at": timezone.now(), "response_status": None, "error": ""}
    wait = None
    try:
        outcome["response_status"] = send(job)
        outcome.update(status=WebhookDelivery.Status.DELIVERED, next_attempt_at=None)
    except (UnsafeURL, urllib.error.HTTPError, OSError, ValueError) as exc:
        if isinstance(exc, urllib.error.HTTPError):
            outcome["response_status"] = exc.code
        outcome["error"] = f"{type(exc).__name__}: {exc}"[:2000]
        delays = retry_delays()
        if isinstance(exc, UnsafeURL) or job.attempts > len(delays):
            outcome.update(status=WebhookDelivery.Status.FAILED, next_attempt_at=None)
        else:
            wait = delays[job.attempts - 1]
            outcome.update(
                status=WebhookDelivery.Status.RETRYING,
                next_attempt_at=timezone.now() + datetime.timedelta(seconds=wait),
            )
    try:
        WebhookDelivery.objects.filter(pk=job.pk).update(**outcome)
    except DatabaseError:
        logger.warning("Webhook delivery %s: its outcome (%s) could not be logged", job.pk, outcome["status"])
    if wait is not None:
        logger.info("Webhook delivery %s to %s failed (%s); retrying in %s s", job.pk, job.url, outcome["error"], wait)
    return wait


class _Sender:
    """A daemon thread that sends deliveries in the order they become due, retrying with backoff."""

    def __init__(self):
        self.jobs = queue.PriorityQueue()
        self.order = itertools.count()
        self.thread = threading.Thread(target=self.run, name="webhook-sender", daemon=True)
        self.thread.start()

    def put(self, job, delay=0):
        self.jobs.put((time.monotonic() + delay, next(self.order), job))

    def run(self):
        while True:
            due, order, job = self.jobs.get()
            wait = due - time.monotonic()
            if wait > 0:
                self.jobs.put((due, order, job))
                self.jobs.task_done()
                time.sleep(min(wait, 0.5))
                continue
            try:
                close_old_connections()
                retry_in = attempt(job)
                if retry_in is not None:
                    self.put(job, retry_in)
            except Exception:  # a background thread: nobody else would hear of it
                logger.exception("Webhook delivery %s failed unexpectedly", job.pk)
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
