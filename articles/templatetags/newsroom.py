import functools

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..cache import depends_on, expires_at, fragment_slot, local_midnight, render_masthead
from ..models import join_names

register = template.Library()


def utc_offset(local):
    """`UTC+04:00` for a local datetime (`UTC+00:00` in UTC, `UTC-03:30` west of it)."""
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


@register.filter
def newsroom_time(value):
    """`12 December 2013 15:50 (UTC+04:00)` in the newsroom's time zone."""
    if not value:
        return ""
    return _newsroom_time(value, timezone.get_current_timezone(), get_language())


@functools.lru_cache(maxsize=4096)
def _newsroom_time(value, zone, language):
    # Listings show dozens of these per page; the zone and language are in the key.
    local = timezone.localtime(value, zone)
    return f"{date_format(local, 'j F Y H:i')} ({utc_offset(local)})"


@register.filter
def iso_time(value):
    """`2013-12-12T15:50:00+04:00` for a `<time datetime>` attribute."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.simple_tag
def timestamp(value, label=""):
    if not value:
        return ""
    if not label:
        return _timestamp(value, timezone.get_current_timezone(), get_language())
    return format_html('{}<time datetime="{}">{}</time>', label, iso_time(value), newsroom_time(value))


@functools.lru_cache(maxsize=4096)
def _timestamp(value, zone, language):
    with timezone.override(zone):
        return format_html('<time datetime="{}">{}</time>', iso_time(value), newsroom_time(value))


@register.simple_tag
def byline(article, links=True):
    """`<p class="byline">By A, B and C; Translated by D</p>`: the same on every page that shows a story.

    A simple tag rather than an inclusion template: listings render dozens per page, and a template per
    byline was a sixth of the home page's time.
    """
    if article.byline_override:
        return format_html('<p class="byline">{}</p>', article.byline_override)
    all_links = article.byline_links()
    if not all_links:
        return ""

    def name(author):
        if links:
            return format_html('<a href="{}" rel="author">{}</a>', author.get_absolute_url(), author.name)
        return conditional_escape(author.name)

    main = [name(link.author) for link in all_links if not link.role]
    parts = []
    if main:
        # Each name is escaped above; the separators are the translations' (trusted, like templates).
        parts.append(format_html("By {}", mark_safe(join_names(main))))
    parts += [format_html("{} {}", link.role, name(link.author)) for link in all_links if link.role]
    return format_html('<p class="byline">{}</p>', mark_safe("; ".join(parts)))  # each part escaped above


@register.simple_tag(takes_context=True)
def latest_box(context):
    """The newest stories: one fragment shared by every page (articles/cache.py)."""
    return fragment_slot(context["request"], "latest")


@register.simple_tag(takes_context=True)
def masthead(context):
    """Date, name, search and navigation: a fragment shared by every page, except on search results (whose
    search box keeps the query)."""
    request = context["request"]
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name != "articles:search":
        return fragment_slot(request, "masthead")
    html, keys = render_masthead("", request, search_query=request.GET.get("q", "")[:200])
    depends_on(request, *keys)
    expires_at(request, local_midnight(timezone.now()))
    return mark_safe(html)  # a rendered template


@register.filter
def with_dateline(body, dateline):
    """Run the dateline into the first paragraph: “BAKU — The council voted…”."""
    body = conditional_escape(body)  # already-safe HTML (the sanitised body) passes through unchanged
    if not dateline:
        return body
    label = format_html('<span class="dateline">{} —</span> ', dateline)
    if body.startswith("<p>"):
        return mark_safe(f"<p>{label}{body[3:]}")  # both parts are escaped or sanitised
    return mark_safe(f"<p>{label}</p>{body}")


@register.filter
def short_time(value):
    """`15:50` today, `26 Nov 15:50` before today (newsroom time zone)."""
    if not value:
        return ""
    return _short_time(value, timezone.localdate(), timezone.get_current_timezone(), get_language())


@functools.lru_cache(maxsize=1024)
def _short_time(value, today, zone, language):
    local = timezone.localtime(value, zone)
    if local.date() == today:
        return date_format(local, "H:i")
    return date_format(local, "j M H:i")


@register.filter
def initials(name):
    """“Səbinə Əliyeva” → “SƏ”: the stand-in for a missing portrait."""
    return "".join(word[0] for word in str(name).split()[:2] if word).upper()
