"""API rate limits and tokens, answered before the page cache so cached responses are limited too.

Anonymous clients get `API_RATE_LIMIT` requests per minute per address (the address as login throttling
sees it: newsroom.middleware.client_ip, honouring TRUSTED_PROXY_COUNT); a partner's token
(`Authorization: Bearer nrk_…`) gets its own limit (`API_TOKEN_RATE_LIMIT`, or the token's), counted per
token. Counts live in Redis when REDIS_URL is set (one round trip: SET NX EX + INCR in a pipeline) so every
worker shares them; without Redis in the process's cache. Over the limit: 429 with `Retry-After`.
"""

import json
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from newsroom.middleware import client_ip

WINDOW = 60  # seconds
PREFIX = "/api/"
LAST_USED_EVERY = 60  # seconds: a token's last-used time is written at most this often

_redis = None
_redis_lock = threading.Lock()


def _redis_client():
    global _redis
    with _redis_lock:
        if _redis is None:
            import redis

            _redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
        return _redis


def hit(bucket, now):
    """This request's number in the current window of `bucket`, and the seconds until the window ends."""
    window = int(now // WINDOW)
    key = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:ratelimit:{bucket}:{window}"
    left = (window + 1) * WINDOW - now
    if settings.REDIS_URL:
        try:
            pipe = _redis_client().pipeline(transaction=False)
            pipe.set(key, 0, ex=WINDOW + 1, nx=True)
            pipe.incr(key)
            return pipe.execute()[1], left
        except Exception:  # Redis away: serve unlimited rather than fail, as pages do
            return 0, left
    cache.add(key, 0, timeout=WINDOW + 1)
    try:
        return cache.incr(key), left
    except ValueError:
        return 0, left


def json_error(status, message, parameter=None):
    return HttpResponse(
        json.dumps({"error": message, "parameter": parameter}), status=status, content_type="application/json"
    )


def authenticate(header):
    """The active ApiToken of an `Authorization: Bearer …` header, or None."""
    from .models import ApiToken, hash_token

    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    token = ApiToken.objects.active().filter(key_hash=hash_token(raw.strip())).first()
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class ApiRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX) or request.method == "OPTIONS":
            return self.get_response(request)
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            token = authenticate(header)
            if token is None:
                return json_error(401, "Unknown or revoked API token.", "Authorization")
            limit, bucket = token.rate_limit or settings.API_TOKEN_RATE_LIMIT, f"token:{token.pk}"
        else:
            limit, bucket = settings.API_RATE_LIMIT, f"ip:{client_ip(request)}"
        if limit <= 0:
            return self.get_response(request)
        count, left = hit(bucket, time.time())
        if count > limit:
            response = json_error(429, f"Rate limit of {limit} requests a minute reached; try again later.")
            response["Retry-After"] = str(max(1, int(left + 0.999)))
        else:
            response = self.get_response(request)
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(max(0, limit - count))
        return response
