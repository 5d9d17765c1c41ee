"""What a change makes stale: the write side of the page cache (articles/cache.py explains the read side).

Why signals and not a service: pages must go stale on *every* write path — the admin, imports, seed_demo,
`manage.py shell`, factories — and a forgotten call would serve stale news. Each handler works out which
dependency keys the change touches, from what readers could see before and after it:

- a story that is public neither before nor after (a draft, an item in review, a scheduled story) touches
  nothing, however often it is saved;
- a story that becomes public (published, its time or embargo come): its listings, soft;
- a public story edited: its own key (every page showing it), soft; its listings too when it moves;
- a story that stops being public (unpublished, deleted, embargoed again): its own key, *hard* — no page
  showing it is ever served again — and its listings, soft.

Tokens change (and the HTTP cache is purged) when the transaction commits; with
`PAGE_CACHE_INVALIDATE_BEFORE_COMMIT` (the test configuration sets it: a test's transaction never commits)
they also change at once, for reads inside the transaction.
"""

import threading

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from . import httpcache
from .cache import listing_keys, schedule_changed, write_tokens

ARTICLE_FIELDS = (
    "status",
    "published_at",
    "embargo_until",
    "publication_date",
    "section_id",
    "slug",
    "is_featured",
    "priority",
)
# A public story that changes one of these moves between listings (or within one).
MOVING_FIELDS = ("published_at", "embargo_until", "publication_date", "section_id", "slug")
# What a card shows (every page that lists the story: key `article-<id>`); the rest of what readers see is
# shown only where the story is shown in full (its page, feeds: key `article-<id>-page`).
CARD_FIELDS = ("headline", "dek", "lead_image_id", "byline_override", "slug", "section_id", "published_at")
HOME_FIELDS = ("is_featured", "priority")
BOOKKEEPING = {"id", "modified_at", "created_at", "created_by_id", "modified_by_id", "version", "search_vector"}


def _tracked_fields():
    from .models import Article

    return [field.attname for field in Article._meta.concrete_fields if field.attname not in BOOKKEEPING]


def stored_fields():
    """What Article.save() reads of the stored row (`_stored_row`): what the handlers here compare, and more."""
    return [*_tracked_fields(), "modified_at", "version"]


def stored_row(instance):
    """The row as stored before this save: read by Article.save() with its lock, else here (one query)."""
    stored = getattr(instance, "_stored_row", None)
    return stored if stored is not None else _stored_state(instance.pk, stored_fields())


_pending = threading.local()


def changed(*, soft=(), hard=()):
    """Make the pages that noted these keys stale (and purge them in the HTTP cache) once the transaction
    commits: before that, readers could only render the old rows again."""
    soft, hard = set(soft), set(hard)
    if not soft and not hard:
        return
    if transaction.get_autocommit():
        _send(soft, hard)  # already committed
        return
    if settings.PAGE_CACHE_INVALIDATE_BEFORE_COMMIT:
        write_tokens(soft=soft, hard=hard)  # for reads inside this transaction (tests: theirs never commits)
    if not hasattr(_pending, "soft"):
        _pending.soft, _pending.hard = set(), set()
    _pending.soft |= soft
    _pending.hard |= hard
    # One flush sends everything pending; the other callbacks of the transaction find nothing left.
    transaction.on_commit(_flush, robust=True)


def _flush():
    soft, hard = getattr(_pending, "soft", set()), getattr(_pending, "hard", set())
    _pending.soft, _pending.hard = set(), set()
    _send(soft, hard)


def _send(soft, hard):
    if soft or hard:
        write_tokens(soft=soft, hard=hard)
        httpcache.purge(soft=soft - hard, hard=hard)


# Articles ------------------------------------------------------------------------------------------------


def is_public(state, now=None):
    now = now or timezone.now()
    return (
        state["status"] == "published"
        and state["published_at"] is not None
        and state["published_at"] <= now
        and (state["embargo_until"] is None or state["embargo_until"] <= now)
    )


def _with_links(state, pk):
    from .models import ArticleAuthor, TaggedArticle

    state["tag_ids"] = list(TaggedArticle.objects.filter(content_object_id=pk).values_list("tag_id", flat=True))
    state["author_ids"] = list(ArticleAuthor.objects.filter(article_id=pk).values_list("author_id", flat=True))
    return state


def _stored_state(pk, fields=ARTICLE_FIELDS):
    from .models import Article

    return Article._base_manager.filter(pk=pk).values(*fields).first()


def publication_keys(article):
    """Everything a story's becoming public makes stale (also used when its scheduled time comes)."""
    state = _with_links({field: getattr(article, field) for field in ARTICLE_FIELDS}, article.pk)
    return {f"article-{article.pk}", *listing_keys(state)}


def _article_pre_save(sender, instance, raw=False, **kwargs):
    adding = raw or instance._state.adding or not instance.pk
    stored = None if adding else stored_row(instance)
    instance._cache_before = (
        None if stored is None else {field: stored[field] for field in [*_tracked_fields(), "modified_at"]}
    )


def _article_post_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    now = timezone.now()
    before = getattr(instance, "_cache_before", None)
    instance._cache_before = None
    after = {field: getattr(instance, field) for field in ARTICLE_FIELDS}
    was, now_public = before is not None and is_public(before, now), is_public(after, now)
    if after["status"] == "published" and not now_public:
        schedule_changed(max(moment for moment in (after["published_at"], after["embargo_until"]) if moment))
    if not was and not now_public:
        return  # nobody could see it, nobody can: no page changes
    key = f"article-{instance.pk}"
    if was and not now_public:
        changed(hard={key}, soft=listing_keys(_with_links(before, instance.pk)))
    elif now_public and not was:
        changed(soft=publication_keys(instance))
    else:
        changed(soft=_edit_keys(instance, before, after))


def _edit_keys(instance, before, after):
    """An edit of a public story: exactly the pages whose output it can change."""
    edited = {field for field in _tracked_fields() if before.get(field) != getattr(instance, field)}
    soft = set()
    if timezone.localdate(before["modified_at"]) != timezone.localdate(instance.modified_at):
        soft.add("list-sitemap")  # the day it was last modified, whatever changed
    if edited & set(CARD_FIELDS):
        soft |= {f"article-{instance.pk}", "list-news-sitemap"}
    if edited - set(HOME_FIELDS):
        soft |= {f"article-{instance.pk}-page", "list-search"}
    if edited & set(HOME_FIELDS):
        soft.add("list-home")
    if edited & set(MOVING_FIELDS):
        links = _with_links({}, instance.pk)
        soft |= listing_keys({**before, **links}) | listing_keys({**after, **links})
    return soft


def _article_pre_delete(sender, instance, **kwargs):
    before = _stored_state(instance.pk)
    instance._cache_before = _with_links(before, instance.pk) if before and is_public(before) else None


def _article_post_delete(sender, instance, **kwargs):
    before = getattr(instance, "_cache_before", None)
    if before is not None:
        changed(hard={f"article-{instance.pk}"}, soft=listing_keys(before))


def _public_article(pk):
    state = _stored_state(pk)
    return state is not None and is_public(state)


# What hangs on an article: corrections, bylines, tags ---------------------------------------------------------


def _correction_changed(sender, instance, raw=False, **kwargs):
    if not raw and _public_article(instance.article_id):
        changed(soft={f"article-{instance.article_id}-corrections"})  # shown on the story's page only


def _byline_pre_save(sender, instance, raw=False, **kwargs):
    instance._cache_before = None
    if not raw and instance.pk:
        instance._cache_before = (
            sender._base_manager.filter(pk=instance.pk).values_list("author_id", flat=True).first()
        )


def _byline_changed(sender, instance, raw=False, **kwargs):
    if raw or not _public_article(instance.article_id):
        return
    authors = {instance.author_id, getattr(instance, "_cache_before", None)} - {None}
    changed(soft={f"article-{instance.article_id}", "list-authors", *(f"list-author-{pk}" for pk in authors)})


def _tagging_changed(sender, instance, raw=False, **kwargs):
    if not raw and _public_article(instance.content_object_id):
        changed(soft={f"article-{instance.content_object_id}-page", f"list-tag-{instance.tag_id}"})


def _links_changed(listing):
    """m2m_changed for an article's tags (taggit) or authors: the listings of the names added or removed."""

    def handler(sender, instance, action, reverse, pk_set, **kwargs):
        if action == "pre_clear":
            # Which names are about to go: m2m_changed's post_clear does not say.
            field = "tag_id" if listing == "tag" else "author_id"
            owner = "content_object_id" if listing == "tag" else "article_id"
            if reverse:
                instance._cache_cleared = set(
                    sender.objects.filter(**{field: instance.pk}).values_list(owner, flat=True)
                )
            else:
                instance._cache_cleared = set(
                    sender.objects.filter(**{owner: instance.pk}).values_list(field, flat=True)
                )
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        pks = getattr(instance, "_cache_cleared", set()) if action == "post_clear" else set(pk_set or ())
        if reverse:  # from the tag's or author's side: pk_set holds articles
            articles, names = [pk for pk in pks if _public_article(pk)], {instance.pk}
        else:
            articles, names = ([instance.pk] if _public_article(instance.pk) else []), pks
        if articles:
            shown = "article-{}-page" if listing == "tag" else "article-{}"  # tags are not on cards; bylines are
            soft = {shown.format(pk) for pk in articles} | {f"list-{listing}-{pk}" for pk in names}
            changed(soft=soft | ({"list-authors"} if listing == "author" else set()))

    return handler


# Names and pictures shown on pages: sections, authors, tags, images ------------------------------------------


class Shown:
    """How pages show one kind of object: `key` (`author-7`) is noted by every page that shows the fields
    in `everywhere`; a change to other fields reaches only `own` (its own listing, say) and the pages that
    show it in full (`<key>-page`). The sitemaps list objects by the fields in `sitemap`."""

    def __init__(self, prefix, *, everywhere=(), own=(), sitemap=()):
        self.prefix, self.everywhere, self.own, self.sitemap = prefix, everywhere, own, sitemap

    def keys(self, instance, before):
        pk = instance.pk
        edited = None if before is None else {f for f, value in before.items() if value != getattr(instance, f)}
        soft = {key.format(pk=pk) for key in self.own} | {f"{self.prefix}-{pk}-page"}
        if edited is None or edited & set(self.everywhere):
            soft.add(f"{self.prefix}-{pk}")
        if self.sitemap and (edited is None or edited & set(self.sitemap)):
            soft.add("list-sitemap")  # the sitemaps list sections, authors and tags by address
        return soft


SHOWN = {
    # The navigation shows every active section by name, in order.
    "Section": Shown(
        "section", everywhere=("name", "slug", "position", "is_active", "description"),
        own=("frag-nav", "list-section-{pk}"), sitemap=("slug", "is_active"),
    ),
    # Bylines show names (and link to slugs); the portrait, bio and links are on the author's page and the list.
    "Author": Shown(
        "author", everywhere=("name", "slug"), own=("list-authors", "list-author-{pk}"), sitemap=("slug", "is_active")
    ),
    # Cards do not show tags; the story's page and the feeds do.
    "Tag": Shown("tag", everywhere=("name", "slug"), own=("list-tag-{pk}",), sitemap=("slug",)),
    # Cards show the picture; the caption and the credit go with the story in full.
    "Image": Shown("image", everywhere=("file", "width", "height", "alt_text", "is_decorative", "crop_anchor",
                                        "renditions")),
}  # fmt: skip


def _object_pre_save(sender, instance, raw=False, **kwargs):
    fields = [f.attname for f in sender._meta.concrete_fields if f.attname != "id"]
    instance._cache_before = None
    if not raw and instance.pk and not instance._state.adding:
        instance._cache_before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()


def _object_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        changed(soft=SHOWN[sender.__name__].keys(instance, instance._cache_before))


def _object_deleted(sender, instance, **kwargs):
    changed(soft=SHOWN[sender.__name__].keys(instance, None))


def connect_signals():
    """Called from ArticlesConfig.ready()."""
    from .models import Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggedArticle

    def connect(signal, handler, model, name):
        # weak=False: the m2m handlers are closures that nothing else holds.
        signal.connect(handler, sender=model, weak=False, dispatch_uid=f"page-cache-{name}-{model._meta.label}")

    connect(pre_save, _article_pre_save, Article, "pre-save")
    connect(post_save, _article_post_save, Article, "save")
    connect(pre_delete, _article_pre_delete, Article, "pre-delete")
    connect(post_delete, _article_post_delete, Article, "delete")
    connect(post_save, _correction_changed, Correction, "save")
    connect(post_delete, _correction_changed, Correction, "delete")
    connect(pre_save, _byline_pre_save, ArticleAuthor, "pre-save")
    connect(post_save, _byline_changed, ArticleAuthor, "save")
    connect(post_delete, _byline_changed, ArticleAuthor, "delete")
    connect(post_save, _tagging_changed, TaggedArticle, "save")
    connect(post_delete, _tagging_changed, TaggedArticle, "delete")
    connect(m2m_changed, _links_changed("tag"), TaggedArticle, "m2m")
    connect(m2m_changed, _links_changed("author"), ArticleAuthor, "m2m")
    for model in (Section, Author, Tag, Image):
        connect(pre_save, _object_pre_save, model, "pre-save")
        connect(post_save, _object_saved, model, "save")
        connect(post_delete, _object_deleted, model, "delete")
