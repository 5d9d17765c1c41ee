"""Most read: views of article pages counted (cached hits too), bots and staff not; the box and the admin's sort."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.tests.admin_helpers import logged_in
from articles.tests.factories import ArticleFactory
from live.counting import counter
from live.models import ArticleViews

pytestmark = pytest.mark.django_db

READER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def views(article):
    return dict(counter().totals(24)).get(article.get_absolute_url(), 0)


def box(html):
    """The Most read box's HTML, or "" when the page has none."""
    if 'class="most-read"' not in html:
        return ""
    start = html.index('class="most-read"')
    return html[start : html.index("</aside>", start)]


def read(client, article, agent=READER, times=1):
    for _ in range(times):
        assert client.get(article.get_absolute_url(), headers={"User-Agent": agent}).status_code == HTTPStatus.OK


def test_views_are_counted_including_cached_hits(client, page_cache_on):
    article = ArticleFactory(live=True)

    first = client.get(article.get_absolute_url(), headers={"User-Agent": READER})
    second = client.get(article.get_absolute_url(), headers={"User-Agent": READER})

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert views(article) == 2


def test_bots_staff_missing_pages_and_other_pages_are_not_counted(client, editor):
    article = ArticleFactory(live=True)
    read(client, article, agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    read(client, article, agent="")
    read(logged_in(editor), article)
    client.get("/2024/01/01/no-such-story/", headers={"User-Agent": READER})
    client.get("/", headers={"User-Agent": READER})

    assert counter().totals(24) == []


def test_the_most_read_box_lists_the_most_read_published_stories(client, settings):
    settings.MOST_READ_SIZE = 2
    quiet, popular, middling, pulled = (
        ArticleFactory(live=True, headline=h) for h in ("Quiet", "Popular", "Middling", "Pulled")
    )
    read(client, quiet)
    read(client, popular, times=4)
    read(client, middling, times=2)
    read(client, pulled, times=9)
    pulled.status = "draft"
    pulled.save()

    html = client.get("/").content.decode()

    shown = box(html)
    assert shown.index("Popular") < shown.index("Middling")
    assert "Quiet" not in shown and "Pulled" not in shown
    assert 'class="most-read"' in client.get(quiet.get_absolute_url()).content.decode()


def test_the_box_is_renewed_at_most_once_a_minute(client, page_cache_on):
    article = ArticleFactory(live=True, headline="Suddenly popular")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/")  # the box, empty, is rendered and kept
        read(client, article, times=3)
        assert box(client.get("/").content.decode()) == ""  # still the copy of a moment ago
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert "Suddenly popular" in box(client.get("/").content.decode())


def test_the_admin_article_list_sorts_by_views(client, editor):
    few, many = ArticleFactory(live=True, headline="Few readers"), ArticleFactory(live=True, headline="Many readers")
    read(client, few)
    read(client, many, times=3)
    desk = logged_in(editor)
    changelist = reverse("admin:articles_article_changelist")
    from live.admin import ArticleWithViewsAdmin

    column = ArticleWithViewsAdmin.list_display.index("views_24h")
    response = desk.get(changelist, {"o": f"{column + 1}"})  # +1: the admin counts the checkbox column

    html = response.content.decode()
    assert html.index("Many readers") < html.index("Few readers")
    assert ArticleViews.objects.get(article=many).last_24h == 3
