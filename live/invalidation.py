"""What live coverage makes stale (the rules of articles/invalidation.py, for this app's models).

- an entry posted, edited or deleted: `live-<article id>`, noted only by that article's page (and the
  polling endpoint, which is not cached) — never the listings, which do not show entries;
- a live blog's coverage times: `live-<article id>` too (its page and structured data show them);
- a banner saved or deleted: `frag-banner`, the one fragment that shows it; no page re-renders.
Nothing is touched while the article is not public: nobody can see its entries.
"""

from django.db.models.signals import post_delete, post_save

from articles.invalidation import _public_article, changed


def live_key(article_id):
    return f"live-{article_id}"


def _entry_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .models import LiveBlog

    article_id = LiveBlog.objects.filter(pk=instance.live_blog_id).values_list("article_id", flat=True).first()
    if article_id is not None and _public_article(article_id):
        changed(soft={live_key(article_id)})


def _live_blog_changed(sender, instance, raw=False, **kwargs):
    if not raw and _public_article(instance.article_id):
        changed(soft={live_key(instance.article_id)})


def _banner_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        changed(soft={"frag-banner"})


def connect_signals():
    from .models import Banner, Entry, LiveBlog

    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_entry_changed, sender=Entry, dispatch_uid=f"page-cache-live-entry-{name}")
        signal.connect(_live_blog_changed, sender=LiveBlog, dispatch_uid=f"page-cache-live-blog-{name}")
        signal.connect(_banner_changed, sender=Banner, dispatch_uid=f"page-cache-banner-{name}")
