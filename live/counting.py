"""Views of published article pages, counted for the Most read box and the admin's article list.

A view is counted in `ViewCountMiddleware`, which sits just above the page cache's middleware
(settings.MIDDLEWARE), so pages answered from the cache count like rendered ones. Counting a view asks
nobody anything: it adds one to a dict in this process (`BufferedCounter`, a few microseconds), and a
daemon thread of the process (started at its first view, again in each forked gunicorn worker) sends the
buffered counts to the store in one pipelined call every MOST_READ_FLUSH_SECONDS (1 s), or sooner once
MOST_READ_FLUSH_VIEWS views are waiting. The store is Redis (hourly sorted sets, shared by every worker)
when `REDIS_URL` is set, else the local-memory cache (one process, as `make run` has). Reading the totals
sends this process's buffer first, so a process always sees its own views.

What can be lost: the views a worker buffered since its last send when it dies without exiting (SIGKILL,
out of memory, a power cut) — at most about a second of that one worker's views. A worker that stops in
the ordinary way (restart, max-requests recycling, SIGTERM) sends its buffer as it exits. While Redis is
down, views go uncounted (for 5 s at a time) and pages are served as ever.

What is kept: the page's path and a number per hour — no address, user agent, cookie or anything else
about the reader. Not counted: bots (by user agent), prefetches, and the newsroom's own logged-in staff.
"""

import atexit
import functools
import logging
import os
import re
import secrets
import threading
import time

import redis
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("newsroom.live")

ARTICLE_PATH = re.compile(r"/\d{4}/\d{2}/\d{2}/[-\w]+/")
# Crawlers, link previews, monitors and scripts: nobody reading. Plain substrings of the lower-cased user agent:
# thirty `in` tests take about 2 µs, where one case-insensitive regular expression of them took 40.
BOT_WORDS = (
    "bot", "crawl", "spider", "slurp", "archiver", "preview", "facebookexternalhit", "embedly", "monitor",
    "uptime", "pingdom", "lighthouse", "headless", "phantomjs", "curl", "wget", "python", "java/", "go-http",
    "httpclient", "okhttp", "libwww", "scrapy", "feed", "axios", "node-fetch",
)  # fmt: skip
PREFIX = "newsroom:views:"  # newsroom:views:<hour number> → {path: views}
KEEP_SECONDS = 8 * 24 * 3600  # a week of hours, and a day to spare


def hour_number(moment=None):
    return int((moment if moment is not None else time.time()) // 3600)


def is_countable(request):
    """A person reading: not a bot, not a prefetch, not the newsroom's own staff."""
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    if not agent or any(word in agent for word in BOT_WORDS):
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
    """Hourly sorted sets in Redis, shared by every worker: a batch of counts is one pipelined call."""

    def __init__(self, url):
        # Short timeouts: a Redis outage must cost a fraction of a second at most, once per try (and it is
        # the flushing thread that waits, not a reader).
        self.client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        self.down_until = 0.0

    def add_many(self, counts):
        """Add {(hour, path): views} in one round trip."""
        if not counts or time.monotonic() < self.down_until:
            return
        pipe = self.client.pipeline(transaction=False)
        keys = set()
        for (hour, path), views in counts.items():
            key = f"{PREFIX}{hour}"
            pipe.zincrby(key, views, path)
            keys.add(key)
        for key in keys:
            pipe.expire(key, KEEP_SECONDS)
        try:
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

    def add_many(self, counts):
        by_hour = {}
        for (hour, path), views in counts.items():
            by_hour.setdefault(hour, {})[path] = views
        with self.lock:
            for hour, added in by_hour.items():
                key = f"{PREFIX}{hour}"
                stored = cache.get(key) or {}
                for path, views in added.items():
                    stored[path] = stored.get(path, 0) + views
                cache.set(key, stored, timeout=KEEP_SECONDS)

    def totals(self, hours, limit=None, now=None):
        last = hour_number(now)
        found = cache.get_many([f"{PREFIX}{hour}" for hour in range(last - hours + 1, last + 1)])
        totals = {}
        for counts in found.values():
            for path, views in counts.items():
                totals[path] = totals.get(path, 0) + views
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit] if limit else ranked


class BufferedCounter:
    """Views counted in this process and sent to `store` in batches, off the request path.

    `add` only touches a dict under a lock. A daemon thread, started at the first `add` of each process
    (a forked child starts its own and drops what it inherited, which its parent sends), sends the batch
    every `interval` seconds, or as soon as `batch` views wait. `interval=0` sends each view at once, in
    the caller's thread (no thread at all).
    """

    def __init__(self, store, *, interval=1.0, batch=1000):
        self.store, self.interval, self.batch = store, interval, batch
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.flush)  # a worker that exits in the ordinary way loses nothing

    def _reset(self):
        self.lock = threading.Lock()  # guards `pending` and `waiting`
        self.sending = threading.Lock()  # one batch at a time, so a batch never overtakes another
        self.pending = {}  # {(hour, path): views}
        self.waiting = 0
        self.wake = threading.Event()
        self.thread = None

    def add(self, path, hour=None):
        key = (hour if hour is not None else hour_number(), path)
        with self.lock:
            self.pending[key] = self.pending.get(key, 0) + 1
            self.waiting += 1
            waiting = self.waiting
        if self.interval <= 0:
            self.flush()
        elif self.thread is None:
            self._start()
        elif waiting >= self.batch:
            self.wake.set()

    def _start(self):
        with self.lock:
            if self.thread is not None:
                return
            self.thread = threading.Thread(target=self._run, name="view-counter", daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            self.wake.wait(self.interval)
            self.wake.clear()
            try:
                self.flush()
            except Exception:  # the thread must outlive any one failure; the error is logged
                logger.exception("View counting: sending the counts failed")

    def flush(self):
        """Send what waits (one call to the store); returns how many views were sent."""
        with self.sending:
            with self.lock:
                counts, self.pending, self.waiting = self.pending, {}, 0
            if counts:
                self.store.add_many(counts)
            return sum(counts.values())

    def discard(self):
        """Forget what waits (tests start from nothing)."""
        with self.sending, self.lock:
            self.pending, self.waiting = {}, 0

    def totals(self, hours, limit=None, now=None):
        """[(path, views)] over the last `hours` hours, most viewed first (this process's buffer sent first)."""
        self.flush()
        return self.store.totals(hours, limit=limit, now=now)


@functools.cache
def _counter(redis_url, interval, batch):
    return BufferedCounter(RedisCounter(redis_url) if redis_url else LocalCounter(), interval=interval, batch=batch)


def counter():
    return _counter(settings.REDIS_URL, settings.MOST_READ_FLUSH_SECONDS, settings.MOST_READ_FLUSH_VIEWS)
