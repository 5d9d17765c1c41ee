import functools

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import IntegrityError, models, router, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from jobs import enqueue_on_commit

from . import search
from .editor import BodyField
from .images import LibraryImageField, build_renditions, rendition_names, renditions_are_current, validate_image_file
from .sanitize import sanitize_html, strip_tags
from .text import make_slug

SLUG_MAX_LENGTH = 200


class Section(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Order in the navigation: lower numbers come first.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive sections leave the navigation and their pages 404.")
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = make_slug(self.slug or self.name, max_length=120, fallback="section")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return _slug_url("articles:section", self.slug, get_script_prefix(), get_urlconf(), get_language())


class Image(models.Model):
    """A photo in the image library: reusable across articles and author portraits."""

    class Anchor(models.TextChoices):
        CENTER = "center", _("Centre")
        TOP = "top", _("Top")
        BOTTOM = "bottom", _("Bottom")
        LEFT = "left", _("Left")
        RIGHT = "right", _("Right")

    file = LibraryImageField(
        upload_to="images/%Y/%m/", width_field="width", height_field="height", validators=[validate_image_file],
        help_text=_("JPEG, PNG, WebP or GIF. Stored re-encoded, without metadata; a GIF keeps its first frame."),
    )  # fmt: skip
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    title = models.CharField(max_length=200, help_text=_("For finding the image in the library."))
    alt_text = models.CharField(
        max_length=300, blank=True,
        help_text=_("Describes the image for readers who cannot see it. Required unless decorative."),
    )  # fmt: skip
    is_decorative = models.BooleanField(
        default=False, help_text=_("Purely decorative images have empty alt text, on purpose.")
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text=_("Photographer and agency, e.g. “Jane Roe/AP”."))
    crop_anchor = models.CharField(
        max_length=10, choices=Anchor.choices, default=Anchor.CENTER,
        help_text=_("Which part of the photo to keep when a rendition crops it."),
    )  # fmt: skip
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    renditions = models.JSONField(
        default=dict, blank=True, editable=False,
        help_text=_("Names and sizes of the generated renditions, filled once after the file is saved."),
    )  # fmt: skip
    # Kept on the row so that pages and feeds never ask the storage (a network round trip once it is S3).
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, editable=False, help_text=_("In bytes."))
    pending_source = models.CharField(
        max_length=255, blank=True, editable=False,
        help_text=_("A large upload waiting for its full-size clean copy (the process_image job)."),
    )  # fmt: skip

    # Written by an upload and by the process_image job, never by an edit of the other fields.
    FILE_FIELDS = ("file", "width", "height", "file_size", "pending_source", "renditions")

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_decorative=True) | ~Q(alt_text=""), name="image_has_alt_unless_decorative"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Saving cleans a new file (LibraryImageField); once the save commits, a job makes the renditions (and
        the full-size copy of a large upload) and another deletes the files a new upload replaced."""
        from . import tasks

        replaced = set()
        existing = self.pk and not self._state.adding
        if self.file and not self.file._committed:
            self.renditions = {}
            if existing:
                before = Image.objects.filter(pk=self.pk).values("file", "renditions", "pending_source").first()
                if before:
                    replaced = {before["file"], before["pending_source"], *rendition_names(before["renditions"])}
            super().save(*args, **kwargs)
        elif existing and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # The file and what the jobs record about it are written only by an upload and by the jobs: an edit
            # of the caption must not put back the renditions (or the file) this instance was loaded with.
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields if not field.primary_key and field.name not in
                self.FILE_FIELDS
            ]  # fmt: skip
            super().save(*args, **kwargs)
            self.refresh_from_db(fields=self.FILE_FIELDS)
        else:
            super().save(*args, **kwargs)
        using = kwargs.get("using") or self._state.db
        replaced -= {"", self.file.name, self.pending_source, *rendition_names(self.renditions)}
        if replaced:
            enqueue_on_commit(tasks.delete_media_files, sorted(replaced), using=using)
        if self.file and (self.pending_source or not renditions_are_current(self)):
            enqueue_on_commit(tasks.process_image, self.pk, using=using)

    def clean(self):
        if not self.is_decorative and not self.alt_text.strip():
            raise ValidationError({"alt_text": _("Describe the image, or mark it as decorative.")})

    @property
    def alt(self):
        return "" if self.is_decorative else self.alt_text

    def make_renditions(self):
        """Generate (or find) every rendition and record them (the make_renditions command)."""
        self.renditions = build_renditions(self)
        self.save(update_fields=["renditions"])  # through save(): pages showing the image are renewed

    def media_files(self):
        """Every stored file of this image: the file, a large upload waiting for its job, the renditions."""
        return {name for name in (self.file.name, self.pending_source) if name} | rendition_names(self.renditions)


class Author(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="author",
        help_text=_("The login this author uses, if any. Never shown to readers."),
    )  # fmt: skip
    job_title = models.CharField(max_length=150, blank=True)
    bio = models.TextField(blank=True, help_text=_("Short biography; basic formatting and links allowed."))
    photo = models.ForeignKey(Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField(_("public email"), blank=True)
    website = models.URLField(blank=True)
    x_handle = models.CharField(_("X handle"), max_length=50, blank=True, help_text=_("Without the @."))
    mastodon_url = models.URLField(_("Mastodon"), blank=True)
    bluesky_handle = models.CharField(_("Bluesky handle"), max_length=100, blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive authors leave the authors list; their articles stay.")
    )
    external_login = models.CharField(
        max_length=150, blank=True, db_index=True, help_text=_("Login in the system this author was imported from.")
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.bio = sanitize_html(self.bio)
        if not self.slug:
            self.slug = unique_slug(Author, make_slug(self.name, max_length=150, fallback="author"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return _slug_url("articles:author", self.slug, get_script_prefix(), get_urlconf(), get_language())


class Tag(TagBase):
    """Taggit tag whose slug is transliterated, so tags in any script have working URLs."""

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def slugify(self, tag, i=None):
        slug = make_slug(tag, max_length=90, fallback="tag")
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self):
        return _slug_url("articles:tag", self.slug, get_script_prefix(), get_urlconf(), get_language())


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        unique_together = [("content_object", "tag")]
        # A tag's articles as an index-only scan (tag listings, related articles).
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_article_tag_idx")]


@functools.lru_cache(maxsize=4096)
def _slug_url(viewname, slug, script_prefix, urlconf, language):
    """reverse() of a section's, author's or tag's address, memoised like _article_url()."""
    return reverse(viewname, kwargs={"slug": slug})


@functools.lru_cache(maxsize=4096)
def _article_url(year, month, day, slug, script_prefix, urlconf, language):
    """reverse() of an article's address, memoised: pages list many (kept on a profile, see images.rendition_url).

    Everything reverse() depends on is in the key: prefix, URLconf and active language (for i18n_patterns);
    settings that change the URLconf's result clear it (clear_url_memo).
    """
    return reverse("articles:detail", kwargs={"year": year, "month": month, "day": day, "slug": slug})


@receiver(setting_changed)
def clear_url_memo(*, setting, **kwargs):
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME", "TIME_ZONE", "USE_TZ"}:
        _article_url.cache_clear()
        _slug_url.cache_clear()


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, its time has come, and any embargo has lifted."""
        now = timezone.now()
        # One filter() call: every reader page asks this several times, and each call costs.
        return self.filter(
            Q(status=Article.Status.PUBLISHED, published_at__lte=now),
            Q(embargo_until__isnull=True) | Q(embargo_until__lte=now),
        )

    def scheduled(self):
        now = timezone.now()
        return self.filter(status=Article.Status.PUBLISHED).filter(Q(published_at__gt=now) | Q(embargo_until__gt=now))

    def for_listing(self):
        """Everything an article card renders, in a fixed number of queries."""
        return self.select_related("section", "lead_image").prefetch_related(
            models.Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("position", "id"),
            )
        )

    def search(self, query):
        """Full-text matches for a reader's query (text or `search.parse_query()`), best first, with `rank`."""
        if isinstance(query, str):
            query = search.parse_query(query)
        return search.search(self, query)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        ARCHIVED = "archived", _("Archived")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        WIRE = "wire", _("Wire")
        IMPORT = "import", _("Import")

    headline = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH, blank=True,
        help_text=_("The last part of the article's address. Made from the headline when left empty."),
    )  # fmt: skip
    dek = models.TextField(_("dek"), blank=True, help_text=_("Standfirst: one or two sentences under the headline."))
    body = BodyField(blank=True, help_text=_("Cleaned of anything unsafe whenever the article is saved."))
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, through="ArticleAuthor", related_name="articles", blank=True)
    byline_override = models.CharField(
        max_length=200, blank=True, help_text=_("Shown instead of the authors' names, e.g. “Staff reporter”.")
    )
    tags = TaggableManager(through=TaggedArticle, blank=True)
    dateline = models.CharField(max_length=100, blank=True, help_text=_("Where the story was filed, e.g. “BAKU”."))

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        null=True, blank=True,
        help_text=_("Readers see the article once it is published and this time has passed. "
                    "A future time schedules it."),
    )  # fmt: skip
    publication_date = models.DateField(
        null=True, blank=True, editable=False, help_text=_("Day of publication in the newsroom's time zone.")
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Shown to readers as “Updated” when after the publication time.")
    )
    embargo_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Wire copy under embargo stays hidden from readers until this time.")
    )

    lead_image = models.ForeignKey(Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lead_image_caption = models.CharField(
        max_length=500, blank=True, help_text=_("Overrides the image's own caption for this article.")
    )

    seo_title = models.CharField(_("SEO title"), max_length=200, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=300, blank=True)
    canonical_url = models.URLField(
        _("canonical URL"), blank=True, help_text=_("Only when the story's original lives elsewhere.")
    )
    is_featured = models.BooleanField(_("featured"), default=False, help_text=_("Lead the home page."))
    priority = models.SmallIntegerField(default=0, help_text=_("Higher comes first among featured stories."))

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.STAFF)
    source_name = models.CharField(max_length=200, blank=True, help_text=_("Agency or site the copy came from."))
    original_url = models.URLField(max_length=1000, blank=True)
    external_id = models.CharField(
        max_length=500, blank=True, help_text=_("Identifier in the system the story was imported from.")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ArticleQuerySet.as_manager()

    # States in which the article has had a public address, which must keep working when it moves.
    ONCE_PUBLIC_STATUSES = (Status.PUBLISHED, Status.UNPUBLISHED, Status.ARCHIVED)

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", _("Can publish, schedule, unpublish and feature articles"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published", "unpublished", "archived"]),
                name="article_status_valid",
            ),
            models.UniqueConstraint(fields=["publication_date", "slug"], name="article_slug_unique_per_day"),
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="article_external_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_listing_idx"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_idx"),
            models.Index(fields=["is_featured", "status", "-priority", "-published_at"], name="article_featured_idx"),
            models.Index(fields=["slug"], name="article_slug_idx"),
            # Readers' listings (newest first) and their counts, as index-only scans over published rows.
            models.Index(
                fields=["-published_at", "-id", "embargo_until"],
                condition=Q(status="published"),
                name="article_published_idx",
            ),
            models.Index(
                fields=["section", "-published_at", "-id", "embargo_until"],
                condition=Q(status="published"),
                name="article_section_published_idx",
            ),
            # The admin changelist's default order (every status) and its date hierarchy's MIN/MAX.
            models.Index(fields=["-published_at", "-id"], name="article_admin_order_idx"),
            # The next embargo to lift (articles/cache.py), among the few articles that have one.
            models.Index(
                fields=["embargo_until"], condition=Q(embargo_until__isnull=False), name="article_embargo_idx"
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, expected_version=None, **kwargs):
        """Sanitise, slug, count the save in `version`, and keep old addresses working.

        `expected_version` is the version an editor loaded: a save over someone else's newer one
        raises EditConflict instead of silently overwriting it.
        """
        self.body = sanitize_html(self.body)
        self.headline = self.headline.replace("\x00", "").strip()
        wanted_slug = make_slug(self.slug or self.headline, max_length=SLUG_MAX_LENGTH, fallback="article")
        self.publication_date = timezone.localdate(self.published_at) if self.published_at else None
        self.slug = self._free_slug(wanted_slug)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body", "slug", "publication_date", "modified_at", "version"}
        using = kwargs.get("using") or router.db_for_write(Article, instance=self)
        with transaction.atomic(using=using):
            stored = self._lock_stored_row(using, expected_version)
            try:
                for attempt in range(1, self.SLUG_ATTEMPTS + 1):
                    try:
                        # A savepoint, so a lost race undoes only this INSERT/UPDATE and the save can go on.
                        with transaction.atomic(using=using):
                            super().save(*args, **kwargs)
                        break
                    except IntegrityError:
                        # unique_slug() checks, then the row is written: a concurrent save of the same headline
                        # for the same day can take the slug in between. Take the next free one and try again.
                        if attempt == self.SLUG_ATTEMPTS or not self._slug_taken_by_another(using):
                            raise
                        self.slug = self._free_slug(wanted_slug)
            finally:
                self._stored_row = None  # (read by this save's pre_save handlers only)
            if stored is not None:
                self._keep_old_address(stored)

    def get_absolute_url(self):
        """The address of the day stored at save time, the one the article page is looked up by.

        Not the local date of `published_at` now: that moves when TIME_ZONE changes, and the address
        (and the feeds' GUIDs) must not. An article not saved as published yet gets today's address.
        """
        day = self.publication_date or timezone.localdate(self.published_at or timezone.now())
        # Cards call this several times per page; the reverse() result is memoised per address.
        return _article_url(
            day.year, day.month, day.day, self.slug, get_script_prefix(), get_urlconf(), get_language()
        )

    # What a revision follows (articles/admin/articles.py): the byline and tags, each read with the name its
    # description shows in one query, not one query per author and per tag on every save.
    @property
    def revision_bylines(self):
        return self.article_authors.select_related("author")

    @property
    def revision_tags(self):
        return self.taggedarticle_set.select_related("tag")

    # Reading rules -------------------------------------------------------

    @property
    def is_live(self):
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.embargo_until is None or self.embargo_until <= now)
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_live

    @property
    def show_updated(self):
        """Only a real post-publication edit shows as “Updated”."""
        return bool(self.updated_at and self.published_at and self.updated_at > self.published_at)

    def ordered_authors(self):
        """Authors in byline order; uses the prefetch from for_listing() when there is one."""
        return [link.author for link in self.byline_links()]

    def byline_links(self):
        return sorted(self.article_authors.all(), key=lambda link: (link.position, link.id or 0))

    def byline_text(self):
        if self.byline_override:
            return self.byline_override
        return join_names([author.name for author in self.ordered_authors()])

    @property
    def summary(self):
        return self.seo_description or self.dek or strip_tags(self.body)[:280]

    @property
    def lead_caption(self):
        if self.lead_image_caption:
            return self.lead_image_caption
        return self.lead_image.caption if self.lead_image else ""

    # State changes -------------------------------------------------------

    # The rules are services.next_state(), the one state machine the admin uses too; these are shorthands.
    # `user=None` is a trusted process (import, command, shell); with a user, their permissions are checked.
    # A step that isn't allowed raises services.TransitionError.

    def publish(self, *, at=None, user=None):
        """Publish now, or at `at`: a future `at` schedules the article, a past one is kept."""
        from .services import Action, transition

        now = timezone.now()
        action = Action.SCHEDULE if at and at > now else Action.PUBLISH
        return transition(self, action, user=user, at=at)

    def unpublish(self, *, user=None):
        from .services import Action, transition

        return transition(self, Action.UNPUBLISH, user=user)

    def submit_for_review(self, *, user=None):
        from .services import Action, transition

        return transition(self, Action.SUBMIT, user=user)

    # Saving helpers ------------------------------------------------------

    SLUG_ATTEMPTS = 5

    def _free_slug(self, slug):
        """`slug`, or the first of `slug-2`, `slug-3`… not taken on the article's publication day."""
        if not self.publication_date:
            return slug
        return unique_slug(
            Article, slug, exclude_pk=self.pk, max_length=SLUG_MAX_LENGTH, publication_date=self.publication_date
        )

    def _slug_taken_by_another(self, using):
        if not self.publication_date:
            return False
        others = Article._base_manager.using(using).filter(publication_date=self.publication_date, slug=self.slug)
        return others.exclude(pk=self.pk).exists() if self.pk else others.exists()

    def _lock_stored_row(self, using, expected_version):
        """Lock the stored row for this save and count the save; returns what the address was built from.

        The whole stored row, read once: the pre_save handlers (page cache, content API) compare the save
        with it as `_stored_row` instead of reading it again each (a writer saves a draft every few seconds).
        """
        from .invalidation import stored_fields

        self._stored_row = None
        if self._state.adding or self.pk is None:
            return None
        rows = Article._base_manager.using(using).select_for_update().filter(pk=self.pk)
        stored = rows.values(*stored_fields()).first()
        if stored is None:
            return None
        self._stored_row = stored
        if expected_version is not None and stored["version"] != expected_version:
            raise EditConflict(self, stored_version=stored["version"])
        self.version = stored["version"] + 1
        return stored

    def _keep_old_address(self, stored):
        """A story that has been public keeps its old URL as a 301 when its slug or date changes."""
        if stored["status"] not in self.ONCE_PUBLIC_STATUSES or stored["publication_date"] is None:
            return
        if (stored["slug"], stored["publication_date"]) == (self.slug, self.publication_date):
            return
        day = stored["publication_date"]
        old_path = reverse(
            "articles:detail", kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": stored["slug"]}
        )
        Redirect.objects.update_or_create(old_path=old_path, defaults={"article": self})

    def get_preview_url(self):
        token = signing.dumps({"a": self.pk}, salt="articles.preview", compress=True)
        return reverse("articles:preview", kwargs={"token": token})


class ArticleAuthor(models.Model):
    """One name in an article's byline, in order, with an optional role."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="article_links")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(
        max_length=60, blank=True, help_text=_("Optional, e.g. “Reporting by” or “Translated by”.")
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="article_author_once")]
        # An author's articles as an index-only scan (author pages, article counts on /authors/).
        indexes = [models.Index(fields=["author", "article"], name="article_author_author_idx")]
        verbose_name = _("byline author")

    def __str__(self):
        return f"{self.author} ({self.role})" if self.role else str(self.author)


class Correction(models.Model):
    """A dated, public note on a published article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    published_at = models.DateTimeField(_("date"), default=timezone.now)
    note = models.TextField(help_text=_("What was wrong and what is right now. Shown to readers."))

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self):
        return strip_tags(self.note)[:80]

    def save(self, *args, **kwargs):
        self.note = sanitize_html(self.note)
        super().save(*args, **kwargs)


class Redirect(models.Model):
    """An old address of an article (a changed slug or date, or an imported permalink) that 301s to it."""

    old_path = models.CharField(max_length=1000, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return self.old_path


class EditConflict(Exception):
    """Someone else saved the article after this copy was loaded."""

    def __init__(self, article, *, stored_version):
        super().__init__(f"Article {article.pk} is at version {stored_version}, not the one this edit started from.")
        self.article = article
        self.stored_version = stored_version


def join_names(names):
    """“A”, “A and B”, “A, B and C”, in the active language: every byline, in text or HTML, is joined here."""
    return get_text_list([name for name in names if name], gettext("and"))


def unique_slug(model, slug, *, exclude_pk=None, max_length=150, **scope):
    """`slug`, or `slug-2`, `slug-3`… when taken within `scope` (e.g. a publication day)."""
    candidates = model.objects.filter(slug__startswith=slug, **scope)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    taken = set(candidates.values_list("slug", flat=True))
    if slug not in taken:
        return slug
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = f"{slug[: max_length - len(suffix)].rstrip('-')}{suffix}"
        if candidate not in taken:
            return candidate
        n += 1
