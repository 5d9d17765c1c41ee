"""What a live page shows: entries in reading order, the key events, structured data."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from articles import seo
from articles.cache import depends_on

from .invalidation import live_key
from .models import Entry


def entries_of(blog):
    """Pinned entries first, then newest first (one query, authors and images with them)."""
    entries = list(Entry.objects.filter(live_blog=blog).select_related("author", "image")[: settings.LIVE_MAX_ENTRIES])
    return sorted(entries, key=lambda entry: not entry.is_pinned)  # stable: newest first within each group


def note_dependencies(request, blog, entries):
    depends_on(request, live_key(blog.article_id))
    depends_on(request, *(f"author-{entry.author_id}" for entry in entries if entry.author_id))
    depends_on(request, *(f"image-{entry.image_id}" for entry in entries if entry.image_id))


def etag(blog):
    return f'"live-{blog.article_id}-{blog.version}"'


def render_entry(entry, article_url):
    return render_to_string("live/entry.html", {"entry": entry, "article_url": article_url})


def render_key_events(entries):
    return render_to_string("live/key_events.html", {"key_events": [e for e in entries if e.is_key_event]})


def structured_data(article, blog, entries, request):
    """JSON-LD `LiveBlogPosting` (schema.org), with each entry as a `liveBlogUpdate`."""
    url = seo.absolute_url(article.get_absolute_url(), request)
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": f"{url}#live",
        "url": url,
        "headline": article.headline,
        "datePublished": seo.iso(article.published_at),
        "dateModified": seo.iso(max([blog.changed_at, *(entry.edited_at for entry in entries)])),
        "coverageStartTime": seo.iso(blog.coverage_start),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "@id": f"{url}#{entry.anchor}",
                "url": f"{url}#{entry.anchor}",
                "headline": entry.title or strip_tags(entry.body)[:110],
                "datePublished": seo.iso(entry.posted_at),
                "dateModified": seo.iso(entry.edited_at),
                "articleBody": strip_tags(entry.body),
                **({"author": {"@type": "Person", "name": entry.author.name}} if entry.author else {}),
            }
            for entry in entries
        ],
    }
    if blog.coverage_end:
        data["coverageEndTime"] = seo.iso(blog.coverage_end)
    return seo.json_ld(data)


def context_for(article, blog, request):
    entries = entries_of(blog)
    note_dependencies(request, blog, entries)
    url = article.get_absolute_url()
    running = blog.is_running()
    if blog.coverage_end and blog.coverage_end > timezone.now():
        from articles.cache import expires_at

        expires_at(request, blog.coverage_end)  # the page stops polling then
    return {
        "blog": blog,
        "entries": [(entry, render_entry(entry, url)) for entry in entries],
        "key_events_html": render_key_events(entries),
        "running": running,
        "etag": etag(blog),
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "structured_data": structured_data(article, blog, entries, request),
    }
