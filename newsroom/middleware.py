"""Site-wide middleware: request logging, the health probe, the admin's CSP, and the database-down page."""

import ipaddress
import logging
import re
import time
import uuid

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import timezone

from . import health
from .logging import request_id_var

request_logger = logging.getLogger("newsroom.request")
fault_logger = logging.getLogger("newsroom.faults")

# A request id from the proxy is kept when it looks like one; anything else is replaced.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEALTH_PATHS = {"/healthz", "/healthz/"}
DATABASE_RETRY_AFTER = 30  # seconds: what we ask readers' browsers and crawlers to wait


class RequestLogMiddleware:
    """One JSON log line per request: method, path, status, duration, user id, request id.

    Outermost, so it also times and logs requests answered by the health probe or the 503 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": logged_in_user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def logged_in_user_id(request):
    """The logged-in user's id, or None; never a reason for the request to fail.

    Read from the session, not `request.user`: logging must not load the user (a query) for a request that
    did not need it, and a request that did has its session loaded already, so this costs nothing more.
    """
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return None
    try:
        # Loads the session when nothing else did: one lookup, only for visitors with a session cookie.
        value = session.get(SESSION_KEY)
    except DatabaseError:
        return None
    return int(value) if isinstance(value, str) and value.isdigit() else value


def client_ip(request):
    """The client's address for login throttling, taking `TRUSTED_PROXY_COUNT` proxies into account.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the Nth entry from the right; anything further left was written by the client and is
    not trusted. With no proxies configured the socket's REMOTE_ADDR is used.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote_addr
    candidate = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


class HealthCheckMiddleware:
    """Answers /healthz before host validation, SSL redirects, sessions or CSRF get involved.

    Load balancers probe over plain HTTP with their own Host header; neither should fail the probe.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            return health.healthz(request)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp, with its own, looser policy for the admin (its widgets and the editor use inline code)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached gives readers a friendly 503 with Retry-After, not a 500.

    Nothing here needs the database: the page renders without context processors. Django reconnects
    by itself on a later request (CONN_HEALTH_CHECKS), so the site recovers when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        fault_logger.error(
            "Database unavailable: %s",
            exception.__class__.__name__,
            exc_info=exception,
            extra={"method": request.method, "path": request.path},
        )
        return service_unavailable_response()


def is_database_unavailable(exception):
    return isinstance(exception, (OperationalError, InterfaceError))


def service_unavailable_response():
    html = loader.get_template("503.html").render(
        {"NEWSROOM_NAME": settings.NEWSROOM_NAME, "today": timezone.localdate()}
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
