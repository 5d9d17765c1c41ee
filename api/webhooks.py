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
import hashlib
import hmac
import ipaddress
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
from django.db import close_old_connections, connections, transaction
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

# Within one transaction several signals may speak of one article (the article, its byline, its tags):
# one event per article, the strongest kind wins.
_STRENGTH = {"article.updated": 0, "article.published": 1, "article.unpublished": 2}
_pending = threading.local()


def event(kind, article, payload):
    events = getattr(_pending, "events", None)
    if events is None:
        events = _pending.events = {}
    current = events.get(article.pk)
    if current is None or _STRENGTH[kind] >= _STRENGTH[current[0]]:
        events[article.pk] = (kind, payload)
    transaction.on_commit(_flush, robust=True)


def _flush():
    events = getattr(_pending, "events", None) or {}
    _pending.events = {}
    if not events:
        return
    from .models import WebhookDelivery, WebhookEndpoint

    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    deliveries = []
    for kind, payload in events.values():
        event_id = uuid.uuid4().hex
        body = {"id": event_id, "event": kind, "created_at": timezone.now().isoformat(), "data": payload}
        deliveries += [
            WebhookDelivery(endpoint=endpoint, event=kind, event_id=event_id, payload=body)
            for endpoint in endpoints
            if kind in endpoint.events
        ]
    if deliveries:
        created = WebhookDelivery.objects.bulk_create(deliveries)
        for delivery in created:
            enqueue(delivery.pk)


def enqueue(delivery_id, delay=0):
    if settings.WEBHOOK_BACKGROUND:
        _sender().put(delivery_id, delay)
    else:  # in the caller's thread (the test configuration), retries included
        delays = list(retry_delays())
        while attempt(delivery_id) and delays:
            time.sleep(delays.pop(0))


# Delivering ---------------------------------------------------------------------------------------------------


def attempt(delivery_id):
    """One attempt at a delivery; True when it should be tried again."""
    from .models import WebhookDelivery

    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED):
        return False
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.response_status = None
    try:
        check_url(endpoint.url)
        request = urllib.request.Request(
            endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "Newsroom-Webhooks/1",
                "X-Newsroom-Event": delivery.event,
                "X-Newsroom-Delivery": delivery.event_id,
                SIGNATURE_HEADER: signature_header(endpoint.secret, body, timestamp),
            },
        )
        with _opener.open(request, timeout=TIMEOUT) as response:
            delivery.response_status = response.status
        delivery.status, delivery.error, delivery.next_attempt_at = WebhookDelivery.Status.DELIVERED, "", None
    except (UnsafeURL, urllib.error.HTTPError, OSError, ValueError) as exc:
        if isinstance(exc, urllib.error.HTTPError):
            delivery.response_status = exc.code
        delivery.error = f"{type(exc).__name__}: {exc}"[:2000]
        delays = retry_delays()
        if isinstance(exc, UnsafeURL) or delivery.attempts > len(delays):
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        else:
            delivery.status = WebhookDelivery.Status.RETRYING
            delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delays[delivery.attempts - 1])
    delivery.save()
    return delivery.status == WebhookDelivery.Status.RETRYING


class _Sender:
    """A daemon thread that sends deliveries in the order they become due, retrying with backoff."""

    def __init__(self):
        self.jobs = queue.PriorityQueue()
        self.thread = threading.Thread(target=self.run, name="webhook-sender", daemon=True)
        self.thread.start()

    def put(self, delivery_id, delay=0):
        self.jobs.put((time.monotonic() + delay, delivery_id))

    def run(self):
        while True:
            due, delivery_id = self.jobs.get()
            wait = due - time.monotonic()
            if wait > 0:
                self.jobs.put((due, delivery_id))
                self.jobs.task_done()
                time.sleep(min(wait, 0.5))
                continue
            try:
                close_old_connections()
                if attempt(delivery_id):
                    from .models import WebhookDelivery

                    number = WebhookDelivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True)[0]
                    self.put(delivery_id, retry_delays()[number - 1])
            except Exception:  # a background thread: nobody else would hear of it
                logger.exception("Webhook delivery %s failed unexpectedly", delivery_id)
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
