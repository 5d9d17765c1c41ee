"""Editorial workflow: who may do what to an article, state changes, and what changed between versions.

The admin, bulk actions and any other caller go through these functions, so the rules hold everywhere.
"""

import difflib
import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.errors import RevertError
from reversion.models import Version

from .models import Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggedArticle
from .sanitize import strip_tags
from .templatetags.newsroom import newsroom_time

PUBLISH_PERMISSION = "articles.publish_article"

# A writer may edit their own article only while it has not gone out.
WRITER_EDITABLE_STATUSES = (Article.Status.DRAFT, Article.Status.REVIEW)
WRITER_STATUSES = (Article.Status.DRAFT, Article.Status.REVIEW)
# What only an editor may set: publishing time, embargo, the home page's order and the "Updated" time.
EDITOR_ONLY_FIELDS = ("published_at", "embargo_until", "is_featured", "priority", "updated_at")


# Permissions -----------------------------------------------------------


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def own_articles_q(user):
    """Articles the user created or is in the byline of (through their Author profile)."""
    bylined = ArticleAuthor.objects.filter(author__user=user).values("article_id")
    return Q(created_by=user) | Q(pk__in=bylined)


def is_own(article, user):
    if article.created_by_id is not None and article.created_by_id == user.pk:
        return True
    return ArticleAuthor.objects.filter(article=article, author__user=user).exists()


def can_edit(article, user):
    """Editors edit anything; a writer edits their own article while it is a draft or in review."""
    if can_publish(user):
        return True
    return article.status in WRITER_EDITABLE_STATUSES and is_own(article, user)


# Workflow --------------------------------------------------------------


class Action(TextChoices):
    SUBMIT = "submit", gettext_lazy("Submit for review")
    PUBLISH = "publish", gettext_lazy("Publish now")
    SCHEDULE = "schedule", gettext_lazy("Schedule")
    UNPUBLISH = "unpublish", gettext_lazy("Unpublish")


class TransitionError(Exception):
    """A workflow step that isn't allowed; the message is written for the editor."""


def next_state(action, *, status, published_at, user, now=None):
    """The (status, published_at) that `action` leads to, or TransitionError.

    "Publish now" keeps a publication time that has already passed (a re-published story keeps its
    address) and replaces a missing or future one with now.
    """
    now = now or timezone.now()
    action = Action(action)
    if action != Action.SUBMIT and not can_publish(user):
        raise TransitionError(_("Only editors can publish, schedule or unpublish articles."))
    if action == Action.SUBMIT:
        if status == Article.Status.PUBLISHED:
            raise TransitionError(_("This article is published. Unpublish it before sending it back to review."))
        return Article.Status.REVIEW, published_at
    if action == Action.PUBLISH:
        return Article.Status.PUBLISHED, published_at if published_at and published_at <= now else now
    if action == Action.SCHEDULE:
        if not published_at or published_at <= now:
            raise TransitionError(_("To schedule the article, set a publication time in the future."))
        return Article.Status.PUBLISHED, published_at
    if status != Article.Status.PUBLISHED:
        raise TransitionError(_("Only a published or scheduled article can be unpublished."))
    return Article.Status.UNPUBLISHED, published_at


def transition(article, action, *, user, at=None):
    """Apply a workflow step and save; TransitionError when it isn't allowed."""
    article.status, article.published_at = next_state(
        action, status=article.status, published_at=at or article.published_at, user=user
    )
    article.modified_by = user
    article.save()
    return article


def transition_message(article):
    """What the editor is told after a workflow step."""
    return _("“%(headline)s”: %(state)s.") % {"headline": article.headline, "state": state_label(article)}


def state_label(article, now=None):
    """Draft / In review / Scheduled for … / Embargoed until … / Live / Unpublished / Archived."""
    now = now or timezone.now()
    if article.status != Article.Status.PUBLISHED:
        return article.get_status_display()
    if article.embargo_until and article.embargo_until > now:
        return _("Embargoed until %(time)s") % {"time": newsroom_time(article.embargo_until)}
    if article.published_at and article.published_at > now:
        return _("Scheduled for %(time)s") % {"time": newsroom_time(article.published_at)}
    return _("Live")


# Versions and differences ----------------------------------------------

COMPARED_FIELDS = (
    "headline",
    "slug",
    "dek",
    "body",
    "section",
    "byline_override",
    "dateline",
    "status",
    "published_at",
    "updated_at",
    "embargo_until",
    "lead_image",
    "lead_image_caption",
    "seo_title",
    "seo_description",
    "canonical_url",
    "is_featured",
    "priority",
    "source",
    "source_name",
    "original_url",
    "external_id",
)


@dataclass
class Change:
    label: str
    old: str
    new: str

    @property
    def diff(self):
        return inline_diff(self.old, self.new)


def _display(field, value, names):
    if value is None or value == "":
        return ""
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "tzinfo"):
        return newsroom_time(value)
    return str(value)


def _snapshot(values, byline, tag_ids, corrections):
    """`{label: text}` for an article's fields and its byline, tags and corrections, in reading order."""
    fields = [Article._meta.get_field(name) for name in COMPARED_FIELDS]
    names = {}
    for model in (Section, Image):
        ids = {values.get(f.attname) for f in fields if f.is_relation and f.related_model is model} - {None}
        names |= {(model, pk): str(obj) for pk, obj in model._base_manager.in_bulk(ids).items()}
    authors = Author._base_manager.in_bulk({author_id for _position, author_id, _role in byline})
    tags = Tag._base_manager.in_bulk(tag_ids)
    snapshot = {
        str(capfirst(field.verbose_name)): _display(field, values.get(field.attname), names) for field in fields
    }
    snapshot[_("Byline")] = ", ".join(
        f"{authors[a].name if a in authors else f'#{a}'}{f' ({role})' if role else ''}"
        for _position, a, role in sorted(byline, key=lambda row: row[0])
    )
    snapshot[_("Tags")] = ", ".join(sorted(tags[t].name if t in tags else f"#{t}" for t in tag_ids))
    snapshot[_("Corrections")] = "\n".join(f"{newsroom_time(when)}: {strip_tags(note)}" for when, note in corrections)
    return snapshot


def snapshot_of_article(article, changes=None):
    """The stored article as `{label: text}`; `changes` (a form's cleaned data) overrides its fields."""
    values = {f.attname: getattr(article, f.attname) for f in Article._meta.concrete_fields}
    for name, value in (changes or {}).items():
        if name in COMPARED_FIELDS:
            field = Article._meta.get_field(name)
            values[field.attname] = getattr(value, "pk", value) if field.is_relation else value
    byline = [(link.position, link.author_id, link.role) for link in ArticleAuthor.objects.filter(article=article)]
    tag_ids = list(TaggedArticle.objects.filter(content_object=article).values_list("tag_id", flat=True))
    corrections = list(Correction.objects.filter(article=article).values_list("published_at", "note"))
    return _snapshot(values, byline, tag_ids, corrections)


def snapshot_of_version(version):
    """The whole story as a revision stored it: the article row and the byline, tag and correction rows."""
    byline, tag_ids, corrections = [], [], []
    for related in version.revision.version_set.exclude(pk=version.pk):
        model = related._model
        if model not in (ArticleAuthor, TaggedArticle, Correction):
            continue
        data = related.field_dict
        if model is ArticleAuthor and data["article_id"] == int(version.object_id):
            byline.append((data["position"], data["author_id"], data["role"]))
        elif model is TaggedArticle and data["content_object_id"] == int(version.object_id):
            tag_ids.append(data["tag_id"])
        elif model is Correction and data["article_id"] == int(version.object_id):
            corrections.append((data["published_at"], data["note"]))
    corrections.sort(key=lambda row: row[0])
    return _snapshot(version.field_dict, byline, tag_ids, corrections)


def diff_snapshots(old, new):
    return [Change(label, old.get(label, ""), new.get(label, "")) for label in new if old.get(label) != new.get(label)]


def compare_versions(older, newer):
    return diff_snapshots(snapshot_of_version(older), snapshot_of_version(newer))


def article_versions(article):
    return Version.objects.get_for_object(article).select_related("revision", "revision__user")


def version_numbered(article, number, *, limit=50):
    """The stored revision of `article` whose version counter was `number`, if the history still has it."""
    for version in article_versions(article)[:limit]:
        try:
            if version.field_dict.get("version") == number:
                return version
        except RevertError:
            continue
    return None


def changes_since(article, number):
    """What changed between version `number` of the article and what is stored now, or None if unknown."""
    version = version_numbered(article, number)
    if version is None:
        return None
    current = Article._base_manager.get(pk=article.pk)
    return diff_snapshots(snapshot_of_version(version), snapshot_of_article(current))


def differences_from_stored(article, cleaned_data):
    """Where an edit (a form's cleaned data) differs from the stored article: stored → edited."""
    current = Article._base_manager.get(pk=article.pk)
    return diff_snapshots(snapshot_of_article(current), snapshot_of_article(current, cleaned_data))


def inline_diff(old, new):
    """Word-level difference as escaped HTML with <del> and <ins>."""
    old_words, new_words = re.split(r"(\s+)", old or ""), re.split(r"(\s+)", new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(old_words[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(new_words[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # every piece is escaped above


def revert_blockers(revision):
    """Records a revision points to that no longer exist (a deleted author, tag or user): reverting would fail."""
    versions = list(revision.version_set.all())
    in_revision = {(v.content_type_id, v.object_id) for v in versions}
    missing = []
    for version in versions:
        model = version._model
        if model is None:
            missing.append(version.object_repr)
            continue
        try:
            data = version.field_dict
        except RevertError as exc:
            missing.append(str(exc))
            continue
        for field in model._meta.concrete_fields:
            value = data.get(field.attname)
            if not field.many_to_one or value is None:
                continue
            target = field.related_model
            if (ContentType.objects.get_for_model(target).pk, str(value)) in in_revision:
                continue
            if not target._base_manager.filter(pk=value).exists():
                missing.append(f"{target._meta.verbose_name} #{value}")
    return missing
