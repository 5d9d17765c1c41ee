"""Background jobs of the content API (django-tasks; see jobs/ and articles/tasks.py for the pattern).

They take ids, read the rows again when they run, and are safe to run twice.
"""

import datetime

from django.utils import timezone
from django_tasks import task

from articles.invalidation import changed

from . import webhooks


@task()
def deliver_webhook(delivery_id):
    """One attempt of a webhook delivery; when it fails and retries are left, the job is enqueued again for
    after the next of WEBHOOK_RETRY_DELAYS (a worker that dies mid-attempt is retried by the queue itself)."""
    wait = webhooks.attempt(delivery_id)
    if wait is None:
        return "done"
    deliver_webhook.using(run_after=timezone.now() + datetime.timedelta(seconds=wait)).enqueue(delivery_id)
    return f"retrying in {wait} s"


@task()
def announce_publications(article_ids):
    """The "published" event of stories whose scheduled time came or whose embargo lifted (no save sent it)."""
    from articles.models import Article

    from .models import Removal
    from .signals import REMOVED

    fields = ("headline", "slug", "publication_date", "published_at", "embargo_until")
    articles = list(Article.objects.published().filter(pk__in=article_ids).only(*fields))
    # A story taken down and then scheduled again is public once more: mirrors no longer delete it.
    if Removal.objects.filter(article_id__in=[a.pk for a in articles]).delete()[0]:
        changed(soft={REMOVED})
    for article in articles:
        webhooks.announce_publication(article)
    return len(articles)
