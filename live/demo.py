"""The demo newsroom's live blog (seed_demo): election night in Ardenport, a dozen entries over three hours."""

import datetime

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Image, Section

from .models import Entry, LiveBlog

EXTERNAL_ID = "live-demo:election-night"  # not "demo-…": --articles counts those

ENTRIES = [
    # (minutes after the start, title, body, key event, pinned)
    (0, "What we know", "<p>Polls closed at 21:00. Turnout was high in the harbour wards; the first results are "
     "expected after midnight. This page is updated as the count goes on.</p>", False, True),
    (8, "", "<p>Ballot boxes are arriving at the Exchange Hall under police escort.</p>", False, False),
    (21, "", "<p>Counting has started at all six tables. Observers from every party are present.</p>", False, False),
    (35, "Turnout 64 per cent", "<p>The returning officer puts turnout at <b>64 per cent</b>, the highest since "
     "2009.</p>", True, False),
    (52, "", "<p>Harbour ward looks close: both main candidates' agents say it is too early to call.</p>", False,
     False),
    (70, "", "<p>A recount has been requested at table four after a discrepancy of 38 ballots.</p>", False, False),
    (88, "", "<p>The mayor arrives at the count and tells us she is <i>cautiously optimistic</i>.</p>", False, False),
    (105, "", "<p>Recount at table four finished: the discrepancy was a miscounted bundle.</p>", False, False),
    (122, "", "<p>Green Party sources concede Northgate, which they won by 14 votes last time.</p>", False, False),
    (140, "", "<p>First declaration expected within the quarter hour.</p>", False, False),
    (151, "First result: Harbour ward", "<p>Harbour ward declared: Independent gain from Labour by 212 votes.</p>",
     True, False),
    (166, "", "<p>Three wards left to declare. We will have every result here as it comes.</p>", False, False),
]  # fmt: skip


def seed_live_blog(now=None):
    """Create the demo live blog once (featured, so the home page leads with it); False when it is there."""
    if Article.objects.filter(external_id=EXTERNAL_ID).exists():
        return False
    now = now or timezone.now()
    start = now - datetime.timedelta(minutes=175)
    section = Section.objects.filter(slug="politics").first() or Section.objects.order_by("position").first()
    if section is None:
        return False
    with transaction.atomic():
        article = Article.objects.create(
            headline="Live: election night in Ardenport",
            dek="Results from the city's six wards as they are declared.",
            body="<p>Voters in Ardenport have chosen a new city council. Follow the count with our reporters at "
            "the Exchange Hall.</p><p>Thirty-six seats in six wards are being contested; the council has had no "
            "overall control since 2021.</p><p>Results are declared ward by ward through the night.</p>",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=start,
            lead_image=Image.objects.order_by("pk").first(),  # one of the demo's drawings
            is_featured=True,
            priority=100,
            external_id=EXTERNAL_ID,
        )
        article.tags.add("Elections", "City council")
        reporters = list(Author.objects.filter(is_active=True).order_by("pk")[:2])
        for position, author in enumerate(reporters):
            ArticleAuthor.objects.create(article=article, author=author, position=position)
        blog = LiveBlog.objects.create(article=article, coverage_start=start)
        for index, (minutes, title, body, key, pinned) in enumerate(ENTRIES):
            Entry.objects.create(
                live_blog=blog, title=title, body=body, is_key_event=key, is_pinned=pinned,
                posted_at=start + datetime.timedelta(minutes=minutes),
                author=reporters[index % len(reporters)] if reporters else None,
            )  # fmt: skip
    return True
