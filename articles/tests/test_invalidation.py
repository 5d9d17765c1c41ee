"""Exact invalidation: every kind of change × every kind of page.

For each change, every page is read once more through the page cache and compared with the same page rendered
with no cache at all: every page must be fresh. Pages whose own output the change touches must have been
rendered again (a miss); every other page must still be a hit — including article pages whose shared Latest
box or navigation changed, which are assembled from their cached body and the new fragment.
"""

import datetime
import re
from http import HTTPStatus

import pytest
from django.test import override_settings
from django.urls import reverse

from articles.models import Article, Author, Image, Section, Tag
from articles.tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, ImageFactory, SectionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

T0 = datetime.datetime(2024, 3, 5, 12, 0, tzinfo=datetime.UTC)
LISTINGS = {"home", "latest", "section", "tag", "author", "feed", "section_feed", "archive"}
PUBLICATION = LISTINGS | {"authors", "sitemap", "news_sitemap"}


@pytest.fixture
def world(time_machine):
    time_machine.move_to(T0, tick=False)
    news, sport = SectionFactory(name="News", slug="news"), SectionFactory(name="Sport", slug="sport")
    leyla, rauf = AuthorFactory(name="Leyla Mammadova"), AuthorFactory(name="Rauf Aliyev")
    photo = ImageFactory(caption="Wind farm near Baku", credit="Jane Roe/AP")
    story = ArticleFactory(
        headline="Wind farm opens on the coast", section=news, authors=[leyla], tags=["Energy"], lead_image=photo,
        status=Article.Status.PUBLISHED, published_at=T0 - datetime.timedelta(hours=1),
    )  # fmt: skip
    other = ArticleFactory(
        headline="Derby ends in a draw", section=sport, authors=[rauf], tags=["Football"],
        status=Article.Status.PUBLISHED, published_at=T0 - datetime.timedelta(hours=3),
    )  # fmt: skip
    draft = ArticleFactory(headline="Draft: grid upgrade", section=news, authors=[leyla], tags=["Energy"])
    scheduled = ArticleFactory(
        headline="Turbines reach full power", section=news, authors=[leyla], tags=["Energy"],
        status=Article.Status.PUBLISHED, published_at=T0 + datetime.timedelta(minutes=2),
    )  # fmt: skip
    embargoed = ArticleFactory(
        headline="Wire: tariff cut announced", section=news, authors=[leyla], tags=["Energy"],
        status=Article.Status.PUBLISHED, published_at=T0 - datetime.timedelta(hours=2),
        embargo_until=T0 + datetime.timedelta(minutes=4),
    )  # fmt: skip
    energy = Tag.objects.get(name="Energy")
    pages = {
        "article": story.get_absolute_url(),
        "other_article": other.get_absolute_url(),
        "home": "/",
        "latest": "/latest/",
        "section": news.get_absolute_url(),
        "other_section": sport.get_absolute_url(),
        "tag": energy.get_absolute_url(),
        "author": leyla.get_absolute_url(),
        "authors": "/authors/",
        "feed": "/feed/",
        "section_feed": reverse("articles:section_feed", kwargs={"slug": "news"}),
        "sitemap": reverse("articles:sitemap_section", kwargs={"section": "articles"}),
        "news_sitemap": "/news-sitemap.xml",
        "archive": "/archive/2024/03/05/",
    }
    objects = {
        "story": story, "other": other, "draft": draft, "scheduled": scheduled, "embargoed": embargoed,
        "news": news, "leyla": leyla, "energy": energy, "photo": photo, "time_machine": time_machine,
    }  # fmt: skip
    return pages, objects


def _edit_draft(o):
    o["draft"].headline = "Draft: grid upgrade delayed"
    o["draft"].save()


def _submit_draft(o):
    o["draft"].status = Article.Status.REVIEW
    o["draft"].save()


def _schedule_draft(o):
    o["draft"].publish(at=T0 + datetime.timedelta(hours=5))


def _scheduled_time_passes(o):
    o["time_machine"].move_to(T0 + datetime.timedelta(minutes=3), tick=False)


def _embargo_lifts(o):
    o["time_machine"].move_to(T0 + datetime.timedelta(minutes=4, seconds=30), tick=False)


def _publish_draft(o):
    o["draft"].publish()


def _fix_typo(o):
    o["story"].headline = "Wind farm opens on the Caspian coast"
    o["story"].save()


def _add_correction(o):
    CorrectionFactory(article=o["story"], note="<p>An earlier version gave the wrong capacity.</p>")


def _unpublish(o):
    o["story"].unpublish()


def _delete(o):
    o["story"].delete()


def _embargo_again(o):
    o["story"].embargo_until = T0 + datetime.timedelta(hours=1)
    o["story"].save()


def _rename_section(o):
    section = Section.objects.get(pk=o["news"].pk)
    section.name = "Home news"
    section.save()


def _rename_author(o):
    author = Author.objects.get(pk=o["leyla"].pk)
    author.name = "Leyla Mammadli"
    author.save()


def _new_portrait(o):
    author = Author.objects.get(pk=o["leyla"].pk)
    author.photo = ImageFactory(alt_text="Leyla Mammadova")
    author.save()


def _rename_tag(o):
    tag = Tag.objects.get(pk=o["energy"].pk)
    tag.name = "Renewable energy"
    tag.save()


def _change_caption(o):
    image = Image.objects.get(pk=o["photo"].pk)
    image.caption, image.credit = "Turbines off Sangachal", "Sara Roe/Reuters"
    image.save()


def _feature(o):
    story = Article.objects.get(pk=o["other"].pk)
    story.is_featured, story.priority = True, 5
    story.save()


# change → the pages whose own output it changes (re-rendered); every other page must stay a hit.
MATRIX = [
    ("draft edited", _edit_draft, set()),
    ("sent for review", _submit_draft, set()),
    ("draft scheduled", _schedule_draft, set()),
    ("scheduled time passes", _scheduled_time_passes, PUBLICATION),
    ("draft published", _publish_draft, PUBLICATION),
    ("typo fixed in a live story", _fix_typo, LISTINGS | {"article", "news_sitemap"}),
    ("correction added", _add_correction, {"article"}),
    ("unpublished", _unpublish, PUBLICATION | {"article"}),
    ("deleted", _delete, PUBLICATION | {"article"}),
    ("embargoed again", _embargo_again, PUBLICATION | {"article"}),
    ("embargo lifts", _embargo_lifts, PUBLICATION),
    ("section renamed", _rename_section, LISTINGS | {"article"}),
    ("author renamed", _rename_author, LISTINGS | {"article", "authors"}),
    ("author's new portrait", _new_portrait, {"author", "authors"}),
    ("tag renamed", _rename_tag, {"article", "tag", "feed", "section_feed"}),
    ("caption and credit changed", _change_caption, {"article", "feed", "section_feed"}),
    ("featured with a priority", _feature, {"home"}),
]


RELATED = re.compile(rb'\s*<section class="related".*?</section>\s*', re.S)


def _comparable(name, response, change):
    """A publication reaches other stories' pages only through the Latest box (issue 13): the Related list of
    a story already cached is not re-rendered for it, and catches up within PAGE_CACHE_SECONDS."""
    if change in (_publish_draft, _scheduled_time_passes, _embargo_lifts) and name in ("article", "other_article"):
        return response.status_code, re.sub(rb"\s+", b"", RELATED.sub(b"", response.content))
    return response.status_code, response.content


def _uncached(client, url):
    with override_settings(PAGE_CACHE_SECONDS=0):
        return client.get(url)


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _n, c, e in MATRIX], ids=[n for n, _c, _e in MATRIX])
def test_a_change_makes_stale_exactly_the_pages_whose_output_it_changes(client, world, change, expected):
    pages, objects = world
    before = {}
    for name, url in pages.items():
        client.get(url)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, name
        assert response["X-Page-Cache"] == "hit", name
        before[name] = response.content

    change(objects)

    for name, url in pages.items():
        cached = client.get(url)
        truth = _uncached(client, url)
        assert _comparable(name, cached, change) == _comparable(name, truth, change), f"{name} is not fresh"
        if name in expected:
            assert (truth.status_code, truth.content) != (HTTPStatus.OK, before[name]), f"{name} did not change"
            assert cached.get("X-Page-Cache") != "hit", f"{name} was served from the cache"
        else:
            assert cached["X-Page-Cache"] == "hit", f"{name} was rendered again"
