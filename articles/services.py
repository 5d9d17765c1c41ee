"""Editorial workflow: who may do what to an article, and its one state machine.

Every state change goes through `next_state()`: the admin's form and bulk actions, `Article.publish()`,
`unpublish()` and `submit_for_review()` (imports, commands, the benchmark, tests) all apply the same rules.
What changed between versions is in `articles/revisions.py`.
"""

from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Article, ArticleAuthor
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
    address) and replaces a missing or future one with now. `user=None` is a trusted process (an import,
    a command, the shell): the rules apply, the permission check does not.
    """
    now = now or timezone.now()
    action = Action(action)
    if action != Action.SUBMIT and user is not None and not can_publish(user):
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
    """Apply a workflow step and save; TransitionError when it isn't allowed (`user=None`: see next_state)."""
    article.status, article.published_at = next_state(
        action, status=article.status, published_at=at or article.published_at, user=user
    )
    article.modified_by = user or article.modified_by
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
