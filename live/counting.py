"""Views of published article pages, counted for the Most read box and the admin's article list.

A view is counted in `ViewCountMiddleware`, which sits just above the page cache's middleware
(settings.MIDDLEWARE), so pages answered from the cache count like rendered ones. One view costs one
pipelined Redis call (ZINCRBY into the hour's sorted set, EXPIRE) when `REDIS_URL` is set; without Redis
the counts go to the local-memory cache (one process, as `make run` has). What is kept: the page's path and
a number per hour — no address, user agent, cookie or anything else about the reader. Not counted: bots
(by user agent), prefetches, and the newsroom's own logged-in staff.
"""

import functools
import logging
import re
import secrets
import threading
import time

import redis
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("newsroom.live")

ARTICLE_PATH = re.compile(r"/\d{4}/\d{2}/\d{2}/[-\w]+/")
# Crawlers, link previews, monitors and scripts: nobody reading.
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|monitor|uptime|pingdom|lighthouse|"
    r"headless|phantomjs|curl|wget|python|java/|go-http|httpclient|okhttp|libwww|scrapy|feed|axios|node-fetch",
    re.IGNORECASE,
)
PREFIX = "newsroom:views:"  # newsroom:views:<hour number> → {path: views}
KEEP_SECONDS = 8 * 24 * 3600  # a week of hours, and a day to spare


def hour_number(moment=None):
    return int((moment if moment is not None else time.time()) // 3600)


def is_countable(request):
    """A person reading: not a bot, not a prefetch, not the newsroom's own staff."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    if not agent or BOT_AGENTS.search(agent):
        return False
    if "prefetch" in request.META.get("HTTP_SEC_PURPOSE", "") or request.META.get("HTTP_PURPOSE") == "prefetch":
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:  # only then can anyone be logged in (no query otherwise)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return False
    return True


class ViewCountMiddleware:
    """Count each reader's view of an article page, whichever layer answered it (page cache hits too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in (200, 304)
            and request.method == "GET"
            and settings.MOST_READ_COUNTING
            and ARTICLE_PATH.fullmatch(request.path_info)
            and is_countable(request)
        ):
            counter().add(request.path_info)
        return response


class RedisCounter:
    """Hourly sorted sets in Redis: one round trip per view, shared by every worker."""

    def __init__(self, url):
        # Short timeouts: a Redis outage must cost readers a fraction of a second at most, once per try.
        self.client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self.down_until = 0.0

    def add(self, path, hour=None):
        if time.monotonic() < self.down_until:
            return
        key = f"{PREFIX}{hour if hour is not None else hour_number()}"
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.zincrby(key, 1, path)
            pipe.expire(key, KEEP_SECONDS)
            pipe.execute()
        except redis.RedisError as exc:
            self.down_until = time.monotonic() + 5  # views go uncounted meanwhile; pages are served as ever
            logger.warning("View counting paused for 5 s: Redis error %s", exc)

    def totals(self, hours, limit=None, now=None):
        """[(path, views)] over the last `hours` hours, most viewed first."""
        last = hour_number(now)
        keys = [f"{PREFIX}{hour}" for hour in range(last - hours + 1, last + 1)]
        scratch = f"{PREFIX}sum:{secrets.token_hex(6)}"
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.zunionstore(scratch, keys)
            pipe.zrevrange(scratch, 0, (limit or 0) - 1, withscores=True)
            pipe.delete(scratch)
            _count, rows, _deleted = pipe.execute()
        except redis.RedisError as exc:
            logger.warning("Most read: Redis error %s", exc)
            return []
        return [(path.decode(), int(score)) for path, score in rows]


class LocalCounter:
    """Without Redis: the local-memory cache (Django's, per process), one dict per hour."""

    lock = threading.Lock()

    def add(self, path, hour=None):
        key = f"{PREFIX}{hour if hour is not None else hour_number()}"
        with self.lock:
            counts = cache.get(key) or {}
            counts[path] = counts.get(path, 0) + 1
            cache.set(key, counts, timeout=KEEP_SECONDS)

    def totals(self, hours, limit=None, now=None):
        last = hour_number(now)
        found = cache.get_many([f"{PREFIX}{hour}" for hour in range(last - hours + 1, last + 1)])
        totals = {}
        for counts in found.values():
            for path, views in counts.items():
                totals[path] = totals.get(path, 0) + views
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit] if limit else ranked


@functools.cache
def _counter(redis_url):
    return RedisCounter(redis_url) if redis_url else LocalCounter()


def counter():
    return _counter(settings.REDIS_URL)
