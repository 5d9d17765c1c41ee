"""Write the demo newsroom to the database: sections, authors with portraits, lead images, tags and articles.

Idempotent: demo articles carry `external_id="demo-<n>"`, so a re-run creates only the numbers that
are missing, and sections, authors, tags and images are looked up before they are made. Articles go
in with bulk_create in batches (a hundred thousand in minutes), which bypasses Article.save(): this
module does what save() would — sanitised body, slug unique per publication day, newsroom-local
publication date. Full-text search is kept up to date by database triggers, which bulk inserts fire.
"""

import datetime
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from html import escape

from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.utils import timezone

from ..models import SLUG_MAX_LENGTH, Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggedArticle
from ..sanitize import sanitize_html
from ..text import make_slug
from . import images, world
from .compose import compose

MARKER = "demo-"
DEFAULT_ARTICLES = 300
DEFAULT_SEED = 2026
DEFAULT_IMAGE_POOL = 40
BATCH_SIZE = 1000
# About 30 stories a day, and never fewer than 120 days: small runs still fill the archive pages.
ARTICLES_PER_DAY = 30
MIN_SPAN_DAYS = 120
HEADLINE_ATTEMPTS = 4
DISTINCT_HEADLINES = 3000
# The tables run() writes (Article's bylines and tags too, as its many-to-many tables): what to ANALYZE after.
SEEDED_MODELS = (Article, Author, Correction, Image, Section, Tag)


@dataclass
class Report:
    sections_created: int = 0
    authors_created: int = 0
    portraits_drawn: int = 0
    images_drawn: int = 0
    tags_created: int = 0
    articles_created: int = 0
    articles_existing: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)


def daytime(moment):
    """Stories go out between early morning and late evening: small-hours times move to the evening before."""
    if timezone.localtime(moment).hour < 6:
        return moment - datetime.timedelta(hours=7)
    return moment


def author_slug(name):
    return make_slug(name, max_length=150, fallback="author")


def author_email(name):
    return f"{author_slug(name).replace('-', '.')}@{world.SITE_EMAIL_DOMAIN}"


def get_or_create_author(name, job_title, bio, x_handle):
    """The demo author called `name`, found by slug or name, created when missing."""
    slug = author_slug(name)
    author = Author.objects.filter(slug=slug).first() or Author.objects.filter(name=name).first()
    if author:
        return author, False
    author = Author.objects.create(
        name=name,
        slug=slug,
        job_title=job_title,
        bio=f"<p>{escape(bio)}</p>",
        email=author_email(name),
        x_handle=x_handle,
    )
    return author, True


def author_record(name):
    return next(record for record in world.AUTHORS if record[0] == name)


def make_renditions(new_images):
    """Make the responsive renditions of freshly stored images on several threads at once.

    Image.save() makes them one by one after the save commits, which is most of a demo seed's time
    (about a second per 1600×900 picture); Pillow releases the GIL while it resizes and encodes, so
    threads divide that by the number of cores. Images that arrive with current renditions are not
    redone by Image.save(). Inside an enclosing transaction (tests) nothing is made here, exactly as
    Image.save() then makes nothing until a commit that never comes.
    """
    try:
        from ..images import build_renditions
    except ImportError:  # a tree without renditions
        return
    if not new_images or transaction.get_connection().in_atomic_block:
        return

    def build(image):
        try:
            image.renditions = build_renditions(image)
        except (OSError, ValueError):
            image.renditions = {}  # Image.save() will try again after the commit
        finally:
            connections.close_all()  # this thread's own connections

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        list(pool.map(build, new_images))


def bump_content_version():
    from ..cache import invalidate_all

    invalidate_all()


class DemoSeeder:
    def __init__(self, *, articles=DEFAULT_ARTICLES, seed=DEFAULT_SEED, image_pool=DEFAULT_IMAGE_POOL, log=None):
        self.total = articles
        self.seed = seed
        self.image_pool = image_pool
        self.log = log or (lambda message: None)
        self.now = timezone.now()
        self.report = Report()

    def run(self):
        started = time.monotonic()
        self.sections = self.ensure_sections()
        self.authors = self.ensure_authors()
        self.lead_images = self.ensure_lead_images()
        self.tag_ids = {tag.name.lower(): tag.pk for tag in Tag.objects.all()}
        self.create_articles()
        self.report.seconds = time.monotonic() - started
        self.report.counts = {
            "sections": Section.objects.count(),
            "authors": Author.objects.count(),
            "demo articles": Article.objects.filter(external_id__startswith=MARKER).count(),
            "tags": Tag.objects.count(),
            "images": Image.objects.count(),
        }
        return self.report

    # Sections, people, pictures ------------------------------------------

    def ensure_sections(self):
        sections = {}
        for position, (slug, name, description) in enumerate(world.SECTIONS, start=1):
            section, created = Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "position": position * 10}
            )
            sections[slug] = section
            self.report.sections_created += created
        self.log(f"Sections: {len(sections)} ({self.report.sections_created} new)")
        return sections

    def ensure_authors(self):
        authors, portraits = {}, []
        for index, (name, job_title, bio, _beats, x_handle) in enumerate(world.AUTHORS):
            author, created = get_or_create_author(name, job_title, bio, x_handle)
            self.report.authors_created += created
            if author.photo_id is None or not self.file_exists(author.photo):
                draw = partial(images.portrait_jpeg, name, index)
                filename = f"portrait-{author_slug(name)}.jpg"
                portraits.append((author, (author.photo, images.portrait_meta(name), draw, filename)))
            authors[name] = author.pk
        saved = self.store_images([pending for _author, pending in portraits])
        for (author, _pending), photo in zip(portraits, saved, strict=True):
            Author.objects.filter(pk=author.pk).update(photo=photo)
        self.report.portraits_drawn = len(saved)
        self.log(f"Authors: {len(authors)} ({self.report.authors_created} new, {len(saved)} portraits drawn)")
        return authors

    def ensure_lead_images(self):
        """The pool of lead images as {section slug: [image ids]}, with every image also under None."""
        found, pending = {}, []
        for index in range(self.image_pool):
            image = Image.objects.filter(title=images.lead_image_title(index)).order_by("pk").first()
            if image is not None and self.file_exists(image):
                found[index] = image
            else:
                draw = partial(images.lead_image, index, self.seed)
                pending.append((index, (image, None, draw, f"demo-lead-{index + 1:02d}.jpg")))
        saved = self.store_images([item for _index, item in pending])
        found.update({index: image for (index, _item), image in zip(pending, saved, strict=True)})
        self.report.images_drawn = len(saved)
        pool = {}
        for index, image in sorted(found.items()):
            pool.setdefault(images.lead_section(index), []).append(image.pk)
            pool.setdefault(None, []).append(image.pk)
        self.log(f"Lead images: {self.image_pool} ({len(saved)} drawn)")
        return pool

    @staticmethod
    def file_exists(image):
        return bool(image and image.file and image.file.storage.exists(image.file.name))

    def store_images(self, pending):
        """Draw and save images: [(existing Image or None, metadata or None, draw(), file name)] → [Image].

        `draw()` returns JPEG bytes, or (bytes, metadata). Files are stored first, then renditions are
        made for all of them at once, in parallel, then the rows are saved.
        """
        stored = []
        for image, meta, draw, filename in pending:
            drawn = draw()
            data, meta = drawn if isinstance(drawn, tuple) else (drawn, meta)
            image = image or Image(**meta)
            # A named ContentFile: Django reads the width and height from it (an unnamed one leaves them empty).
            image.file.save(filename, ContentFile(data, name=filename), save=False)
            stored.append(image)
        make_renditions(stored)
        for image in stored:
            image.save()
        return stored

    def tag_id(self, name):
        key = name.lower()
        if key not in self.tag_ids:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            self.tag_ids[key] = tag.pk
            self.report.tags_created += 1
        return self.tag_ids[key]

    # Articles --------------------------------------------------------------

    def create_articles(self):
        existing = {
            int(external_id[len(MARKER) :])
            for external_id in Article.objects.filter(external_id__startswith=MARKER).values_list(
                "external_id", flat=True
            )
            if external_id[len(MARKER) :].isdigit()
        }
        missing = [n for n in range(1, self.total + 1) if n not in existing]
        self.report.articles_existing = self.total - len(missing)
        if not missing:
            self.log(f"Articles: all {self.total:,} demo articles are already there")
            return
        self.span = datetime.timedelta(days=max(MIN_SPAN_DAYS, math.ceil(self.total / ARTICLES_PER_DAY)))
        self.seen_headlines = set(
            Article.objects.filter(external_id__startswith=MARKER).values_list("headline", flat=True)
        )
        self.taken_slugs = set(
            Article.objects.filter(publication_date__isnull=False).values_list("publication_date", "slug")
        )
        started = time.monotonic()
        for start in range(0, len(missing), BATCH_SIZE):
            batch = missing[start : start + BATCH_SIZE]
            self.create_batch(batch)
            self.report.articles_created += len(batch)
            done = self.report.articles_created
            if len(missing) > BATCH_SIZE or done == len(missing):
                elapsed = time.monotonic() - started
                self.log(f"Articles: {done:,}/{len(missing):,} created ({elapsed:.1f} s)")
        # bulk_create sends no post_save: tell the page cache that what readers see has changed.
        bump_content_version()

    def create_batch(self, numbers):
        demo = [self.compose_fresh(n) for n in numbers]
        rows = [self.article_row(item) for item in demo]
        with transaction.atomic():
            Article.objects.bulk_create(rows)
            if any(row.pk is None for row in rows):  # backends that cannot return ids from a bulk insert
                ids = dict(
                    Article.objects.filter(external_id__in=[row.external_id for row in rows]).values_list(
                        "external_id", "pk"
                    )
                )
                for row in rows:
                    row.pk = ids[row.external_id]
            links, tagged, corrections = [], [], []
            for item, row in zip(demo, rows, strict=True):
                for position, (name, role) in enumerate(item.authors):
                    links.append(
                        ArticleAuthor(article_id=row.pk, author_id=self.authors[name], position=position, role=role)
                    )
                for tag_id in dict.fromkeys(self.tag_id(name) for name in item.tags):
                    tagged.append(TaggedArticle(content_object_id=row.pk, tag_id=tag_id))
                if item.correction:
                    corrections.append(
                        Correction(
                            article_id=row.pk,
                            published_at=min(self.now, row.published_at + datetime.timedelta(hours=26)),
                            note=sanitize_html(f"<p>{escape(item.correction)}</p>"),
                        )
                    )
            ArticleAuthor.objects.bulk_create(links)
            TaggedArticle.objects.bulk_create(tagged)
            Correction.objects.bulk_create(corrections)

    def compose_fresh(self, n):
        """Demo article n, with another story in its slot when the headline is already taken.

        The first few thousand headlines can all differ; beyond that the templates repeat themselves
        and retrying would only cost time (repeats are harmless in a benchmark-sized run).
        """
        attempts = HEADLINE_ATTEMPTS if len(self.seen_headlines) < DISTINCT_HEADLINES else 1
        for attempt in range(attempts):
            item = compose(n, seed=self.seed, year=self.now.year, attempt=attempt)
            if item.headline not in self.seen_headlines:
                break
        self.seen_headlines.add(item.headline)
        return item

    def article_row(self, item):
        """An unsaved Article for demo article `item`, prepared as Article.save() would prepare it."""
        offset = self.span * ((item.number - 1 + item.jitter) / self.total) + datetime.timedelta(minutes=5)
        published_at = updated_at = None
        status = Article.Status.PUBLISHED
        created_at = self.now - offset
        if item.status == "scheduled":
            published_at = self.now + datetime.timedelta(hours=item.schedule_hours)
            created_at = self.now - datetime.timedelta(hours=item.schedule_hours)
        elif item.status in ("draft", "review"):
            status = Article.Status.DRAFT if item.status == "draft" else Article.Status.REVIEW
            created_at = self.now - datetime.timedelta(hours=item.jitter * 72)
        else:
            published_at = daytime(self.now - offset)
            created_at = published_at - datetime.timedelta(hours=1 + item.jitter * 6)
            if item.updated_hours:
                updated_at = min(self.now, published_at + datetime.timedelta(hours=item.updated_hours))
        publication_date = timezone.localdate(published_at) if published_at else None
        slug = self.unique_slug(make_slug(item.headline, max_length=SLUG_MAX_LENGTH, fallback="article"),
                                publication_date)  # fmt: skip
        images_here = self.lead_images.get(item.section) or self.lead_images.get(None) or []
        return Article(
            headline=item.headline,
            slug=slug,
            dek=item.dek,
            body=sanitize_html(item.body),
            section=self.sections[item.section],
            byline_override=item.byline_override,
            dateline=item.dateline,
            status=status,
            published_at=published_at,
            publication_date=publication_date,
            updated_at=updated_at,
            lead_image_id=images_here[item.image_slot % len(images_here)] if images_here else None,
            is_featured=item.is_featured,
            priority=item.priority,
            source=item.source,
            source_name=item.source_name,
            external_id=f"{MARKER}{item.number}",
            created_at=created_at,
        )

    def unique_slug(self, slug, day):
        """`slug`, or `slug-2`, `slug-3`… when another article has it on the same publication day."""
        if day is None:
            return slug
        candidate, n = slug, 2
        while (day, candidate) in self.taken_slugs:
            suffix = f"-{n}"
            candidate = f"{slug[: SLUG_MAX_LENGTH - len(suffix)].rstrip('-')}{suffix}"
            n += 1
        self.taken_slugs.add((day, candidate))
        return candidate
