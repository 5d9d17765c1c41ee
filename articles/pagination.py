"""Listings that cost the same on page 1 and in the depths of a 100,000-story archive (issue 19).

`/latest/`, sections, tags and authors never count the archive and never skip more than a few pages of rows:

- `?page=N` up to `NUMBERED_PAGES` is read by position (the page's ids, then its rows: one query), fetching
  one story more than it shows to know whether there is an older page;
- a deeper `?page=N` (an old link, a reader typing a number) is redirected once to the same stories' keyset
  address, `?before=<cursor>`; finding it is the only walk past skipped rows, and only ids are read;
- `?before=<cursor>` is the page of stories older than the cursor, `?after=<cursor>` the page just newer than
  it (`?after=start`: the oldest stories). A cursor is a story's place in the order, `<µs since 1970>.<id>`,
  so a page is an index range scan from that place, however deep it is.

Page numbers past the end, malformed cursors and a page with nothing on it are 404s; an `after` page that
reaches the newest stories redirects to page 1. Readers follow "Newer", "Older" and "Oldest" links; with no
count there is no "of M" (a count of the archive per request is what made deep pages slow).
"""

import datetime
import re

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

NUMBERED_PAGES = 10  # `?page=N` is served by position up to here (at most 200 ids skipped at 20 a page)
START = "start"  # `?after=start`: the page just newer than the beginning of time, i.e. the oldest stories
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
CURSOR = re.compile(r"^(-?[0-9]{1,18})\.([0-9]{1,18})$")
PARAMS = ("page", "before", "after")  # the query parameters a listing page depends on (articles/urls.py)


class Redirect(Exception):
    """The page asked for lives at another address (caught by KeysetPaginationMixin.get)."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


def cursor(moment, pk):
    """A story's place in a newest-first listing: its publication time to the microsecond, then its id."""
    delta = moment - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{pk}"


def cursor_of(article):
    return cursor(article.published_at, article.pk)


def parse_cursor(raw):
    """(published_at, id) from a cursor, or a 404 for anything else."""
    match = CURSOR.match(raw) if raw.isascii() else None
    if match is None:
        raise Http404(_("No such page."))
    try:
        moment = EPOCH + datetime.timedelta(microseconds=int(match[1]))
    except OverflowError as exc:
        raise Http404(_("No such page.")) from exc
    return moment, int(match[2])


def older_than(place):
    moment, pk = place
    # The first condition repeats what the second implies so that the database starts its index scan there.
    return Q(published_at__lte=moment) & (Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))


def newer_than(place):
    moment, pk = place
    return Q(published_at__gte=moment) & (Q(published_at__gt=moment) | Q(published_at=moment, pk__gt=pk))


class ListingPage:
    """One page of a listing as templates read it: its stories and where "Newer", "Older" and "Oldest" go."""

    def __init__(self, articles, *, query="", number=None, newer=None, older=None, oldest=None, newest=None):
        self.object_list = articles
        self.query = query  # the page's own query string: `?page=3`, `?before=…` (canonical links), or ""
        self.number = number  # None on keyset pages: where they fall in the listing is not counted
        self.newer_url, self.older_url, self.oldest_url, self.newest_url = newer, older, oldest, newest

    def has_other_pages(self):
        return bool(self.newer_url or self.older_url)

    def has_previous(self):
        return bool(self.newer_url)

    def has_next(self):
        return bool(self.older_url)


class KeysetPaginationMixin:
    """`?page=N` (shallow), `?before=` and `?after=` for a newest-first ListView of articles; no count."""

    paginate_by = settings.ARTICLES_PER_PAGE

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Redirect as redirect:
            return HttpResponseRedirect(redirect.url)

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        given = [name for name in PARAMS if name in self.request.GET]
        if len(given) > 1:
            raise Http404(_("No such page."))
        name = given[0] if given else "page"
        raw = self.request.GET.get(name, "1")
        if name == "page":
            page = self._numbered(queryset, page_size, raw)
        elif name == "before":
            page = self._older(queryset, page_size, parse_cursor(raw))
        else:
            page = self._newer(queryset, page_size, raw)
        if not page.object_list and (name != "page" or page.number > 1 or getattr(self, "empty_is_missing", False)):
            raise Http404(_("No such page.") if name != "page" or page.number > 1 else _("Nothing published here."))
        return None, page, page.object_list, page.has_other_pages()

    # The three ways in --------------------------------------------------------------------------------------

    def _numbered(self, queryset, size, raw):
        if not raw.isascii() or not raw.isdigit() or len(raw) > 7 or int(raw) < 1:
            raise Http404(_("No such page."))
        number = int(raw)
        start = (number - 1) * size
        if number > NUMBERED_PAGES:
            # The story just before the page, and one on it (or the page is past the end): ids only.
            places = list(queryset.values_list("published_at", "pk")[start - 1 : start + 1])
            if len(places) < 2:
                raise Http404(_("No such page."))
            raise Redirect(self._url(before=cursor(*places[0])))
        articles = self._rows(queryset, queryset.values("pk")[start : start + size + 1])
        more = len(articles) > size
        articles = articles[:size]
        if more:
            older = (
                self._url(page=number + 1) if number < NUMBERED_PAGES else self._url(before=cursor_of(articles[-1]))
            )
        else:
            older = None
        newer = None if number == 1 else self._url(page=number - 1)
        oldest = self._url(after=START) if more else None
        query = "" if number == 1 else f"?{urlencode({'page': number})}"
        return ListingPage(articles, query=query, number=number, newer=newer, older=older, oldest=oldest)

    def _older(self, queryset, size, place):
        older = queryset.filter(older_than(place))
        articles = self._rows(queryset, older.values("pk")[: size + 1])
        more = len(articles) > size
        articles = articles[:size]
        if not articles:
            return ListingPage(articles)
        return ListingPage(
            articles,
            query=f"?{urlencode({'before': cursor(*place)})}",
            newer=self._url(after=cursor_of(articles[0])),
            older=self._url(before=cursor_of(articles[-1])) if more else None,
            oldest=self._url(after=START) if more else None,
            newest=self._url(),
        )

    def _newer(self, queryset, size, raw):
        newer = queryset if raw == START else queryset.filter(newer_than(parse_cursor(raw)))
        ids = newer.order_by("published_at", "pk").values("pk")[: size + 1]
        articles = self._rows(queryset, ids)  # newest first
        if not articles and getattr(self, "empty_is_missing", False):
            raise Http404(_("Nothing published here."))
        if len(articles) <= size:
            raise Redirect(self._url())  # these are the newest stories: page 1 shows them
        articles = articles[1:]  # the extra one only said that newer stories exist
        return ListingPage(
            articles,
            query=f"?{urlencode({'after': raw})}",
            newer=self._url(after=cursor_of(articles[0])),
            older=None if raw == START else self._url(before=cursor_of(articles[-1])),
            newest=self._url(),
        )

    # Helpers ------------------------------------------------------------------------------------------------

    @staticmethod
    def _rows(queryset, ids):
        """The stories whose ids the (sliced) subquery finds, in the listing's order, in one query."""
        return list(queryset.filter(pk__in=ids))

    def _url(self, **params):
        """This listing's address with `params` (page 1 is the bare address)."""
        if params.get("page") == 1:
            params = {}
        return self.request.path + (f"?{urlencode(params)}" if params else "")
