"""Who has an article open in the admin, kept in the shared cache (Redis in production).

Each open article screen sends a heartbeat every HEARTBEAT_SECONDS; an editor counts as present until
PRESENCE_TIMEOUT has passed without one. A second editor is told who is editing and since when as the
page opens, before they type. This is advice only: the version check on save (the conflict screen)
stays the rule. With the local-memory cache (no REDIS_URL) each process sees only its own visitors.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateformat import format as date_format

from articles.templatetags.newsroom import utc_offset

HEARTBEAT_SECONDS = 20


def _timeout():
    return getattr(settings, "DESK_PRESENCE_TIMEOUT", 60)


def _key(article_id):
    return f"desk:presence:article:{article_id}"


def _current(entries, now):
    limit = now - datetime.timedelta(seconds=_timeout())
    return {uid: entry for uid, entry in (entries or {}).items() if entry["seen"] > limit}


def display_name(user):
    return user.get_full_name() or user.get_username()


def touch(article_id, user, *, now=None):
    """Note that `user` has the article open; return the others who have it open."""
    now = now or timezone.now()
    entries = _current(cache.get(_key(article_id)), now)
    entry = entries.get(user.pk)
    since = entry["since"] if entry else now
    entries[user.pk] = {"name": display_name(user), "since": since, "seen": now}
    # Advisory data: a lost update between two heartbeats is repaired by the next one.
    cache.set(_key(article_id), entries, _timeout() * 2)
    return editors(article_id, exclude=user, now=now, entries=entries)


def leave(article_id, user):
    entries = cache.get(_key(article_id)) or {}
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(article_id), entries, _timeout() * 2)


def editors(article_id, *, exclude=None, now=None, entries=None):
    """[{"name", "since"}] of the people with the article open, longest first, without `exclude`."""
    now = now or timezone.now()
    if entries is None:
        entries = cache.get(_key(article_id))
    current = _current(entries, now)
    if exclude is not None:
        current.pop(exclude.pk, None)
    return sorted(({"name": e["name"], "since": e["since"]} for e in current.values()), key=lambda e: e["since"])


def short_time(value):
    """`14:05 (UTC+04:00)` in the newsroom's time zone (with the day when it is not today)."""
    local = timezone.localtime(value)
    pattern = "H:i" if local.date() == timezone.localdate() else "j F H:i"
    return f"{date_format(local, pattern)} ({utc_offset(local)})"
