"""Caching for readers' pages that never serves stale news.

Everything cached is keyed by the *content version*: one integer in the shared cache (Redis), bumped
whenever a reader-visible model is saved or deleted. A new version means new keys, so every page and
fragment rendered before the change is simply never read again (old keys expire on their own).

Time also changes what readers see, with no save at all: a scheduled article's `published_at` (or an
embargo) arrives, and the masthead date and Latest box turn over at midnight in the newsroom's time zone.
So each content version has a *window*: `since` (when what pages show last changed) and `until` (the next
scheduled publication or embargo lift, found by one query per version). A cached page also stores the
moment it stops being right — the earliest of `until`, the next local midnight and now + TTL — and is a
miss after that.

Page caching and versioned validators need a cache every worker shares. They are on when
`PAGE_CACHE_SECONDS` > 0, which settings make the default only when `REDIS_URL` is set. Without it, pages
are rendered each time and still answer conditional requests (an ETag of the content).
"""

import datetime
import functools
import hashlib
import logging
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import router, transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.functional import cached_property
from django.utils.http import http_date, urlencode

logger = logging.getLogger("newsroom.cache")

VERSION_KEY = "content:version"
LAST_CHANGE_KEY = "content:last-change"
WINDOW_TIMEOUT = 24 * 60 * 60


def page_cache_enabled():
    return settings.PAGE_CACHE_SECONDS > 0


# The content version -------------------------------------------------------


def content_version():
    """The current content version, or None when the shared cache cannot be reached."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # A random start rather than 1: if the key is ever evicted or flushed while pages survive,
        # the new numbers never meet keys written under the old ones.
        cache.add(VERSION_KEY, secrets.randbits(40), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_content_version():
    """Make every cached page and fragment stale. Call it after bulk writes that send no signals
    (`QuerySet.update()`, `bulk_create()`); model saves and deletes call it by themselves."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        # No version yet (or the cache is away): a fresh random one is as good as a bump.
        content_version()


def _content_changed(sender, **kwargs):
    # Why signals and not a service: the cache must go stale on *every* write path — the admin, imports,
    # seed_demo, `manage.py shell`, factories — and a forgotten service call would serve stale news for
    # minutes. Bumping is a side effect that cannot fail a save (the cache backend swallows Redis errors).
    #
    # Bump now, so this transaction's own later reads (and tests, which never commit) see fresh pages, and
    # once more on commit, so a page that another worker rendered from the old data in between is never
    # served either.
    bump_content_version()
    connection = transaction.get_connection(router.db_for_write(sender))
    if connection.in_atomic_block and not any(
        func is bump_content_version for _sids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(bump_content_version, using=connection.alias, robust=True)


def connect_signals():
    """Called from ArticlesConfig.ready()."""
    from taggit.models import Tag as TaggitTag

    from .models import Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggedArticle

    for model in (Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggitTag, TaggedArticle):
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"content-version-save-{model._meta.label}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"content-version-del-{model._meta.label}")
    # Tags (taggit) and bylines added through the m2m managers are bulk-created: no post_save.
    for through in (TaggedArticle, ArticleAuthor):
        m2m_changed.connect(_content_changed, sender=through, dispatch_uid=f"content-version-m2m-{through.__name__}")


# The window: when what readers see last changed, and when it next changes -----------------------------


@dataclass(frozen=True)
class ContentState:
    version: int
    since: datetime.datetime
    until: datetime.datetime | None  # next scheduled publication or embargo lift; None: none planned

    def bounds(self, now):
        """(since, until) for pages rendered now, with the local midnights taken in."""
        today = _local_midnight(now, days=0)
        tomorrow = _local_midnight(now, days=1)
        since = max(self.since, today)
        until = min(self.until, tomorrow) if self.until else tomorrow
        return since, until


def _local_midnight(now, *, days):
    local_day = timezone.localdate(now) + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(local_day, datetime.time.min))


def next_scheduled_change(now):
    """The next moment a published article becomes visible (its time or its embargo arrives), or None."""
    from .models import Article

    upcoming = Article.objects.filter(status=Article.Status.PUBLISHED).filter(
        Q(published_at__gt=now) | Q(embargo_until__gt=now)
    )
    found = upcoming.aggregate(
        publication=Min("published_at", filter=Q(published_at__gt=now)),
        embargo=Min("embargo_until", filter=Q(embargo_until__gt=now)),
    )
    times = [moment for moment in found.values() if moment is not None]
    return min(times) if times else None


def content_state(request=None):
    """The state pages are rendered under (memoised on the request), or None without a shared cache."""
    if request is not None and hasattr(request, "_content_state"):
        return request._content_state
    state = None
    if page_cache_enabled():
        version = content_version()
        if version is not None:
            state = _window(version, timezone.now())
    if request is not None:
        request._content_state = state
    return state


def _window(version, now):
    key = f"content:{version}:window"
    window = cache.get(key)
    if window is not None and (window[1] is None or window[1] > now):
        return ContentState(version, *window)
    # First render under this version, or its scheduled moment has passed: pages changed then.
    since = window[1] if window is not None else now
    # Last-Modified has whole seconds: a change within the second of the previous one must still move it.
    previous = cache.get(LAST_CHANGE_KEY)
    if previous is not None and since < previous + datetime.timedelta(seconds=1):
        since = previous + datetime.timedelta(seconds=1)
    cache.set(LAST_CHANGE_KEY, since, timeout=None)
    window = (since, next_scheduled_change(now))
    cache.set(key, window, timeout=WINDOW_TIMEOUT)
    return ContentState(version, *window)


# Fragments: small query results shared by many pages -----------------------------------------------------

_memo = {}
_memo_lock = threading.Lock()


def fragment(name, state, build):
    """`build()`, cached for this content state: in this process, then in the shared cache.

    The in-process copy is safe because its key holds the shared version: a change anywhere bumps it.
    """
    if state is None:
        return build()
    since, _until = state.bounds(timezone.now())
    key = f"fragment:{name}:{state.version}:{since.timestamp()}"
    memo = _memo.get(name)
    if memo is not None and memo[0] == key:
        return memo[1]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=settings.PAGE_CACHE_SECONDS)
    with _memo_lock:
        _memo[name] = (key, value)
    return value


class CountCachingPaginator(Paginator):
    """Counts the listing once per content state (COUNT(*) over 100,000 rows is the slow part of a page)."""

    def __init__(self, *args, count_key=None, state=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.state = state

    @cached_property
    def count(self):
        if self.state is None or self.count_key is None:
            return super().count
        return fragment(f"count:{self.count_key}", self.state, lambda: Paginator.count.func(self))


# Readers' pages ------------------------------------------------------------------------------------------


class _LocalPages:
    """The most recently served pages of this worker, so a hit need not fetch ~40 kB from Redis each time.

    Bounded (LRU, PAGE_CACHE_LOCAL_ENTRIES), so a worker's memory stays flat; entries are only used when
    their version is the shared cache's current one, so they are exactly as fresh as the shared entries.
    """

    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key):
        return key in self._entries

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > settings.PAGE_CACHE_LOCAL_ENTRIES:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


_local_pages = _LocalPages()


def is_reader_request(request):
    """Anonymous GET or HEAD: the only requests whose pages are shared between people."""
    if request.method not in ("GET", "HEAD"):
        return False
    # Without a session cookie there is no user to load: no query on the fast path.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return not (user and user.is_authenticated)


def reader_page(view=None, *, params=("page",)):
    """Cache a public page for anonymous readers, and send validators and CDN-friendly Cache-Control.

    `params` are the query parameters the page depends on; a request with any other parameter is served
    uncached (so `?utm_source=…` variants cannot fill the cache, and links that keep them stay right).
    Logged-in users get `private, no-store` pages, never cached ones.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not is_reader_request(request):
                response = view_func(request, *args, **kwargs)
                add_never_cache_headers(response)
                patch_vary_headers(response, ["Cookie"])
                return response
            if not page_cache_enabled() or set(request.GET) - set(params):
                return _render_uncached(view_func, request, args, kwargs)
            return _render_cached(view_func, request, args, kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def _render_uncached(view_func, request, args, kwargs):
    """No shared cache: render, then answer If-None-Match with an ETag of the content."""
    response = view_func(request, *args, **kwargs)
    if response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    now = timezone.now()
    state = getattr(request, "_content_state", None)  # known when the shared cache is on
    until = state.bounds(now)[1] if state is not None else _local_midnight(now, days=1)
    _public_headers(response, (until - now).total_seconds())
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


def _page_key(request):
    # Only requests whose parameters are all ones the view depends on are cached (reader_page), so the
    # parameters in name order are the same key for the same page, whichever way round they came.
    query = urlencode([(name, value) for name in sorted(request.GET) for value in request.GET.getlist(name)])
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"page:{hashlib.sha1(address.encode()).hexdigest()}"


def _lookup(request, key, now):
    """(version, response): the page stored for this request if it is still current, else None.

    An entry holds the version it was rendered under, so a bump makes every entry stale without touching
    them. A hit costs one small round trip (the version) when this worker holds the page in memory, else two
    (the version, then the page from the shared cache). The version is None when the shared cache is away.
    """
    version = cache.get(VERSION_KEY)
    if version is None:
        return None, None
    entry = _local_pages.get(key)
    if entry is None or entry["version"] != version:
        entry = cache.get(key)
        if entry is None or entry["version"] != version:
            return version, None
        _local_pages.put(key, entry)
    if entry["until"] <= now:
        return version, None
    response = HttpResponse(entry["content"], content_type=entry["content_type"])
    for header, value in entry["headers"].items():
        response[header] = value
    response["X-Page-Cache"] = "hit"
    response["Content-Length"] = str(len(entry["content"]))  # CommonMiddleware's job, which a hit skips
    return version, _finish(request, response, entry["etag"], entry["last_modified"], entry["until"], now)


class ReaderPageCacheMiddleware:
    """Answer anonymous readers' cached pages before the session, CSRF, auth and messages layers run.

    Only requests without a session cookie (nobody logged in) for a page this worker has stored or served
    before are looked up here, so other requests pay no round trip; a hit skips the middleware below this
    one and URL routing, which are most of a hit's cost. Everything else, misses included, goes on to the
    view, whose `reader_page` decorator renders and stores the page (and reuses the key and version read here).
    Sits below the security, CSP and X-Frame-Options middleware, so hits carry their headers too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            page_cache_enabled()
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            key = _page_key(request)
            if key in _local_pages:
                version, response = _lookup(request, key, timezone.now())
                if response is not None:
                    return response
                request._page_cache_miss = (key, version)
        return self.get_response(request)


def _render_cached(view_func, request, args, kwargs):
    now = timezone.now()
    if hasattr(request, "_page_cache_miss"):  # looked up a moment ago by ReaderPageCacheMiddleware
        key, version = request._page_cache_miss
    else:
        key = _page_key(request)
        version, response = _lookup(request, key, now)
        if response is not None:
            return response
    if version is None:
        version = content_version()
    if version is None:  # the shared cache is away
        request._content_state = None
        return _render_uncached(view_func, request, args, kwargs)
    state = request._content_state = _window(version, now)
    # Bounds are fixed *before* rendering: the page may not outlive a change due while it renders.
    since, until = state.bounds(now)
    until = min(until, now + datetime.timedelta(seconds=settings.PAGE_CACHE_SECONDS))
    etag = '"{}"'.format(hashlib.sha1(f"{key}|{version}|{since.timestamp()}".encode()).hexdigest()[:32])
    last_modified = int(since.timestamp()) + 1  # HTTP dates have whole seconds; never claim an earlier one
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        _validators(not_modified, etag, last_modified, until, now)
        return not_modified

    response = view_func(request, *args, **kwargs)
    if response.status_code != 200 or response.streaming:
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if _storable(request, response):
        entry = {
            "version": version,
            "content": response.content,
            "content_type": response["Content-Type"],
            "headers": {name: response[name] for name in ("Content-Language", "X-Robots-Tag") if name in response},
            "etag": etag,
            "last_modified": last_modified,
            "until": until,
        }
        cache.set(key, entry, timeout=max(1, int((until - now).total_seconds())))
        _local_pages.put(key, entry)
        response["X-Page-Cache"] = "miss"
    return _finish(request, response, etag, last_modified, until, now)


def _storable(request, response):
    session = getattr(request, "session", None)
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (session is not None and session.modified):
        return False  # a page that sets a cookie (a CSRF token, a session) belongs to one person
    return "private" not in response.get("Cache-Control", "") and "no-store" not in response.get("Cache-Control", "")


def _validators(response, etag, last_modified, until, now):
    response["ETag"] = etag
    response["Last-Modified"] = _http_date(last_modified)
    _public_headers(response, (until - now).total_seconds())


@functools.lru_cache(maxsize=256)
def _http_date(epoch_seconds):
    # Every hit of a page sends the same Last-Modified until the content changes.
    return http_date(epoch_seconds)


def _finish(request, response, etag, last_modified, until, now):
    _validators(response, etag, last_modified, until, now)
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


def _public_headers(response, seconds_left):
    """Shared caches (a CDN) may keep the page, but never past the moment it stops being right."""
    seconds_left = max(0, int(seconds_left))
    s_maxage = min(settings.PAGE_CDN_MAX_AGE, seconds_left)
    directives = {
        "public": True,
        "max_age": min(settings.PAGE_BROWSER_MAX_AGE, seconds_left),
        "s_maxage": s_maxage,
    }
    stale = min(settings.PAGE_STALE_WHILE_REVALIDATE, seconds_left - s_maxage)
    if stale > 0:
        directives["stale_while_revalidate"] = stale
    patch_cache_control(response, **directives)
    patch_vary_headers(response, ["Cookie"])
