"""The one pipeline every importer feeds.

WordPress exports, wire stories and feed items are each parsed into a `Story`; `Pipeline.process()` maps it onto
an Article with its section, authors (in byline order), tags, lead image and old-address redirects, atomically,
and records the outcome in a `Report`. A story is identified by (source, external_id), so running an import again
updates the article it made instead of adding another one.
"""

import html
import itertools
import re
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction

from articles.dbstats import analyze_after_bulk_write
from articles.images import decode_image
from articles.models import Article, ArticleAuthor, Author, Image, Redirect, Section, Tag
from articles.sanitize import sanitize_html, strip_tags
from articles.text import make_slug

from .models import ImportedImage
from .progress import Progress

HEADLINE_MAX = Article._meta.get_field("headline").max_length
UNTITLED = "(untitled)"


class ImageUnavailable(Exception):
    """A lead image that could not be read, fetched or accepted; the story is imported without it."""


@dataclass
class AuthorRef:
    name: str
    login: str = ""


@dataclass
class SectionRef:
    name: str
    slug: str = ""
    description: str = ""
    is_active: bool = True


@dataclass
class ImageRef:
    """A lead image to attach. `load()` returns (bytes, file name) or raises ImageUnavailable."""

    key: str
    load: object
    title: str = ""
    alt_text: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class Story:
    """One parsed story, whatever it came from."""

    source: str
    external_id: str
    headline: str
    body: str = ""
    label: str = ""
    slug: str = ""
    dek: str = ""
    status: str = Article.Status.DRAFT
    published_at: object = None
    source_name: str = ""
    original_url: str = ""
    section: SectionRef | None = None
    authors: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    lead_image: ImageRef | None = None
    redirects: list = field(default_factory=list)
    is_featured: bool = False
    seo_title: str = ""
    seo_description: str = ""
    warnings: list = field(default_factory=list)

    def warn(self, message):
        self.warnings.append(message)


class Report:
    """What an import did: created, updated, unchanged, skipped (by reason), warnings and failures."""

    def __init__(self):
        self.created = 0
        self.updated = 0
        self.unchanged = 0
        self.skipped = Counter()
        self.warnings = []
        self.failures = []
        self.notes = []

    @property
    def succeeded(self):
        return self.created + self.updated + self.unchanged

    def skip(self, reason):
        self.skipped[reason] += 1

    def warn(self, label, message):
        self.warnings.append(f"{label}: {message}" if label else message)

    def fail(self, label, message):
        self.failures.append(f"{label}: {message}" if label else message)

    def analyze_if_bulk(self, stdout=None):
        """Update PostgreSQL's planner statistics when this import wrote many rows (see articles.dbstats)."""
        return analyze_after_bulk_write(
            self.created + self.updated, Article, Author, Image, ImportedImage, Redirect, Section, Tag, stdout=stdout
        )

    def write(self, stdout, style, *, dry_run=False, verbosity=1, max_lines=50):
        verb = {"created": "Would create", "updated": "Would update"} if dry_run else {}
        if dry_run:
            stdout.write(style.WARNING("Dry run: nothing was saved. This is what the import would do:"))
        stdout.write(style.SUCCESS(f"{verb.get('created', 'Created')}: {self.created}"))
        stdout.write(f"{verb.get('updated', 'Updated')}: {self.updated}")
        stdout.write(f"Unchanged: {self.unchanged}")
        stdout.write(f"Skipped: {sum(self.skipped.values())}")
        for reason, count in sorted(self.skipped.items(), key=lambda item: (-item[1], item[0])):
            stdout.write(f"  {count} × {reason}")
        for title, lines, writer in (
            ("Warnings", self.warnings, lambda text: stdout.write(style.WARNING(text))),
            ("Failed", self.failures, lambda text: stdout.write(style.ERROR(text))),
        ):
            stdout.write(f"{title}: {len(lines)}")
            shown = lines if verbosity >= 2 else lines[:max_lines]
            for line in shown:
                writer(f"  - {line}")
            if len(shown) < len(lines):
                stdout.write(f"  … and {len(lines) - len(shown)} more (run with -v 2 to list them all)")
        for note in self.notes:
            stdout.write(note)


class Pipeline:
    """Saves stories. `protect_edits`: leave alone articles an editor has changed since they came in;
    `drafts_only`: update an earlier copy only while it is still an untouched draft (wire and feed copy)."""

    def __init__(self, report, *, dry_run=False, stdout=None, verbosity=1, protect_edits=True, drafts_only=False):
        self.report = report
        self.dry_run = dry_run
        self.stdout = stdout
        self.verbosity = verbosity
        self.protect_edits = protect_edits
        self.drafts_only = drafts_only
        self._sections = {}
        self._authors = {}

    def process(self, story):
        """Save one story atomically; returns "created", "updated", "unchanged", "skipped" or "failed"."""
        label = story.label or story.headline
        try:
            with transaction.atomic():
                outcome, detail = self._save(story)
        except (DatabaseError, ValidationError, ValueError, OSError) as exc:
            # The savepoint is gone, and with it anything cached from inside it.
            self._sections.clear()
            self._authors.clear()
            self.report.fail(label, f"not saved ({exc})")
            return "failed"
        for warning in story.warnings:
            self.report.warn(label, warning)
        if outcome == "skipped":
            self.report.skip(detail)
        else:
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        if self.verbosity >= 2 and self.stdout is not None:
            prefix = "would be " if self.dry_run and outcome in ("created", "updated") else ""
            self.stdout.write(f"{prefix}{outcome}: {label}" + (f" ({detail})" if detail else ""))
        return outcome

    def run(self, items, *, total, label, unit="items", batch_size=None):
        """The run every importer shares: process each item with progress, roll everything back in a dry run,
        then refresh planner statistics after a bulk import. Returns the outcomes counted.

        Each item is a Story, a str (why it is skipped) or None (the importer has reported it as failed).
        `batch_size`: commit every that many items (each story is still its own savepoint), one disk sync per
        batch instead of per story; without it each story commits on its own.
        """
        progress = Progress(
            self.stdout, total=total, label=label, unit=unit, enabled=self.verbosity >= 1, plain=self.verbosity >= 2
        )
        outcomes = Counter()
        items = iter(items)
        with transaction.atomic() if self.dry_run else nullcontext():
            more = True
            while more:
                with transaction.atomic() if batch_size else nullcontext():
                    done = 0
                    for item in itertools.islice(items, batch_size):
                        if item is None:
                            outcomes["failed"] += 1
                        elif isinstance(item, str):
                            self.report.skip(item)
                            outcomes["skipped"] += 1
                        else:
                            outcomes[self.process(item)] += 1
                        progress.advance()
                        done += 1
                more = bool(batch_size) and done == batch_size
            if self.dry_run:
                transaction.set_rollback(True)
        progress.finish()
        if not self.dry_run:
            self.report.analyze_if_bulk(self.stdout if self.verbosity >= 1 else None)
        return outcomes

    def write_report(self, style):
        self.report.write(self.stdout, style, dry_run=self.dry_run, verbosity=self.verbosity)

    # Saving ----------------------------------------------------------------

    def _save(self, story):
        article = None
        if story.external_id:
            article = Article.objects.filter(source=story.source, external_id=story.external_id).first()
        created = article is None
        if created:
            article = Article(source=story.source, external_id=story.external_id, slug=story.slug)
        else:
            if self.protect_edits and article.modified_by_id:
                return "skipped", "changed in Newsroom since it came in"
            if self.drafts_only and article.status != Article.Status.DRAFT:
                return "skipped", "already taken up by an editor"
        before = None if created else self._snapshot(article)

        article.headline = clean_headline(story.headline, story)
        article.dek = story.dek
        article.body = sanitize_html(story.body)
        article.section = self._section(story.section)
        article.status = story.status
        article.published_at = story.published_at
        article.source_name = story.source_name[:200]
        article.original_url = story.original_url if _is_web_url(story.original_url, 1000) else ""
        article.is_featured = story.is_featured
        article.seo_title = story.seo_title[:200]
        article.seo_description = story.seo_description[:300]
        if story.lead_image is not None:
            image = self._image(story.lead_image, story)
            if image is not None:
                article.lead_image = image
        if article.status == Article.Status.PUBLISHED and article.published_at is None:
            story.warn("no publication time; kept as a draft")
            article.status = Article.Status.DRAFT
        changed = before is None or self._snapshot(article) != before
        if changed:
            article.save()

        authors = self._authors_for(story.authors)
        tags = normalise_tags(story.tags)
        related_changed = self._set_authors(article, authors)
        related_changed = self._set_tags(article, tags, created) or related_changed
        if related_changed and not changed:
            article.save(update_fields=["modified_at"])
        changed = changed or related_changed
        self._add_redirects(article, story)
        if created:
            return "created", ""
        return ("updated", "") if changed else ("unchanged", "")

    @staticmethod
    def _snapshot(article):
        fields = (
            "headline", "dek", "body", "section_id", "status", "published_at", "source_name", "original_url",
            "is_featured", "seo_title", "seo_description", "lead_image_id",
        )  # fmt: skip
        return {name: getattr(article, name) for name in fields}

    def _section(self, ref):
        ref = ref or SectionRef(name="Uncategorized")
        name = " ".join(ref.name.split())[:100] or "Uncategorized"
        slug = make_slug(ref.slug or name, max_length=120, fallback="section")
        key = (slug, name.lower())
        if key not in self._sections:
            section = (
                Section.objects.filter(slug=slug).first()
                or Section.objects.filter(name__iexact=name).order_by("pk").first()
            )
            if section is None:
                section = Section(name=name, slug=slug, description=ref.description, is_active=ref.is_active)
                section.save()
            self._sections[key] = section
        return self._sections[key]

    def _authors_for(self, refs):
        authors = []
        for ref in refs:
            author = self._author(ref)
            if author is not None and author not in authors:
                authors.append(author)
        return authors

    def _author(self, ref):
        name = " ".join((ref.name or "").split())[:150]
        login = (ref.login or "").strip()[:150]
        if not name and not login:
            return None
        key = (login.lower(), name.lower())
        if key not in self._authors:
            author = None
            if login:
                author = Author.objects.filter(external_login=login).order_by("pk").first()
            if author is None and name:
                matches = Author.objects.filter(name__iexact=name)
                if login:
                    matches = matches.filter(external_login="")
                author = matches.order_by("pk").first()
                if author is not None and login:
                    author.external_login = login
                    author.save(update_fields=["external_login"])
            if author is None:
                author = Author(name=name or login, external_login=login)
                author.save()
            self._authors[key] = author
        return self._authors[key]

    @staticmethod
    def _set_authors(article, authors):
        current = list(article.article_authors.order_by("position", "id").values_list("author_id", flat=True))
        wanted = [author.pk for author in authors]
        if current == wanted:
            return False
        article.article_authors.all().delete()
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=author, position=position) for position, author in enumerate(authors)
        )
        return True

    @staticmethod
    def _set_tags(article, tags, created):
        current = set() if created else {name.lower() for name in article.tags.names()}
        if current == {name.lower() for name in tags}:
            return False
        article.tags.set(tags)
        return True

    @staticmethod
    def _add_redirects(article, story):
        max_length = Redirect._meta.get_field("old_path").max_length
        paths = [path for path in dict.fromkeys(story.redirects) if path and len(path) <= max_length]
        if not paths:
            return
        existing = dict(Redirect.objects.filter(old_path__in=paths).values_list("old_path", "article_id"))
        for path in paths:
            if path not in existing:
                Redirect.objects.create(old_path=path, article=article)
            elif existing[path] != article.pk:
                story.warn(f"{path} already redirects to another article; left as it was")

    def _image(self, ref, story):
        known = ImportedImage.objects.filter(key=ref.key[:500]).select_related("image").first()
        if known is not None:
            return known.image
        try:
            data, original_name = ref.load()
        except ImageUnavailable as exc:
            story.warn(f"lead image skipped: {exc}")
            return None
        if self.dry_run:
            # Nothing may be written in a dry run, and files on disk are not rolled back with the database;
            # the image is still checked (decoded, not re-encoded), so the dry run reports what would be skipped.
            try:
                decode_image(data).close()
            except ValidationError as exc:
                story.warn(f"lead image skipped: {original_name}: {' '.join(exc.messages)}")
            return None
        alt = ref.alt_text.strip() or ref.title.strip() or story.headline
        image = Image(
            title=(ref.title.strip() or original_name)[:200],
            alt_text=alt[:300],
            caption=ref.caption[:500],
            credit=ref.credit[:200],
        )
        try:
            # The image library validates and re-encodes whatever it stores (articles/images.py): the one cleaner.
            image.file.save(original_name, ContentFile(data), save=False)
        except ValidationError as exc:
            story.warn(f"lead image skipped: {original_name}: {' '.join(exc.messages)}")
            return None
        image.save()
        ImportedImage.objects.create(key=ref.key[:500], image=image)
        return image


INCOMING = SectionRef(
    name="Incoming",
    slug="incoming",
    description="Wire and feed copy waiting for an editor to choose its section. Not in the navigation.",
    is_active=False,
)


def target_section(name_or_slug):
    """The section wire and feed drafts go to: an existing one named on the command line, or “Incoming”."""
    if not name_or_slug:
        return INCOMING
    wanted = name_or_slug.strip()
    section = Section.objects.filter(slug=wanted).first() or Section.objects.filter(name__iexact=wanted).first()
    if section is None:
        names = ", ".join(Section.objects.values_list("slug", flat=True)[:20]) or "none yet"
        raise ValueError(f"No section “{wanted}”. Existing sections: {names}.")
    return SectionRef(name=section.name, slug=section.slug)


# Text helpers shared by the parsers ------------------------------------------


def clean_headline(raw, story=None):
    """Plain one-line text that fits Article.headline; "(untitled)" with a warning when empty."""
    text = strip_tags(raw or "").replace("\x00", "")
    if not text:
        if story is not None:
            story.warn(f"no headline; saved as “{UNTITLED}”")
        return UNTITLED
    if len(text) > HEADLINE_MAX:
        cut = text[: HEADLINE_MAX - 1]
        cut = cut.rsplit(" ", 1)[0] if " " in cut[HEADLINE_MAX // 2 :] else cut
        if story is not None:
            story.warn(f"headline longer than {HEADLINE_MAX} characters; shortened")
        text = cut.rstrip() + "…"
    return text


def plain_text(raw):
    """Text of an HTML or plain fragment, entities decoded, whitespace collapsed."""
    return strip_tags(raw or "")


def paragraphs_html(text):
    """Plain text → escaped <p> paragraphs. Blank lines separate paragraphs; when there are none,
    every line is its own paragraph (agency copy often comes that way). Other line breaks become spaces."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        return ""
    blocks = re.split(r"\n[ \t\u00a0]*\n", text)
    if len(blocks) == 1:
        blocks = text.split("\n")
    paragraphs = (" ".join(block.split()) for block in blocks)
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def normalise_tags(names):
    seen, tags = set(), []
    for name in names:
        name = " ".join(plain_text(name).split())[:100].strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            tags.append(name)
    return tags


def split_names(text):
    """ "A", "A and B", "A, B and C", "A, B, and C", "A & B" → a list of names."""
    text = " ".join((text or "").split()).strip(" .;:,")
    if not text:
        return []
    parts = re.split(r"\s*(?:,|;|\s&\s|\sand\s|\sund\s|\set\s|\sy\s|\sи\s|\sva\s)\s*", f" {text} ")
    names = []
    for part in parts:
        part = re.sub(r"^(?:and|&)\s+", "", part.strip(" .;:,"), flags=re.I).strip()
        if part:
            names.append(part)
    return names


def old_path(url):
    """The path (and query) of an old address, as Django's request.path presents it: percent-decoded."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    path = unquote(parts.path or "/")
    if not path.startswith("/"):
        path = "/" + path
    if parts.query:
        return f"{path}?{parts.query}"
    return "" if path == "/" else path


def _is_web_url(url, max_length):
    return bool(url) and len(url) <= max_length and urlsplit(url).scheme in ("http", "https")
