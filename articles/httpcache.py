"""The HTTP cache in front (Varnish, a CDN): dependency keys in response headers, and purges by key.

Responses carry the keys of what they show (articles/cache.py) in the header that the configured cache
reads: `xkey` (Varnish's xkey vmod), `Surrogate-Key` (Fastly-style CDNs) or `Cache-Tag` (Cloudflare), per
`HTTP_CACHE_TAG_HEADER`. After each commit that changes what readers see, the changed keys are purged in
every cache of `HTTP_CACHE_PURGE_URLS` (Varnish: a `PURGE` request with an `xkey-purge` or
`xkey-softpurge` header; deploy/varnish/newsroom.vcl). Purges go out from a background thread, so no
editor's save waits on the cache; an unreachable cache is retried with backoff for as long as a page may
live there (`PAGE_CDN_MAX_AGE`), which also bounds what a purge that never arrives can leave behind.
"""

import atexit
import logging
import queue
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings

import jobs

logger = logging.getLogger("newsroom.cache")

SEPARATORS = {"cache-tag": ","}  # Cloudflare; xkey and Surrogate-Key take spaces
PURGE_TIMEOUT = 2  # seconds per request
PURGE_BATCH = 200  # keys per request: headers stay well under proxies' limits


def key_header_value(keys):
    """(header name, value) carrying these dependency keys, or None when no header is configured."""
    header = settings.HTTP_CACHE_TAG_HEADER
    if not header:
        return None
    return header, SEPARATORS.get(header.lower(), " ").join(sorted({"all", *keys}))


def add_key_header(response, keys):
    found = key_header_value(keys)
    if found:
        response[found[0]] = found[1]


def purge(*, soft=(), hard=()):
    """Queue a purge of these keys in every configured HTTP cache (hard: never served again).

    With a job queue (REDIS_URL) it is the `purge_http_cache` job, retried with backoff by the job worker; without
    one, or while Redis cannot take the job, this process's purger thread sends it.
    """
    if not settings.HTTP_CACHE_PURGE_URLS or not (soft or hard):
        return
    soft, hard = sorted(set(soft) - set(hard)), sorted(hard)
    if jobs.queued():
        from .tasks import purge_http_cache

        try:
            purge_http_cache.enqueue(soft, hard)
            return
        except jobs.QUEUE_ERRORS as exc:
            logger.warning("HTTP cache purge not queued (%s); sending it from this process", exc)
    _purger().put((soft, hard))


# Straight to the configured caches: never through a proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def send_purge(url, *, soft=(), hard=()):
    """One purge request per kind and batch; raises OSError (URLError) when the cache cannot be reached."""
    for kind, keys in (("xkey-softpurge", soft), ("xkey-purge", hard)):
        for start in range(0, len(keys), PURGE_BATCH):
            request = urllib.request.Request(
                url, method="PURGE", headers={kind: " ".join(keys[start : start + PURGE_BATCH])}
            )
            with _opener.open(request, timeout=PURGE_TIMEOUT) as response:
                response.read()


class _Purger:
    """A daemon thread that sends queued purges in order, retrying each cache until it answers."""

    def __init__(self):
        self.jobs = queue.Queue()
        self.thread = threading.Thread(target=self.run, name="http-cache-purger", daemon=True)
        self.thread.start()

    def put(self, job):
        self.jobs.put(job)

    def run(self):
        while True:
            soft, hard = self.jobs.get()
            try:
                for url in settings.HTTP_CACHE_PURGE_URLS:
                    self.send_with_retries(url, soft, hard)
            finally:
                self.jobs.task_done()

    def send_with_retries(self, url, soft, hard):
        deadline = time.monotonic() + settings.PAGE_CDN_MAX_AGE
        delay = 0.25
        while True:
            try:
                send_purge(url, soft=soft, hard=hard)
                return
            except (OSError, urllib.error.HTTPError) as exc:
                if time.monotonic() + delay > deadline:
                    logger.error("HTTP cache purge of %s keys at %s given up: %s", len(soft) + len(hard), url, exc)
                    return
                logger.warning("HTTP cache purge at %s failed (%s); retrying in %.2f s", url, exc, delay)
                time.sleep(delay)  # a background thread: nobody waits on it
                delay = min(delay * 2, 10)

    def wait(self, timeout):
        """Block until the queue is empty or `timeout` seconds passed (tests, and exit)."""
        deadline = time.monotonic() + timeout
        while self.jobs.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.jobs.unfinished_tasks


_instance = None
_instance_lock = threading.Lock()


def _purger():
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = _Purger()
            atexit.register(_instance.wait, 5)  # a command's last purges go out before it exits
        return _instance


def wait_for_purges(timeout=10):
    """True when every queued purge has been sent (or given up)."""
    return _instance is None or _instance.wait(timeout)
