"""An article's revisions (django-reversion) as editors read them: what changed between two versions, or between
the stored article and an edit, as labelled fields with word-level differences; and what blocks a revert.
"""

import difflib
import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reversion.errors import RevertError
from reversion.models import Version

from .models import Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggedArticle
from .sanitize import strip_tags
from .templatetags.newsroom import newsroom_time

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
