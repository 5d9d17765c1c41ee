"""Caching for readers' pages with exact invalidation: a change makes stale only the pages that show it.

**Dependency keys.** While a reader page renders, the view notes what it shows (`depends_on`,
`depends_on_articles`): `article-12` for every story on it (in full or as a card), `section-3`, `author-7`,
`tag-9`, `image-4` for the names and pictures it shows, and the listing it *is* (`list-home`,
`list-section-3`, `list-archive-2024-03`, …). Each key has a *token* in the shared cache (Redis). A stored
page keeps the tokens its keys had when it rendered; a change (articles/invalidation.py) gives the keys it
touches new tokens, so exactly the pages that noted them go stale. Nothing else is touched: a draft saved
changes no token, and no page.

**Soft and hard.** An edit or a publication writes *soft* tokens (`s…`): a stale page may still be served
for up to `PAGE_CACHE_STALE_SECONDS` while one worker, holding a short lock, renders it again, so readers
never queue behind a re-render. An unpublication, a deletion or a new embargo writes *hard* tokens (`h…`) on
the article's key: a page showing that story is never served again, not even once.

**Fragments.** The masthead (date and navigation) and the Latest box are shared by every page. A page stores
a marker where each goes, and a hit assembles the page from its body and the current fragments without
rendering a template, so a publication re-renders the Latest box once, not every article page. Behind an
HTTP cache that speaks ESI (Varnish, see deploy/varnish/) the markers become `<esi:include>` instead.

**Time.** A scheduled story or an embargo lifting changes pages with no save: the next such moment is kept
in the shared cache, and the first request after it treats each story whose time came as a publication
(`_tick`). Fragments that show the date expire at midnight in the newsroom's time zone.

**No round trip.** Every change gets a number (an atomic increment) and a record of the keys it changed, and
is announced on a publish/subscribe channel (`_ChangeFeed`). A worker hears the announcements on its own
connection and keeps what it heard; a hit checks that connection (a poll of its socket) and the entry's keys
against the changes since the entry was last found fresh, with no round trip. When the feed cannot vouch (a
gap, a lost connection, half a second since it last asked), a hit asks Redis in one MGET as before, and reads
the entry's tokens only when a change touched its keys.

**Races.** Tokens are read *after* rendering, when the keys are known; a change that lands while a page
renders is caught by the change sequence (read before and after): the page is then stored as already
stale (or, for a takedown, not stored at all).

Page caching needs a cache every worker shares: it is on when `PAGE_CACHE_SECONDS` > 0, which settings make
the default only when `REDIS_URL` is set. Without it, pages are rendered each time and still answer
conditional requests with an ETag of the content.
"""

import datetime
import hashlib
import io
import logging
import os
import re
import secrets
import select
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.signals import setting_changed
from django.db import close_old_connections, connections
from django.dispatch import Signal, receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
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
from django.utils.safestring import mark_safe
from redis.exceptions import RedisError

from . import renderer

logger = logging.getLogger("newsroom.cache")

TOKEN = "token:"  # token:<dependency key>
ALL = "all"  # every stored page and fragment depends on it: invalidate_all() for bulk writes
COUNTER = "changes:counter"  # the number of the latest change (an atomic increment)
EPOCH = "changes:epoch"  # made once with the counter: a counter that starts again is a new epoch
CHANGE = "changes:"  # changes:<number> → the keys that change changed, kept CHANGE_LOG_SECONDS
CHANGE_LOG_SECONDS = 600
CHANGE_HISTORY = 512  # changes each worker remembers, to check entries it last found fresh a while ago
FEED = "changes:feed"  # publish/subscribe channel: "<number> <key> <key> …" for each change, or RECHECK
RECHECK = "recheck"  # on FEED: something other than tokens changed (the schedule); ask the shared cache
STALE_HTTP_SECONDS = 1  # s-maxage of a stale copy (served while it is rendered again): an HTTP cache asks again soon
FEED_RECHECK = 0.5  # seconds: a worker listening to FEED still asks the shared cache at least this often
FEED_RETRY = 5  # seconds between attempts to subscribe to FEED
HARD_SEQ = "seq-hard"  # a token that changes with every takedown
SCHEDULE_KEY = "schedule:next"  # (the next moment a scheduled story or an embargo comes due,)
SCHEDULE_LAST = "schedule:last"  # the moment up to which such stories have been handled
SCHEDULE_RECHECK = 60  # seconds: the next moment is read from the database again at least this often
FRESH, SOFT, HARD = 0, 1, 2

# Where a shared fragment goes in a stored page; never produced by content (bodies are sanitised, comments
# stripped, headlines escaped).
MARKER = re.compile(rb"<!--newsroom-fragment:([a-z]+):([^>]*)-->")


def page_cache_enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def _lifetime():
    """How long a page may be kept when nothing changes it: here, or (without a page cache) in a CDN."""
    return datetime.timedelta(seconds=settings.PAGE_CACHE_SECONDS or settings.PAGE_CDN_MAX_AGE)


def _changes_with_schedule(keys):
    """Listings (and the Latest box) change when a scheduled story comes due; a story's own page does not."""
    return any(key.startswith("list-") or key == "frag-latest" for key in keys)


def _new_token(*, hard):
    return ("h" if hard else "s") + secrets.token_hex(6)


# Dependencies: what a page shows ----------------------------------------------------------------------------


def depends_on(request, *keys):
    """Note that the page being rendered for `request` shows what `keys` name."""
    deps = getattr(request, "_cache_deps", None)
    if deps is not None:
        deps.update(keys)


def depends_on_articles(request, articles, *, full=False):
    """Note every story in `articles` as a card shows it (section, byline, picture); `full`: tags too.

    The bylines (and with `full` the tags) must be prefetched, as every listing does: no query here.
    """
    deps = getattr(request, "_cache_deps", None)
    if deps is None:
        return
    for article in articles:
        deps.add(f"article-{article.pk}")
        deps.add(f"section-{article.section_id}")
        if article.lead_image_id:
            deps.add(f"image-{article.lead_image_id}")
        deps.update(f"author-{link.author_id}" for link in article.article_authors.all())
        if full:  # and what only the story in full shows: body, corrections, tags, caption and credit
            deps.add(f"article-{article.pk}-page")
            deps.update(f"tag-{tag.pk}" for tag in article.tags.all())
            if article.lead_image_id:
                deps.add(f"image-{article.lead_image_id}-page")


def expires_at(request, moment):
    """The page stops being right at `moment` (e.g. a story leaving the news sitemap's 48 hours)."""
    if moment is not None and hasattr(request, "_cache_until"):
        request._cache_until = min(request._cache_until, moment)


def listing_keys(article_state):
    """The listings a story with this state appears on: home, latest, its section, tags, authors, archives."""
    day = article_state["publication_date"]
    keys = {
        "list-home",
        "list-latest",
        "list-search",
        "list-authors",
        "list-sitemap",
        "list-news-sitemap",
        "frag-latest",
        f"list-section-{article_state['section_id']}",
    }
    if day is not None:
        keys |= {f"list-archive-{day:%Y}", f"list-archive-{day:%Y-%m}", f"list-archive-{day:%Y-%m-%d}"}
    keys |= {f"list-tag-{pk}" for pk in article_state.get("tag_ids", ())}
    keys |= {f"list-author-{pk}" for pk in article_state.get("author_ids", ())}
    return keys


# Tokens -----------------------------------------------------------------------------------------------


def read_tokens(keys):
    """{key: token or None} in one round trip."""
    found = cache.get_many([TOKEN + key for key in keys])
    return {key: found.get(TOKEN + key) for key in keys}


def write_tokens(*, soft=(), hard=()):
    """Give the keys new tokens (one round trip). Hard wins over soft for a key in both."""
    hard = set(hard)
    soft = set(soft) - hard
    if not soft and not hard:
        return
    values = {TOKEN + key: _new_token(hard=False) for key in soft}
    values |= {TOKEN + key: _new_token(hard=True) for key in hard}
    if hard:
        values[TOKEN + HARD_SEQ] = _new_token(hard=True)
    number = _next_change_number()
    cache.set_many(values, timeout=None)
    if number is not None:
        # After the tokens: a worker that reads the record knows they are written.
        keys = tuple(sorted(soft | hard))
        cache.set(f"{CHANGE}{number}", keys, timeout=CHANGE_LOG_SECONDS)
        _announce(" ".join([str(number), *keys]))
    else:
        _announce(RECHECK)


def _next_change_number():
    try:
        return cache.incr(COUNTER)
    except ValueError:  # the first change (or the shared cache was flushed, or is away)
        _start_epoch()
        try:
            return cache.incr(COUNTER)
        except ValueError:
            return None


def _start_epoch():
    cache.add(EPOCH, _new_token(hard=False), timeout=None)
    # From a random number: a worker that hears change numbers from a new epoch (the shared cache was flushed)
    # cannot mistake them for ones it has already seen (_ChangeFeed).
    cache.add(COUNTER, secrets.randbelow(1 << 40) << 16, timeout=None)


# What this worker knows of the changes: every change up to `known` has been read (its keys are in `deltas`).
_changes = {"epoch": None, "known": None, "deltas": OrderedDict()}
_changes_lock = threading.Lock()


def _sync(counter, epoch):
    """Read the changes made since this worker last looked (one MGET), in order, as far as they are written."""
    if counter == _changes["known"] and epoch == _changes["epoch"]:
        return  # nothing new: most hits
    with _changes_lock:
        state = _changes
        if epoch != state["epoch"] or state["known"] is None or counter < state["known"]:
            state.update(epoch=epoch, known=counter)
            state["deltas"].clear()
            clear_local_memory()  # nothing this worker holds can be vouched for in a new epoch
            return
        if counter == state["known"]:
            return
        numbers = range(state["known"] + 1, counter + 1)
        if len(numbers) > CHANGE_HISTORY:
            state["deltas"].clear()
            numbers = numbers[-CHANGE_HISTORY:]
        records = cache.get_many([f"{CHANGE}{number}" for number in numbers])
        for number in numbers:
            keys = records.get(f"{CHANGE}{number}")
            if keys is None:
                break  # not written yet: the next request reads it
            state["deltas"][number] = frozenset(keys)
            state["known"] = number
        while len(state["deltas"]) > CHANGE_HISTORY:
            state["deltas"].popitem(last=False)


def sync_changes():
    """Read the changes made since this process last looked (one round trip, more when there are some)."""
    found = cache.get_many([COUNTER, EPOCH])
    if found.get(COUNTER) is not None and found.get(EPOCH) is not None:
        _sync(found[COUNTER], found[EPOCH])


def _announce(message):
    """Tell every worker's change feed (below) at once; a cache without publish/subscribe has no feed."""
    publish = getattr(cache, "publish", None)
    if publish is not None:
        publish(FEED, message)


class _ChangeFeed:
    """What this worker hears of changes as they are made, so that a hit needs no round trip to learn of them.

    Each change (write_tokens) is also published on FEED with its number and keys. A worker subscribes once;
    on a hit it reads whatever has arrived on that connection (a poll of its socket, no round trip), and a
    change numbered one after the last it knows goes straight into `_changes`. Anything it cannot account for
    (a gap in the numbers, numbers from another epoch, a lost connection, a change of schedule, or
    FEED_RECHECK seconds since it last asked) sends the hit to the shared cache as before (one MGET), so the
    feed only ever saves round trips. A takedown is published before the editor's save returns, so the next
    request anywhere hears of it.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = None

    def _start(self):
        self._pid = os.getpid()  # a connection is never shared with a forked child
        self._pubsub = self._poller = None
        self._retry_at = 0.0
        self._checked_at = None  # when the shared cache was last asked, while the feed was listening
        self._counter = None  # the latest change number it said then
        self._schedule = None

    def current(self):
        """{COUNTER, EPOCH, SCHEDULE_KEY} as of now without a round trip, or None: ask the shared cache."""
        if not settings.PAGE_CACHE_CHANGE_FEED or not self._lock.acquire(blocking=False):
            return None
        try:
            if self._pid != os.getpid():
                self._start()
            if self._pubsub is None:
                self._listen()
                return None
            try:
                self._read()
            except (RedisError, OSError, ValueError) as exc:
                logger.warning("Change feed lost (%s); asking the shared cache until it is back", exc)
                self._close()
                return None
            state = _changes
            if (
                self._checked_at is None
                or time.monotonic() - self._checked_at > FEED_RECHECK
                or state["known"] is None
                or state["known"] < self._counter
            ):
                return None
            return {COUNTER: state["known"], EPOCH: state["epoch"], SCHEDULE_KEY: self._schedule}
        finally:
            self._lock.release()

    def checked(self, found):
        """The shared cache was just asked (and `_sync` has read what it said)."""
        with self._lock:
            if self._pid == os.getpid() and self._pubsub is not None:
                self._checked_at = time.monotonic()
                self._counter = found[COUNTER]
                self._schedule = found.get(SCHEDULE_KEY)

    def restart(self):
        """Settings changed (tests): drop the subscription; the next hit subscribes again where they say."""
        with self._lock:
            if self._pid == os.getpid() and self._pubsub is not None:
                self._close()
            self._pid = None

    def forget(self):
        self._checked_at = None  # (no lock: _sync calls this holding _changes_lock, which _read takes inside it)

    def _listen(self):
        if time.monotonic() < self._retry_at:
            return
        self._retry_at = time.monotonic() + FEED_RETRY
        subscribe = getattr(cache, "subscribe", None)
        pubsub = subscribe(FEED) if subscribe is not None else None
        if pubsub is None:
            return
        self._pubsub, self._socket = pubsub, pubsub.connection._sock
        self._poller = select.poll()
        self._poller.register(self._socket, select.POLLIN)
        self._checked_at = None  # what was said before the subscription: ask

    def _read(self):
        if not self._poller.poll(0):
            return  # nothing has arrived: most hits
        while (message := self._pubsub.get_message(ignore_subscribe_messages=True)) is not None:
            number, *keys = message["data"].decode().split(" ")
            if number == RECHECK:
                self._checked_at = None
                continue
            number = int(number)
            with _changes_lock:
                state = _changes
                if state["known"] is not None and number == state["known"] + 1:
                    state["deltas"][number] = frozenset(keys)
                    state["known"] = number
                    if len(state["deltas"]) > CHANGE_HISTORY:
                        state["deltas"].popitem(last=False)
                elif number not in state["deltas"]:  # (those it has: heard again, read meanwhile by _sync)
                    self._checked_at = None  # a gap, or another epoch
        if self._pubsub.connection is None or self._pubsub.connection._sock is not self._socket:
            raise OSError("the connection was made again; changes may have been missed")

    def _close(self):
        try:
            self._pubsub.close()
        except Exception:  # already broken: only the file descriptor matters
            pass
        self._pubsub = self._poller = None
        self._checked_at = None
        self._retry_at = time.monotonic() + FEED_RETRY


_feed = _ChangeFeed()


@receiver(setting_changed)
def _cache_settings_changed(setting, **kwargs):
    if setting in ("CACHES", "PAGE_CACHE_CHANGE_FEED"):
        _feed.restart()


def _still_fresh(item):
    """True when `item` was fresh as of a change this worker knows and no change since touched its keys."""
    state = _changes
    validated, known = item.get("validated"), state["known"]
    if validated is None or item.get("epoch") != state["epoch"] or known is None:
        return False
    if validated >= known:
        return True
    deltas = state["deltas"]
    if validated + 1 not in deltas:
        return False  # further back than this worker remembers
    keys = item.get("key_set")
    if keys is None or any(not deltas[number].isdisjoint(keys) for number in range(validated + 1, known + 1)):
        return False
    item["validated"] = known
    return True


def _known():
    """The last change this worker has read (its number and epoch). Taken *before* reading tokens to vouch for
    an entry: a change's record is written after its tokens, so every change up to it is in what is read then.
    (Taken after, another thread may have read a change whose tokens came too late for that read.)"""
    return _changes["known"], _changes["epoch"]


def _vouch(item, known):
    """`item` was just found fresh against tokens read after every change up to `known` (from _known())."""
    item["validated"], item["epoch"] = known


# Entries this worker found stale while another worker (or the renderer) renders them again: key → (the
# entry's id, the change it was checked against, when to look again, the render lock's holder). Until then a
# hit serves that copy without asking the shared cache about it again, so a stale copy costs a reader no more
# than a fresh one; any change this worker hears of meanwhile (a takedown, say) ends it at once.
_rendering_elsewhere = {}
STALE_RECHECK = 0.02  # seconds between a worker's looks for the new copy of an entry being rendered elsewhere


def _stale_while_rendered(key, item, known, holder=None):
    """`item` (under `key`) was found stale, against tokens read after every change up to `known`, and is
    being rendered again elsewhere: serve it as it is until STALE_RECHECK has passed or a change arrives.
    `holder`: the render lock's value (this worker's own claim), else read here."""
    holder = holder if holder is not None else cache.get(f"lock:{key}")
    if holder is not None:  # (None: that render is over already; the next hit looks afresh)
        _rendering_elsewhere[key] = (item["id"], known, time.monotonic() + STALE_RECHECK, holder)


def _still_rendered_elsewhere(key, item):
    """True while `item` is the stale copy noted by _stale_while_rendered and its render is still under way.

    Until STALE_RECHECK has passed, nobody is asked; then only whether the same render still holds the lock (a
    small round trip, not the entry's tokens nor its new copy). No new change has reached this worker meanwhile,
    so the copy is still a soft one. Once that lock is gone (released by the render, or run out) or held by
    another render (the first one's copy was stale at once, and is being rendered again), the entry is looked
    at afresh and the newest copy taken.
    """
    memo = _rendering_elsewhere.get(key)
    if memo is None:
        return False
    if memo[0] == item["id"] and memo[1] == _known():
        now = time.monotonic()
        if now < memo[2]:
            return True
        if cache.get(f"lock:{key}") == memo[3]:
            _rendering_elsewhere[key] = (*memo[:2], now + STALE_RECHECK, memo[3])
            return True
    del _rendering_elsewhere[key]
    return False


def invalidate_all():
    """Make every cached page and fragment stale and never served again. For bulk writes that send no
    signals (`QuerySet.update()`, `bulk_create()`); saves and deletes invalidate exactly by themselves."""
    from . import httpcache

    write_tokens(hard=[ALL])
    httpcache.purge(hard=[ALL])


def _staleness(stored, current):
    state = FRESH
    for key, token in stored:
        now = current.get(key)
        if now == token:
            continue
        if now is None or now[0] == "h":
            return HARD
        state = SOFT
    return state


def _ensure_tokens(current, keys):
    """Keys never seen before get a first token; `add`, so a change that lands meanwhile is not undone."""
    for key in keys:
        if current.get(key) is None:
            cache.add(TOKEN + key, _new_token(hard=False), timeout=None)
    missing = [key for key in keys if current.get(key) is None]
    if missing:
        current.update(read_tokens(missing))
    return current


# Time: scheduled stories and embargoes ------------------------------------------------------------------


def next_scheduled_change(now):
    """The next moment a published article becomes visible (its time or its embargo arrives), or None."""
    from django.db.models import Min, Q

    from .models import Article

    found = Article.objects.scheduled().aggregate(
        publication=Min("published_at", filter=Q(published_at__gt=now)),
        embargo=Min("embargo_until", filter=Q(embargo_until__gt=now)),
    )
    times = [moment for moment in found.values() if moment is not None]
    return min(times) if times else None


def schedule_changed(moment):
    """A story was scheduled or embargoed until `moment`: make sure the clock wakes up for it."""
    current = cache.get(SCHEDULE_KEY)
    if current is not None and (current[0] is None or moment < current[0]):
        cache.set(SCHEDULE_KEY, (moment,), timeout=SCHEDULE_RECHECK)
        _announce(RECHECK)


def _next_change(now):
    """The next moment a scheduled story comes due, or a day from now when none is known (as without a
    shared cache, where pages are not kept and CDNs keep them at most PAGE_CDN_MAX_AGE)."""
    value = cache.get(SCHEDULE_KEY) if page_cache_enabled() else None
    return (value[0] if value else None) or now + datetime.timedelta(days=1)


def _due(now, value):
    """True when the clock must run: a scheduled moment has come, or the next one is not known."""
    return value is None or (value[0] is not None and value[0] <= now)


def _schedule(now, value):
    """Run the clock when a scheduled moment has come (or is unknown); True when it changed tokens."""
    if not _due(now, value):
        return False
    # One worker handles it; the others go on with what they have (it takes a few milliseconds).
    if not cache.add("lock:schedule", 1, timeout=10):
        return False
    try:
        return _tick(now)
    finally:
        cache.delete("lock:schedule")


# Sent by the clock with `article_ids`: stories that became visible with no save (their time came, or their
# embargo lifted). The content API's webhooks listen (api/signals.py) and only enqueue a job.
stories_came_due = Signal()


def _tick(now):
    """Treat each story whose time or embargo came since the last tick as a publication."""
    from django.db.models import F, Q

    from . import httpcache
    from .invalidation import publication_keys
    from .models import Article

    last = cache.get(SCHEDULE_LAST)
    soft = set()
    if last is not None:
        # Stories saved after they became visible were handled by their save (articles/invalidation.py).
        came_due = Article.objects.published().filter(
            Q(published_at__gt=last, modified_at__lt=F("published_at"))
            | Q(embargo_until__gt=last, modified_at__lt=F("embargo_until"))
        )
        due_ids = []
        for article in came_due:
            soft |= publication_keys(article)
            due_ids.append(article.pk)
        if due_ids:
            stories_came_due.send(sender=Article, article_ids=due_ids)
    if soft:
        write_tokens(soft=soft)
        httpcache.purge(soft=soft)
    cache.set(SCHEDULE_LAST, now, timeout=None)
    cache.set(SCHEDULE_KEY, (next_scheduled_change(now),), timeout=SCHEDULE_RECHECK)
    _announce(RECHECK)
    return bool(soft)


# Cached values shared by many renders (navigation, counts) ----------------------------------------------


def cached_value(name, keys, build):
    """`build()`, kept in the shared cache until one of `keys` changes (one round trip to check)."""
    if not page_cache_enabled():
        return build()
    keys = (ALL, *keys)
    found = cache.get_many([f"value:{name}", *(TOKEN + key for key in keys)])
    entry = found.get(f"value:{name}")
    current = {key: found.get(TOKEN + key) for key in keys}
    if entry is not None and _staleness(entry[1], current) == FRESH:
        return entry[0]
    current = _ensure_tokens(current, keys)
    value = build()
    cache.set(f"value:{name}", (value, tuple(current.items())), timeout=settings.PAGE_CACHE_SECONDS)
    return value


class CountCachingPaginator(Paginator):
    """Counts a listing once per change to it (COUNT(*) over 100,000 rows is the slow part of a page)."""

    def __init__(self, *args, count_key=None, deps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.deps = deps

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        return cached_value(f"count:{self.count_key}", self.deps, lambda: Paginator.count.func(self))


# Fragments: the masthead and the Latest box ---------------------------------------------------------------


def local_midnight(now, *, days=1):
    """The next midnight in the newsroom's time zone (`days` later)."""
    local_day = timezone.localdate(now) + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(local_day, datetime.time.min))


def render_masthead(current, request=None, *, search_query=""):
    """The masthead's HTML and dependency keys (a shared fragment; with a search query, the search page's own)."""
    from .views import active_sections, navigation_sections

    # The page being rendered may have read the navigation already (the home page's section blocks do).
    sections = active_sections(request) if request is not None else navigation_sections()
    html = render_to_string(
        "includes/masthead.html",
        {
            "NEWSROOM_NAME": settings.NEWSROOM_NAME,
            "today": timezone.localdate(),
            "nav_sections": sections,
            "current": current,
            "search_query": search_query,
        },
    )
    return html, {"frag-nav", *(f"section-{section.pk}" for section in sections)}


LATEST_BOX_SIZE = 6


def _render_latest(_param, _request=None):
    from .models import Article

    newest = list(
        Article.objects.published()
        .only("headline", "slug", "published_at", "publication_date")
        .order_by("-published_at", "-id")[:LATEST_BOX_SIZE]
    )
    html = render_to_string("articles/includes/latest_box.html", {"latest_articles": newest})
    return html, {"frag-latest", *(f"article-{article.pk}" for article in newest)}


FRAGMENTS = {"masthead": render_masthead, "latest": _render_latest}


def fragment_param(name, request):
    """The one thing a fragment varies by: the masthead marks the page it is on, when that is in the nav."""
    return request.path if name == "masthead" and _in_navigation(request.path) else ""


def _in_navigation(path):
    """The pages the navigation marks as current: home and the sections."""
    return path == "/" or re.fullmatch(r"/section/[-\w]+/", path) is not None


def fragment_slot(request, name):
    """What goes where a shared fragment belongs: a marker in a page being cached (assembled on the way
    out), an `<esi:include>` for an HTTP cache that assembles pages, or else the fragment itself."""
    param = fragment_param(name, request)
    if getattr(request, "_cache_markers", False):
        request._cache_fragments = True
        return mark_safe(f"<!--newsroom-fragment:{name}:{param}-->")
    if getattr(request, "_cache_deps", None) is not None and wants_esi(request):
        request._cache_esi = True
        return mark_safe(_esi_include(name, param)["html"].decode())
    fragment = get_fragment(name, param, timezone.now(), request=request)
    depends_on(request, *fragment["keys"])  # rendered into a public page: it shows what the fragment shows
    expires_at(request, fragment["http_until"])
    return mark_safe(fragment["html"].decode())


_local_fragments = {}


def get_fragment(name, param, now, request=None, *, synced=False):
    """The fragment's entry: fresh, or stale while it is rendered again (by another worker, or in the
    background here when `synced`, i.e. on a reader's hit); a takedown's is rendered at once."""
    return _fragment(name, param, now, request, synced=synced)[0]


def _fragment(name, param, now, request=None, *, synced=False):
    """get_fragment's entry, and whether it is fresh (False: a stale copy, served while it is rendered again)."""
    key = f"fragment:{name}:{param}"
    if not page_cache_enabled():
        return _build_fragment(name, param, now, None, request), True
    if not synced:
        sync_changes()
    entry = _local_fragments.get(key)
    if entry is not None and _still_rendered_elsewhere(key, entry):
        return entry, False
    known = _known()
    state = _fragment_state(entry, now) if entry is not None else None
    if state != FRESH:
        newer = cache.get(key)  # another worker may have rendered it again already
        if newer is not None and (entry is None or newer["id"] != entry["id"]):
            entry, state = newer, _fragment_state(newer, now)
    claimed = False
    if entry is not None:
        if state == FRESH or (state == SOFT and not (claimed := _claim(key))):
            _local_fragments[key] = entry
            if state != FRESH:
                _stale_while_rendered(key, entry, known)
            return entry, state == FRESH
        if state == SOFT and synced and settings.PAGE_CACHE_BACKGROUND_REFRESH:
            if not renderer.submit("fragment", name, param, key):
                _submit(refresh_fragment, name, param, key)
            _local_fragments[key] = entry
            _stale_while_rendered(key, entry, known, claimed)
            return entry, False
    try:
        return _build_fragment(name, param, now, key, request), True
    finally:
        if claimed:
            cache.delete(f"lock:{key}")


def _fragment_state(entry, now):
    state = FRESH
    if not _still_fresh(entry):
        known = _known()
        state = _staleness(entry["tokens"], read_tokens([key for key, _token in entry["tokens"]]))
        if state == FRESH:
            _vouch(entry, known)
    return max(state, SOFT) if entry["until"] <= now else state


def refresh_fragment(name, param, key):
    close_old_connections()
    try:
        _build_fragment(name, param, timezone.now(), key)
    except Exception:  # a background job: nobody else would ever hear of it
        logger.exception("Rendering the %s fragment again in the background failed", name)
    finally:
        cache.delete(f"lock:{key}")
        _release_connections()


def _build_fragment(name, param, now, key, request=None):
    before = _before_render() if key else None
    # A fragment may also say when it stops being right (`ends`: a banner's expiry, for HTTP caches too) and
    # when to render it again here (`renew`: the Most read box, each minute), as a third and fourth item.
    html, keys, *times = FRAGMENTS[name](param, request)
    ends, renew = [*times, None, None][:2]
    until = http_until = min(local_midnight(now), now + _lifetime(), *([ends] if ends else []))
    if _changes_with_schedule(keys):
        http_until = min(until, _next_change(now))
    until = min(until, renew) if renew else until
    previous = _local_fragments.get(key) if key else None
    entry = {
        "html": html.encode(),
        "id": secrets.token_hex(4),
        "keys": sorted(keys),
        "until": until,
        "http_until": http_until,
        "last_modified": _last_modified(now, previous),
    }
    if key and _store(key, entry, keys, before, now):
        _local_fragments[key] = entry
    return entry


# Readers' pages: looking up, assembling, storing ------------------------------------------------------------


class _LocalPages:
    """The most recently served pages of this worker, so a hit need not fetch ~40 kB from Redis each time.

    Bounded (LRU, PAGE_CACHE_LOCAL_ENTRIES), so a worker's memory stays flat; every use checks the entry's
    tokens in the shared cache first, so they are exactly as fresh as the shared entries.
    """

    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key):
        return key in self._entries

    def __len__(self):
        return len(self._entries)

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

    def discard(self, key):
        with self._lock:
            self._entries.pop(key, None)

    def clear(self):
        with self._lock:
            self._entries.clear()


_local_pages = _LocalPages()


def clear_local_memory():
    """Forget what this worker holds in memory (tests, and a worker that has seen a flush)."""
    _local_pages.clear()
    _local_fragments.clear()
    _rendering_elsewhere.clear()
    _feed.forget()


def is_reader_request(request):
    """Anonymous GET or HEAD: the only requests whose pages are shared between people."""
    if request.method not in ("GET", "HEAD"):
        return False
    # Without a session cookie there is no user to load: no query on the fast path.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return not (user and user.is_authenticated)


def wants_esi(request):
    """An HTTP cache in front that assembles Edge Side Includes (it says so in Surrogate-Capability)."""
    return settings.HTTP_CACHE_ESI and "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


def _page_key(request):
    # Only requests whose parameters are all ones the view depends on are cached (reader_page), so the
    # parameters in name order are the same key for the same page, whichever way round they came.
    query = urlencode([(name, value) for name in sorted(request.GET) for value in request.GET.getlist(name)])
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}|{int(wants_esi(request))}"
    return f"page:v2:{hashlib.sha1(address.encode()).hexdigest()}"


def _claim(key):
    """One worker re-renders a stale entry; the others may serve the stale copy until it is done.
    The lock's value (which render holds it), or None when another worker holds it."""
    holder = secrets.token_hex(4)
    return holder if cache.add(f"lock:{key}", holder, timeout=settings.PAGE_CACHE_STALE_SECONDS) else None


class _Lookup:
    """What a lookup found: `response` to send, or the key (and whether a lock was taken) for the render."""

    def __init__(self, key, response=None, *, entry=None, claimed=False, available=True):
        self.key, self.response, self.entry, self.claimed, self.available = key, response, entry, claimed, available


def _lookup(request, key, now, entry=None, *, shared=False):
    """Serve the stored page when it is fresh, or stale while another worker renders it; else say render.

    `shared`: `entry` was just read from the shared cache (not this worker's memory).
    A hit costs one small round trip: the change sequence (and the clock). Only when the sequence moved since
    this worker last checked an entry are the entry's (and its fragments') key tokens read, in one more.
    """
    if entry is None:
        entry = _local_pages.get(key)
    found = _feed.current()
    if found is None or _due(now, found[SCHEDULE_KEY]):
        found = _ask_for_changes(now)
        if found is None:
            return _Lookup(key, available=False)
    request._cache_next_change = (found.get(SCHEDULE_KEY) or (None,))[0]
    if entry is None:
        return _Lookup(key)
    fragments = {}
    if not entry["esi"]:
        for name, param in entry["fragments"]:
            fragment_key = f"fragment:{name}:{param}"
            fragments[name, param] = _local_fragments.get(fragment_key) or cache.get(fragment_key)
    known = _known()  # before any tokens are read (see _known)
    # Stale copies this worker already knows are being rendered again elsewhere: served as they are.
    elsewhere = {id(entry)} if _still_rendered_elsewhere(key, entry) else set()
    for (name, param), fragment in fragments.items():
        if fragment is not None and _still_rendered_elsewhere(f"fragment:{name}:{param}", fragment):
            elsewhere.add(id(fragment))
    checked = [item for item in (entry, *fragments.values()) if item is not None and id(item) not in elsewhere]
    # Only entries that a change this worker has not checked them against may have touched: their tokens.
    states = dict.fromkeys(map(id, checked), FRESH) | dict.fromkeys(elsewhere, SOFT)
    unsure = [item for item in checked if not _still_fresh(item)]
    if unsure:
        current = read_tokens({k for item in unsure for k, _t in item["tokens"]})
        for item in unsure:
            states[id(item)] = _staleness(item["tokens"], current)
            if states[id(item)] == FRESH:
                _vouch(item, known)

    def state_of(item):
        state = states[id(item)]
        return max(state, SOFT) if item["until"] <= now else state

    state = state_of(entry)
    if id(entry) not in elsewhere:  # (else: no questions until STALE_RECHECK has passed, or a change arrives)
        if state != FRESH and not shared:
            # Another worker may have rendered it again already: take its copy rather than render it twice.
            newer = cache.get(key)
            if newer is not None and newer["id"] != entry["id"]:
                found = _lookup(request, key, now, newer, shared=True)
                if found.response is not None:
                    _local_pages.put(key, newer)
                return found
        claimed = None
        if state == HARD or (state == SOFT and (claimed := _claim(key))):
            if state == HARD or not settings.PAGE_CACHE_BACKGROUND_REFRESH:
                return _Lookup(key, entry=entry, claimed=claimed)
            _refresh_in_background(request, key, entry)  # and this reader, too, gets the previous copy
            _stale_while_rendered(key, entry, known, claimed)
        elif state == SOFT:
            _stale_while_rendered(key, entry, known)  # another worker holds its lock
    parts, fresh = [], state == FRESH
    for name, param in entry["fragments"]:
        if entry["esi"]:
            parts.append(_esi_include(name, param))
            continue
        fragment = fragments[name, param]
        if fragment is not None and id(fragment) in elsewhere:
            fresh = False
        elif fragment is None or state_of(fragment) != FRESH:
            fragment, fragment_fresh = _fragment(name, param, now, synced=True)
            fresh = fresh and fragment_fresh
        else:
            _local_fragments[f"fragment:{name}:{param}"] = fragment  # read from Redis once, not on every hit
        parts.append(fragment)
    return _Lookup(key, _respond(request, entry, parts, now, hit=True, stale=not fresh))


def _ask_for_changes(now):
    """The latest change's number, the epoch and the schedule, from the shared cache (one round trip, or more
    when the clock runs); what this worker has not heard of yet is read (`_sync`). None: the cache is away."""
    found = cache.get_many([COUNTER, EPOCH, SCHEDULE_KEY])
    if found.get(COUNTER) is None or found.get(EPOCH) is None:
        # First use, a flushed cache, or the shared cache is away.
        _start_epoch()
        found = cache.get_many([COUNTER, EPOCH, SCHEDULE_KEY])
        if found.get(COUNTER) is None or found.get(EPOCH) is None:
            return None
    if _schedule(now, found.get(SCHEDULE_KEY)):
        found = cache.get_many([COUNTER, EPOCH, SCHEDULE_KEY])
    _sync(found[COUNTER], found[EPOCH])
    _feed.checked(found)
    return found


_refresher = None
_refresher_lock = threading.Lock()
REFRESH_SWITCH_INTERVAL = 0.0005  # seconds


def _refresh_in_background(request, key, entry):
    """Render a stale page again off the request path (this worker holds its render lock): in the renderer
    process where there is one (articles/renderer.py), else in this worker's background thread."""
    environ = renderer.request_environ(request.META)
    previous = {"last_modified": entry["last_modified"]}
    if not renderer.submit("page", environ, key, previous):
        _submit(refresh_page, environ, key, previous)


def _submit(job, *args):
    global _refresher
    with _refresher_lock:
        if _refresher is None:  # made in the serving process, after gunicorn forks its workers
            _refresher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-refresh")
            # While that thread renders, the serving thread waits for the GIL after each Redis round trip, up
            # to a switch interval each time (5 ms by default): hand it over sooner (measured: news-day step).
            sys.setswitchinterval(min(sys.getswitchinterval(), REFRESH_SWITCH_INTERVAL))
    _refresher.submit(job, *args)


def refresh_page(environ, key, previous):
    """Render the page a reader asked for (`environ`, without cookies) again and store it under `key`;
    `previous`: the stale copy's `last_modified`."""
    from django.core.handlers.wsgi import WSGIRequest
    from django.http import Http404
    from django.urls import resolve

    close_old_connections()
    try:
        request = WSGIRequest({**environ, "wsgi.input": io.BytesIO(b"")})
        request._page_cache_refresh = previous
        request.resolver_match = match = resolve(request.path_info)
        response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 200:
            _forget(key)  # it moved or is gone: the next reader gets the answer from the view itself
    except Http404:
        _forget(key)
    except Exception:  # a background job: nobody else would ever hear of it
        logger.exception("Rendering %s again in the background failed", environ["PATH_INFO"])
        _forget(key)
    finally:
        cache.delete(f"lock:{key}")
        _release_connections()


# The renderer process (articles/renderer.py) renders one job after another: it keeps its database connection
# (CONN_MAX_AGE applies, checked before each job), as a worker does, rather than make a new one for every job.
KEEP_CONNECTIONS = False


def _release_connections():
    if not KEEP_CONNECTIONS:
        connections.close_all()  # a worker's background thread: renders are rare, an idle connection holds a slot


def _forget(key):
    cache.delete(key)
    _local_pages.discard(key)


def wait_for_refreshes():
    """Block until the background renders queued so far are done (tests)."""
    if _refresher is not None:
        _refresher.submit(lambda: None).result(timeout=30)


def _esi_include(name, param):
    from django.urls import reverse

    src = reverse("articles:fragment", kwargs={"name": name})
    if param:
        src += "?" + urlencode({"current": param})
    return {"html": f'<esi:include src="{src}"/>'.encode(), "id": "esi", "keys": [], "last_modified": 0}


def _respond(request, entry, fragments, now, *, hit, stale=False):
    """The page: its body with the fragments in their places, its validators and its headers.
    `stale`: the page or a fragment is a previous copy, served while it is rendered again."""
    ids = tuple(fragment["id"] for fragment in fragments)
    assembled = entry.get("assembled")
    if assembled is None or assembled[0] != ids:
        # Once per combination of the page and its fragments' current copies, not on every hit.
        chunks = entry["chunks"]
        body = chunks[0] if not fragments else b"".join(_interleave(chunks, [f["html"] for f in fragments]))
        keys = set(entry["keys"])
        if not entry["esi"]:
            for fragment in fragments:
                keys.update(fragment["keys"])
        last_modified = max([entry["last_modified"], *(f["last_modified"] for f in fragments)])
        until = min([entry["http_until"], *(f["http_until"] for f in fragments if "http_until" in f)])
        from . import httpcache

        assembled = entry["assembled"] = (
            ids, body, '"{}"'.format("-".join([entry["id"], *ids])), last_modified, http_date(last_modified),
            until, httpcache.key_header_value(keys),
        )  # fmt: skip
    _ids, body, etag, last_modified, last_modified_text, until, key_header = assembled
    response = HttpResponse(body, content_type=entry["content_type"])
    for header, value in entry["headers"].items():
        response[header] = value
    response["Content-Length"] = str(len(body))  # CommonMiddleware's job, which a hit skips
    response["X-Page-Cache"] = "hit" if hit else "miss"
    if entry["esi"]:
        response["Surrogate-Control"] = 'content="ESI/1.0"'
    response["ETag"] = etag
    response["Last-Modified"] = last_modified_text
    _public_headers(response, (until - now).total_seconds(), stale=stale)
    if key_header:
        response[key_header[0]] = key_header[1]
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


def _interleave(chunks, fragments):
    for chunk, fragment in zip(chunks, fragments, strict=False):
        yield chunk
        yield fragment
    yield chunks[-1]


class ReaderPageCacheMiddleware:
    """Answer anonymous readers' cached pages before the session, CSRF, auth and messages layers run.

    Only requests without a session cookie (nobody logged in) for a page this worker has stored or served
    before are looked up here, so other requests pay no round trip; a hit skips the middleware below this
    one and URL routing, which are most of a hit's cost. Everything else, misses included, goes on to the
    view, whose `reader_page` decorator renders and stores the page (and reuses what was looked up here).
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
            key = request._page_cache_key = _page_key(request)
            if key in _local_pages:
                found = _lookup(request, key, timezone.now())
                if found.response is not None:
                    return found.response
                request._page_cache_lookup = found
        return self.get_response(request)


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
            request._cache_deps = set()
            request._cache_until = timezone.now() + _lifetime()
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
    from . import httpcache

    _public_headers(response, (_http_until(request, now) - now).total_seconds())
    httpcache.add_key_header(response, request._cache_deps)
    if getattr(request, "_cache_esi", False):
        response["Surrogate-Control"] = 'content="ESI/1.0"'
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


def _render_cached(view_func, request, args, kwargs):
    now = timezone.now()
    found = getattr(request, "_page_cache_lookup", None)  # looked up a moment ago by the middleware
    if hasattr(request, "_page_cache_refresh"):  # a background render of a stale page (refresh_page)
        return _render_and_store(
            view_func, request, args, kwargs, _page_key(request), now, request._page_cache_refresh
        )
    if found is None:
        key = getattr(request, "_page_cache_key", None) or _page_key(request)
        entry = cache.get(key)
        found = _lookup(request, key, now, entry, shared=True)
        if found.response is not None:
            if entry is not None:
                _local_pages.put(key, entry)
            return found.response
    if not found.available:
        return _render_uncached(view_func, request, args, kwargs)
    try:
        return _render_and_store(view_func, request, args, kwargs, found.key, now, found.entry)
    finally:
        if found.claimed:
            cache.delete(f"lock:{found.key}")


def _render_and_store(view_func, request, args, kwargs, key, now, found_entry):
    before = _before_render()
    # Markers only while the view renders its own page: an error page rendered later gets the fragments.
    request._cache_markers = True
    try:
        response = view_func(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    finally:
        request._cache_markers = False
    esi = wants_esi(request)
    chunks, fragments = [response.content], []
    if getattr(request, "_cache_fragments", False):
        pieces = MARKER.split(response.content)
        chunks = pieces[::3]
        fragments = [(name.decode(), param.decode()) for name, param in zip(pieces[1::3], pieces[2::3], strict=True)]
    entry = {
        "chunks": chunks,
        "fragments": fragments,
        "esi": esi,
        "content_type": response["Content-Type"],
        "headers": {name: response[name] for name in ("Content-Language", "X-Robots-Tag") if name in response},
        "id": secrets.token_hex(4),
        "keys": sorted(request._cache_deps),
        "until": request._cache_until,
        "http_until": _http_until(request, now),
        "last_modified": _last_modified(now, found_entry),
    }
    storable = _storable(request, response) and _store(key, entry, request._cache_deps, before, now)
    if storable:
        _local_pages.put(key, entry)
    parts, fresh = [], True
    for name, param in fragments:
        if esi:
            parts.append(_esi_include(name, param))
            continue
        fragment, fragment_fresh = _fragment(name, param, now)
        parts.append(fragment)
        fresh = fresh and fragment_fresh
    # (A change that landed while it rendered makes the new copy stale at once, see _store.)
    page = _respond(request, entry, parts, now, hit=False, stale=not fresh or (storable and entry["until"] <= now))
    if not storable:
        del page["X-Page-Cache"]
    return page


def _last_modified(now, previous):
    """Whole seconds, as HTTP dates have them, and always later than the copy this one replaces: a change
    within the same second must still move If-Modified-Since."""
    moment = int(now.timestamp()) + 1
    return max(moment, previous["last_modified"] + 1) if previous is not None else moment


def _http_until(request, now):
    """When an HTTP cache must drop the page: listings also when a scheduled story comes due (which the app's
    own cache learns from its clock, an HTTP cache from nobody)."""
    until = request._cache_until
    if _changes_with_schedule(request._cache_deps):
        next_change = getattr(request, "_cache_next_change", None)
        until = min(until, next_change or _next_change(now))
    return until


def _before_render():
    """What a render is checked against when it is stored: the latest change's number, the takedowns' token."""
    found = cache.get_many([COUNTER, TOKEN + HARD_SEQ])
    return {COUNTER: found.get(COUNTER), HARD_SEQ: found.get(TOKEN + HARD_SEQ)}


def _store(key, entry, keys, before, now):
    """Store `entry` with the tokens its keys have now, unless a takedown landed while it rendered."""
    keys = (ALL, *keys)
    known = _known()
    current = _ensure_tokens(read_tokens([*keys, HARD_SEQ]), keys)
    counter = cache.get(COUNTER)
    if current[HARD_SEQ] != before[HARD_SEQ]:
        return False  # this copy may show a story taken down meanwhile: never keep it
    if counter != before[COUNTER]:
        entry["until"] = entry["http_until"] = now  # a change landed meanwhile: stale at once (served briefly)
    else:
        _vouch(entry, known)  # fresh as of every change this worker had read before the tokens were
    entry["tokens"] = tuple((k, current[k]) for k in keys)
    entry["key_set"] = frozenset(keys)
    timeout = max(1, int((entry["until"] - now).total_seconds()) + settings.PAGE_CACHE_STALE_SECONDS)
    cache.set(key, entry, timeout=timeout)
    return True


def _storable(request, response):
    session = getattr(request, "session", None)
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (session is not None and session.modified):
        return False  # a page that sets a cookie (a CSRF token, a session) belongs to one person
    return "private" not in response.get("Cache-Control", "") and "no-store" not in response.get("Cache-Control", "")


def _finish(request, response, etag, last_modified, until, now, keys, *, stale=False):
    from . import httpcache

    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    _public_headers(response, (until - now).total_seconds(), stale=stale)
    httpcache.add_key_header(response, keys)
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


def _public_headers(response, seconds_left, *, stale=False):
    """Shared caches (a CDN) may keep the page, but never past the moment it stops being right.

    A stale copy (served while it is rendered again) is kept STALE_HTTP_SECONDS at most: an HTTP cache that
    revalidates after a purge must not take it, or a 304 to it, as good for the page's whole lifetime.
    """
    if stale:
        patch_cache_control(response, public=True, max_age=0, s_maxage=STALE_HTTP_SECONDS)
        patch_vary_headers(response, ["Cookie"])
        return
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


# The fragments' own address, for HTTP caches that assemble pages with ESI ---------------------------------------


def fragment_view(request, name):
    """`/_esi/<name>/`: one shared fragment, with its own keys and lifetime."""
    from django.http import Http404

    if name not in FRAGMENTS or request.method not in ("GET", "HEAD"):
        raise Http404("No such fragment.")
    param = request.GET.get("current", "")
    if param and not _in_navigation(param):
        raise Http404("No such fragment.")
    now = timezone.now()
    fragment, fresh = _fragment(name, param, now)
    response = HttpResponse(fragment["html"], content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return _finish(request, response, f'"{fragment["id"]}"', fragment["last_modified"],
                   fragment["http_until"], now, fragment["keys"], stale=not fresh)  # fmt: skip
