"""The API's own bookkeeping of changes, from the same model signals as the page cache (articles/invalidation.py):

- `updated_since`: a change to what is shown with a public article outside its own row (a correction, the
  byline, tags) stamps ArticleChange; the article's own saves move `modified_at`;
- `/api/v1/removed`: an article leaving public view (unpublished, embargoed again, deleted) gets a Removal
  row with the time, which goes again when the article is public once more;
- webhooks: published / updated / unpublished events, sent after commit (api/webhooks.py), and "published"
  for stories whose scheduled time came or embargo lifted, which the page cache's clock reports;
- stored article documents (api/documents.py): every change to what an article's document shows bumps its
  generation in the change's transaction (`_drop`), whether or not the article is public now;
- cached API responses: the keys only the API notes (`list-api-changes`, `list-api-removed`,
  `list-api-tags`) get new tokens through the page cache's own `changed()`.
"""

import threading

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from articles.cache import stories_came_due
from articles.invalidation import changed

from . import webhooks

CHANGES, REMOVED, TAGS = "list-api-changes", "list-api-removed", "list-api-tags"

# Articles being deleted: their bylines, tags and corrections go first, and must not be stamped as changes.
_deleting = threading.local()


def _is_deleting(pk):
    return pk in getattr(_deleting, "pks", ())


def _stored_public(pk):
    from articles.models import Article

    return Article.objects.published().filter(pk=pk).exists()


def article_payload(article):
    return {
        "id": article.pk,
        "headline": article.headline,
        "url": article.get_absolute_url(),
        "api": f"/api/v1/articles/{article.pk}",
    }


def _article_pre_save(sender, instance, raw=False, **kwargs):
    from articles.invalidation import is_public, stored_row

    adding = raw or instance._state.adding or not instance.pk
    stored = None if adding else stored_row(instance)  # (read once for every handler, by Article.save())
    instance._api_was_public = stored is not None and is_public(stored)


def _drop(article_ids):
    """The stored documents of these articles show something old; articles being deleted take theirs along."""
    from .documents import drop_documents

    drop_documents(pk for pk in article_ids if pk is not None and not _is_deleting(pk))


def _article_saved(sender, instance, raw=False, **kwargs):
    from .models import Removal

    if raw:
        return
    was, now = getattr(instance, "_api_was_public", False), instance.is_live
    if not was and not now:
        return  # the API reads published articles only: a draft's save changes nothing it shows
    _drop([instance.pk])
    if now:
        if not was:
            Removal.objects.filter(article_id=instance.pk).delete()
            changed(soft={CHANGES, REMOVED})
        else:
            changed(soft={CHANGES})
        webhooks.event("article.updated" if was else "article.published", instance, article_payload(instance))
    elif was:
        _removed(instance)


def _removed(article):
    from .models import Removal

    Removal.objects.update_or_create(
        article_id=article.pk, defaults={"removed_at": timezone.now(), "url": article.get_absolute_url()}
    )
    changed(soft={REMOVED, CHANGES})
    webhooks.event("article.unpublished", article, {"id": article.pk, "url": article.get_absolute_url()})


def _article_pre_delete(sender, instance, **kwargs):
    if not hasattr(_deleting, "pks"):
        _deleting.pks = set()
    _deleting.pks.add(instance.pk)
    instance._api_was_public = _stored_public(instance.pk)


def _article_deleted(sender, instance, **kwargs):
    _deleting.pks.discard(instance.pk)
    if getattr(instance, "_api_was_public", False):
        _removed(instance)


def _touch(article_id, *, extra=()):
    """Something shown with article `article_id` changed: stamp it, if readers can see it."""
    from articles.models import Article

    from .models import ArticleChange

    if _is_deleting(article_id):
        return
    fields = ("headline", "slug", "publication_date", "published_at")
    article = Article.objects.published().filter(pk=article_id).only(*fields).first()
    if article is None:
        return
    ArticleChange.objects.update_or_create(article_id=article_id, defaults={"changed_at": timezone.now()})
    changed(soft={CHANGES, *extra})
    webhooks.event("article.updated", article, article_payload(article))


def _correction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _drop([instance.article_id])
        _touch(instance.article_id)


def _byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _drop([instance.article_id])
        _touch(instance.article_id)


def _tagging_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _drop([instance.content_object_id])
        _touch(instance.content_object_id, extra=(TAGS,))


def _links_changed(kind):
    def handler(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        extra = (TAGS,) if kind == "tag" else ()
        # (A clear from the tag's or author's side deletes the links one by one: their post_delete drops.)
        articles = list(pk_set or ()) if reverse else [instance.pk]
        _drop(articles)
        for pk in articles:
            _touch(pk, extra=extra)

    return handler


# Names and pictures the documents show: a section's, author's or tag's name and slug, the lead image (alt,
# caption, credit, size, renditions). Any save drops the documents showing it: these are rare edits.


def _section_saved(sender, instance, raw=False, **kwargs):
    from articles.models import Article

    if not raw:
        _drop(Article._base_manager.filter(section_id=instance.pk).values_list("pk", flat=True))


def _author_saved(sender, instance, raw=False, **kwargs):
    from articles.models import ArticleAuthor

    if not raw:
        _drop(ArticleAuthor.objects.filter(author_id=instance.pk).values_list("article_id", flat=True))


def _tag_saved(sender, instance, raw=False, **kwargs):
    from articles.models import TaggedArticle

    if not raw:
        _drop(TaggedArticle.objects.filter(tag_id=instance.pk).values_list("content_object_id", flat=True))


def _image_changed(sender, instance, raw=False, **kwargs):
    """Saved, or about to be deleted (then articles lose it through an UPDATE that sends no signal)."""
    from articles.models import Article

    if not raw:
        _drop(Article._base_manager.filter(lead_image_id=instance.pk).values_list("pk", flat=True))


def _stories_came_due(sender, article_ids, **kwargs):
    """The page cache's clock found stories published with no save: their "published" webhooks go to a job, so
    the reader request that ran the clock only enqueues (api/tasks.py)."""
    from jobs import enqueue_on_commit

    from .tasks import announce_publications

    enqueue_on_commit(announce_publications, list(article_ids))


def connect_signals():
    from articles.models import Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggedArticle

    def connect(signal, handler, model, name):
        signal.connect(handler, sender=model, weak=False, dispatch_uid=f"api-{name}-{model._meta.label}")

    connect(pre_save, _article_pre_save, Article, "pre-save")
    connect(post_save, _article_saved, Article, "save")
    connect(pre_delete, _article_pre_delete, Article, "pre-delete")
    connect(post_delete, _article_deleted, Article, "delete")
    connect(post_save, _correction_changed, Correction, "save")
    connect(post_delete, _correction_changed, Correction, "delete")
    connect(post_save, _byline_changed, ArticleAuthor, "save")
    connect(post_delete, _byline_changed, ArticleAuthor, "delete")
    connect(post_save, _tagging_changed, TaggedArticle, "save")
    connect(post_delete, _tagging_changed, TaggedArticle, "delete")
    connect(m2m_changed, _links_changed("tag"), TaggedArticle, "m2m")
    connect(m2m_changed, _links_changed("author"), ArticleAuthor, "m2m")
    connect(post_save, _section_saved, Section, "save")
    connect(post_save, _author_saved, Author, "save")
    connect(post_save, _tag_saved, Tag, "save")
    connect(post_save, _image_changed, Image, "save")
    connect(pre_delete, _image_changed, Image, "pre-delete")
    stories_came_due.connect(_stories_came_due, weak=False, dispatch_uid="api-stories-came-due")
