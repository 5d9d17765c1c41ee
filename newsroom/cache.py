"""A Redis cache that degrades instead of failing: the site keeps serving, uncached, while Redis is away."""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger("newsroom.cache")

# Breaker state per Redis location, shared by every thread of the process (each thread has its own backend).
_open_until = {}
_lock = threading.Lock()


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, but one `redis.Redis` per connection pool instead of a new one on every call.

    Building a `redis.Redis` costs about as much CPU as the GET it is built for (~150 µs measured here), and a
    cached page is one GET. The client object holds no connection of its own (the pool does), and redis-py
    clients are safe to share between threads.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # `_get_connection_pool()` and `_client` are private members of django.core.cache.backends.redis.
        # RedisCacheClient (checked with Django 5.2.19, redis-py 8.1.0): Django has no public way to reuse a
        # client per pool. The replacement to evaluate is django-redis (its client keeps one per pool), measured
        # against this on a cached hit before switching.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, but a Redis error is logged and treated as a miss (get → default, set → no-op).

    After an error the breaker opens for `BREAKER_SECONDS` (an OPTIONS key, default 5): calls skip Redis
    entirely, so a dead Redis costs no connection timeout per call. The next call after that tries Redis
    again, and everything is back to normal once it answers.
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.breaker_seconds = float(options.pop("BREAKER_SECONDS", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._breaker_key = str(server)

    # The breaker ---------------------------------------------------------

    def _is_open(self):
        return _open_until.get(self._breaker_key, 0) > time.monotonic()

    def _trip(self, operation, exc):
        with _lock:
            already_open = self._is_open()
            _open_until[self._breaker_key] = time.monotonic() + self.breaker_seconds
        if not already_open:
            logger.warning(
                "Redis unavailable during %s (%s); serving uncached for %ss",
                operation,
                exc.__class__.__name__,
                self.breaker_seconds,
                extra={"operation": operation},
            )

    def _call(self, operation, fallback, *args, **kwargs):
        if self._is_open():
            return fallback
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except RedisError as exc:
            self._trip(operation, exc)
            return fallback
        if _open_until.get(self._breaker_key):
            with _lock:
                if _open_until.pop(self._breaker_key, None):
                    logger.info("Redis is back; caching again")
        return result

    def validate_key(self, key):
        """Redis takes any key: Django's checks warn about memcached's limits, at ~5 µs a key, and a page's
        dependency tokens are read dozens of keys at a time (articles/cache.py)."""

    def ping(self):
        """For /healthz: ask Redis directly, whatever the breaker says; raises when it does not answer."""
        self._cache.get_client().ping()

    # The cache API -------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, key, delta, version)
        if result is missing:
            # What a cache says about a key it does not hold: callers already handle it.
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    # Publish/subscribe (articles/cache.py's change feed) ------------------

    def publish(self, channel, message):
        """Send `message` (bytes or str) to every subscriber of `channel`; False when Redis is away."""
        if self._is_open():
            return False
        try:
            self._cache.get_client(write=True).publish(self.make_key(channel), message)
        except RedisError as exc:
            self._trip("publish", exc)
            return False
        return True

    def subscribe(self, channel):
        """A redis-py PubSub subscribed to `channel` (the subscription confirmed), or None when Redis is away.

        It has a connection of its own, which the caller closes; it is not retried or reconnected here."""
        if self._is_open():
            return None
        pubsub = None
        try:
            pubsub = self._cache.get_client().pubsub()
            pubsub.subscribe(self.make_key(channel))
            # A broken connection is the caller's to notice (it re-reads what it missed), not redis-py's to retry.
            pubsub.connection.retry = Retry(NoBackoff(), 0)
            confirmed = pubsub.get_message(timeout=self._cache._pool_options.get("socket_timeout") or 0.5)
            if not confirmed or confirmed.get("type") != "subscribe":
                raise RedisError("no subscription confirmed")
        except RedisError as exc:
            self._trip("subscribe", exc)
            if pubsub is not None:
                pubsub.close()
            return None
        return pubsub
