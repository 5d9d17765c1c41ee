"""The admin's front page: what each person has to do next, one click from each story."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleAuthor, Correction
from articles.services import can_publish, own_articles_q

ROWS = 10


def _rows(queryset):
    """A panel's stories with what a row shows (section, byline, who saved last) in a fixed number of queries."""
    return list(
        queryset.select_related("section", "modified_by")
        .prefetch_related(Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")))
        .defer("body")[:ROWS]
    )


def panels(user, now=None):
    """[{"key", "title", "articles", "more"}] for this person: a writer's own work, an editor's desk."""
    now = now or timezone.now()
    own = Article.objects.filter(own_articles_q(user))
    result = [
        {
            "key": "sent-back",
            "title": _("Sent back to you"),
            "hint": _("Your drafts last saved by someone else: an editor's changes or questions."),
            "articles": _rows(
                own.filter(status=Article.Status.DRAFT)
                .exclude(modified_by=user)
                .exclude(modified_by__isnull=True)
                .order_by("-modified_at")
            ),
            "more": "?state=mine",
        },
        {
            "key": "drafts",
            "title": _("Your drafts"),
            "hint": "",
            "articles": _rows(
                own.filter(status__in=[Article.Status.DRAFT, Article.Status.UNPUBLISHED], modified_by=user).order_by(
                    "-modified_at"
                )
            ),
            "more": "?state=mine",
        },
    ]
    if not can_publish(user):
        result.append(
            {
                "key": "yours-in-review",
                "title": _("Waiting for an editor"),
                "hint": "",
                "articles": _rows(own.filter(status=Article.Status.REVIEW).order_by("-modified_at")),
                "more": "?state=review",
            }
        )
        return result
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    soon = now + datetime.timedelta(hours=24)
    coming = Article.objects.filter(status=Article.Status.PUBLISHED).filter(
        Q(published_at__gt=now, published_at__lte=soon) | Q(embargo_until__gt=now, embargo_until__lte=soon)
    )
    today = (
        Article.objects.published()
        .filter(published_at__gte=day_start)
        .annotate(correction_count=Count("corrections"))
        .order_by("-published_at")
    )
    return [
        {
            "key": "review",
            "title": _("Waiting for review"),
            "hint": _("Oldest first."),
            "articles": _rows(Article.objects.filter(status=Article.Status.REVIEW).order_by("modified_at")),
            "more": "?state=review",
        },
        {
            "key": "coming",
            "title": _("Scheduled or embargoed in the next 24 hours"),
            "hint": "",
            "articles": _rows(coming.order_by("published_at")),
            "more": "?state=scheduled",
        },
        {
            "key": "today",
            "title": _("Published today"),
            "hint": "",
            "articles": _rows(today),
            "more": "?state=live",
        },
        *result,
    ]


def corrections_today(now=None):
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return list(
        Correction.objects.filter(published_at__gte=day_start, published_at__lte=now)
        .select_related("article")
        .defer("article__body")
        .order_by("-published_at")[:ROWS]
    )
