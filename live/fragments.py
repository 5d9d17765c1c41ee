"""The banner and the Most read box: shared fragments of every page (articles/cache.py, FRAGMENTS).

A fragment is rendered once and kept under its dependency keys, then joined into cached pages on each hit
(or left to the HTTP cache as ESI), so setting a banner or a minute's new counts re-render no page.
"""

import datetime
import functools
import operator

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import Article

from .counting import counter


def render_banner(_param, _request=None):
    """The active banner, if any; it stops being right at its expiry (no save needed to take it down)."""
    from .models import Banner

    now = timezone.now()
    banner = Banner.objects.showing(now).first()
    html = render_to_string("live/banner.html", {"banner": banner}) if banner else ""
    return html, {"frag-banner"}, banner.expires_at if banner else None


def parse_path(path):
    """`/2024/03/05/slug/` → (date, slug), or None."""
    try:
        year, month, day, slug = path.strip("/").split("/")
        return datetime.date(int(year), int(month), int(day)), slug
    except ValueError:
        return None


def articles_for_paths(paths, fields=("headline", "slug", "published_at", "publication_date")):
    """{path: published article} for the article addresses in `paths`, in one query."""
    wanted = {parsed: path for path in paths if (parsed := parse_path(path))}
    if not wanted:
        return {}
    match = functools.reduce(operator.or_, (Q(publication_date=day, slug=slug) for day, slug in wanted))
    found = Article.objects.published().filter(match).only(*fields)
    return {wanted[article.publication_date, article.slug]: article for article in found}


def most_read(now=None):
    """[(article, views)]: the published stories read most in the last MOST_READ_HOURS hours."""
    size = settings.MOST_READ_SIZE
    # Some counted paths may be unpublished since: ask for more than are shown.
    ranked = counter().totals(settings.MOST_READ_HOURS, limit=size * 3, now=now)
    articles = articles_for_paths([path for path, _views in ranked])
    return [(articles[path], views) for path, views in ranked if path in articles][:size]


def render_most_read(_param, _request=None):
    """Refreshed at most once every MOST_READ_REFRESH_SECONDS (a minute): no change bumps it, time does."""
    now = timezone.now()
    items = most_read()
    html = (
        render_to_string("live/most_read.html", {"items": items, "hours": settings.MOST_READ_HOURS}) if items else ""
    )
    keys = {"frag-mostread", *(f"article-{article.pk}" for article, _views in items)}
    # Renewed here each minute, but no reason for an HTTP cache to drop pages sooner than it would.
    return html, keys, None, now + datetime.timedelta(seconds=settings.MOST_READ_REFRESH_SECONDS)


def refresh_article_views(now=None):
    """Copy the counts of the last 24 hours and 7 days into ArticleViews (for sorting the admin's list)."""
    from .models import ArticleViews

    day = dict(counter().totals(24, now=now))
    week = dict(counter().totals(168, now=now))
    paths = list(week)
    rows = {}
    for start in range(0, len(paths), 300):  # a bounded OR per query
        for path, article in articles_for_paths(
            paths[start : start + 300], fields=("slug", "publication_date")
        ).items():
            row = rows.setdefault(article.pk, ArticleViews(article_id=article.pk))
            row.last_24h += day.get(path, 0)  # an old and a new address of one story add up
            row.last_7d += week[path]
    ArticleViews.objects.exclude(article_id__in=list(rows)).delete()
    ArticleViews.objects.bulk_create(
        rows.values(), update_conflicts=True, unique_fields=["article"], update_fields=["last_24h", "last_7d"]
    )
    return len(rows)
