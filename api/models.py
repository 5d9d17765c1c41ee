"""What the content API keeps of its own: partners' tokens, the sync log (changes, removals) and webhooks."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "nrk_"


def hash_token(raw):
    # Tokens are 256 random bits, not passwords: a fast hash is enough and allows an indexed lookup.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A partner's key: raises the rate limit, never widens what is visible. Only its hash is stored."""

    name = models.CharField(max_length=150, help_text=_("Who uses it, e.g. “Ardenport Radio app”."))
    prefix = models.CharField(max_length=12, editable=False, help_text=_("The token's first characters."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Requests per minute; empty: API_TOKEN_RATE_LIMIT."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, name, created_by=None, rate_limit=None):
        """A new token and its raw value, which is shown once and never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            name=name, prefix=raw[:10], key_hash=hash_token(raw), created_by=created_by, rate_limit=rate_limit
        )
        return token, raw

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class ArticleChange(models.Model):
    """When something shown with a public article last changed outside its own row (corrections, byline,
    tags): with `Article.modified_at`, `published_at` and `embargo_until` this is the API's `changed_at`."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="api_change"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.article_id} changed {self.changed_at:%Y-%m-%d %H:%M}"


class ArticleDocument(models.Model):
    """An article's JSON as the API's lists show it, built once and kept until something it shows changes
    (api/documents.py explains when a stored document is served)."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="api_document"
    )
    generation = models.PositiveBigIntegerField(
        default=0, help_text=_("Bumped, in the change's transaction, by every change to what the article shows.")
    )
    built_generation = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("The generation `data` was built at; empty: nothing stored.")
    )
    built_for = models.CharField(max_length=32, blank=True, help_text=_("Code, site and settings it was built for."))
    changed_at = models.DateTimeField(null=True, blank=True, help_text=_("The article's `changed_at` when built."))
    dependency_keys = models.TextField(blank=True, help_text=_("The page cache's keys of what it shows."))
    data = models.TextField(blank=True)

    def __str__(self):
        return f"{self.article_id} at generation {self.generation}"


class Removal(models.Model):
    """An article that left public view (unpublished, embargoed again, deleted), for mirrors to delete.

    The row goes when the article is public again; it then reappears in `updated_since`."""

    article_id = models.PositiveBigIntegerField(unique=True)  # no foreign key: deleted articles stay listed
    url = models.CharField(max_length=1000, blank=True, help_text=_("Its public address when it left."))
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["removed_at", "id"]
        indexes = [models.Index(fields=["removed_at", "id"], name="api_removal_keyset_idx")]

    def __str__(self):
        return f"{self.article_id} removed {self.removed_at:%Y-%m-%d %H:%M}"


class WebhookEndpoint(models.Model):
    class Event(models.TextChoices):
        PUBLISHED = "article.published", _("Article published")
        UPDATED = "article.updated", _("Public article updated")
        UNPUBLISHED = "article.unpublished", _("Article unpublished or deleted")

    name = models.CharField(max_length=150)
    url = models.URLField(
        max_length=500,
        help_text=_("HTTPS address that receives a signed JSON POST per event. Internal addresses are refused."),
    )
    secret = models.CharField(
        max_length=200,
        default=secrets.token_urlsafe,
        help_text=_("Shared secret for the X-Newsroom-Signature HMAC-SHA256 header. Give it to the receiver."),
    )
    events = models.JSONField(default=list, help_text=_("Which events are sent."))
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from .webhooks import UnsafeURL, check_url

        try:
            check_url(self.url)
        except UnsafeURL as exc:
            raise ValidationError({"url": str(exc)}) from exc
        unknown = set(self.events or []) - set(self.Event.values)
        if unknown or not self.events:
            raise ValidationError({"events": _("Choose at least one of the events.")})


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEndpoint.Event.choices)
    event_id = models.CharField(max_length=40, editable=False)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # An event reaches an endpoint once, however often it is announced (api/webhooks.py record_event).
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"
