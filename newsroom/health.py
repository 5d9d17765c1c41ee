"""/healthz: is the database reachable, is the cache reachable. Nothing else, and never any content."""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("newsroom.health")


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    if hasattr(cache, "ping"):  # newsroom.cache.ResilientRedisCache: asks Redis itself, past the breaker
        cache.ping()
        return
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


CHECKS = {"database": (check_database, DatabaseError), "cache": (check_cache, Exception)}


@require_safe
@never_cache
def healthz(request):
    """200 with {"status": "ok", …} when every part answers; 503 naming the part that does not."""
    report = {"status": "ok"}
    for name, (check, errors) in CHECKS.items():
        try:
            check()
        except errors as exc:
            # Only the error's class goes out: messages can hold host names, users or paths.
            logger.error("Health check failed: %s", name, exc_info=exc, extra={"component": name})
            report[name] = f"error: {exc.__class__.__name__}"
            report["status"] = "error"
        else:
            report[name] = "ok"
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
