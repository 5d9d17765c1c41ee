from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Author, Image
from articles.sanitize import sanitize_html


class LiveBlogQuerySet(models.QuerySet):
    def public(self):
        """Live blogs readers may see: on a published article (the one reader rule, Article.published())."""
        return self.filter(article__in=Article.objects.published())


class LiveBlog(models.Model):
    """An article run as a live page: entries appear under its intro, newest first."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="live_blog")
    coverage_start = models.DateTimeField(
        default=timezone.now, help_text=_("When live coverage began (structured data: coverageStartTime).")
    )
    coverage_end = models.DateTimeField(
        null=True, blank=True,
        help_text=_("When live coverage ends or ended. Leave empty while it goes on; readers' pages stop "
                    "looking for new entries after this time."),
    )  # fmt: skip
    # Moves with every entry posted, edited or deleted: the polling endpoint's validator.
    version = models.PositiveIntegerField(default=0, editable=False)
    changed_at = models.DateTimeField(auto_now_add=True, editable=False)

    objects = LiveBlogQuerySet.as_manager()

    class Meta:
        verbose_name = _("live blog")
        constraints = [
            models.CheckConstraint(
                condition=Q(coverage_end__isnull=True) | Q(coverage_end__gte=models.F("coverage_start")),
                name="live_blog_coverage_ends_after_start",
            )
        ]

    def __str__(self):
        return str(self.article)

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    def clean(self):
        if self.coverage_end and self.coverage_start and self.coverage_end < self.coverage_start:
            raise ValidationError({"coverage_end": _("Coverage cannot end before it starts.")})

    def get_updates_url(self):
        return reverse("live:updates", kwargs={"pk": self.article_id})

    def is_running(self, now=None):
        now = now or timezone.now()
        return self.coverage_start <= now and (self.coverage_end is None or now < self.coverage_end)

    def touch(self):
        """An entry changed: move the version (one UPDATE, no signals: the entry's own signal invalidates)."""
        LiveBlog.objects.filter(pk=self.pk).update(version=models.F("version") + 1, changed_at=timezone.now())


class Entry(models.Model):
    live_blog = models.ForeignKey(LiveBlog, on_delete=models.CASCADE, related_name="entries")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text=_("A few sentences; basic formatting and links. Cleaned on save."))
    image = models.ForeignKey(Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Shown to readers. Defaults to the person posting, when they have an author profile."),
    )  # fmt: skip
    is_key_event = models.BooleanField(_("key event"), default=False, help_text=_("Listed in the summary on top."))
    is_pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Kept at the top of the page."))
    posted_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(auto_now=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["live_blog", "-posted_at", "-id"], name="live_entry_order_idx")]

    def __str__(self):
        return self.title or f"{timezone.localtime(self.posted_at):%H:%M} entry"

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)
        self.live_blog.touch()

    def get_absolute_url(self):
        return f"{self.live_blog.article.get_absolute_url()}#{self.anchor}"

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.live_blog.touch()
        return result

    @property
    def anchor(self):
        return f"entry-{self.pk}"


class BannerQuerySet(models.QuerySet):
    def showing(self, now=None):
        """The banner readers see now: active and not expired (at most one is active)."""
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), is_active=True)


class Banner(models.Model):
    """A breaking-news banner across the top of every public page."""

    class Level(models.TextChoices):
        BREAKING = "breaking", _("Breaking")
        DEVELOPING = "developing", _("Developing")
        UPDATE = "update", _("Update")

    text = models.CharField(max_length=200)
    link = models.CharField(
        max_length=500, blank=True,
        help_text=_("Where the banner leads: a path on this site (/2024/03/05/story/) or a full https:// address."),
    )  # fmt: skip
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BREAKING)
    is_active = models.BooleanField(
        _("active"), default=True,
        help_text=_("Only one banner is active at a time: activating this one switches the others off."),
    )  # fmt: skip
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text=_("The banner disappears by itself at this time. Empty: until switched off.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BannerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_banner")
        ]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.is_active:
                Banner.objects.filter(is_active=True).exclude(pk=self.pk).update(is_active=False)
            super().save(*args, **kwargs)

    def clean(self):
        link = self.link.strip()
        if link and not (link.startswith("/") and not link.startswith("//")) and not link.startswith("https://"):
            if not link.startswith("http://"):
                raise ValidationError(
                    {"link": _("Use a path on this site (starting with /) or an http(s):// address.")}
                )
        self.link = link


class ArticleViews(models.Model):
    """Views counted in the shared cache, copied here at most once a minute so the admin can sort by them."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="view_stats")
    last_24h = models.PositiveIntegerField(default=0)
    last_7d = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = _("article views")

    def __str__(self):
        return f"{self.article_id}: {self.last_24h} / {self.last_7d}"
