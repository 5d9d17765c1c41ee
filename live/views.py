from django.http import Http404, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from articles import httpcache

from .coverage import entries_of, etag, render_entry, render_key_events
from .invalidation import live_key
from .models import LiveBlog


@require_safe
def updates(request, pk):
    """`/live/<article id>/updates/`: the live page's entries as JSON for its script, polled with If-None-Match.

    A poll that finds nothing new costs one indexed query and answers 304 with no body.
    """
    blog = LiveBlog.objects.public().select_related("article").filter(article_id=pk).first()
    if blog is None:
        raise Http404("No live coverage here.")
    tag = etag(blog)
    response = get_conditional_response(request, etag=tag)
    if response is None:
        entries = entries_of(blog)
        url = blog.article.get_absolute_url()
        response = JsonResponse(
            {
                "running": blog.is_running(),
                "entries": [
                    {"id": entry.pk, "edited": entry.edited_at.isoformat(), "html": render_entry(entry, url)}
                    for entry in entries
                ],
                "key_events_html": render_key_events(entries),
            }
        )
    response["ETag"] = tag
    # Anyone may keep it, but must ask again each time; an HTTP cache in front is purged by the live key.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    response["X-Robots-Tag"] = "noindex"
    httpcache.add_key_header(response, [live_key(pk), f"article-{pk}"])
    return response
