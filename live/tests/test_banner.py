"""The breaking-news banner: on every public page, gone at its expiry without a save, one at a time, never in feeds."""

import datetime
from http import HTTPStatus

import lxml.html
import pytest
import time_machine
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from live.models import Banner
from live.tests.factories import BannerFactory

pytestmark = pytest.mark.django_db


def banner_text(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    found = lxml.html.fromstring(response.content.decode()).xpath('//section[contains(@class, "news-banner")]')
    return found[0].text_content().split() if found else None


def test_the_banner_shows_on_every_public_page_in_a_labelled_region(client):
    article = ArticleFactory(live=True)
    BannerFactory(text="Polls have closed", level=Banner.Level.DEVELOPING)

    for url in ["/", article.get_absolute_url(), "/latest/", article.section.get_absolute_url(), "/search/?q=x"]:
        assert banner_text(client, url) == ["Developing", "Polls", "have", "closed"], url
    doc = lxml.html.fromstring(client.get("/").content.decode())
    (region,) = doc.xpath('//section[contains(@class, "news-banner")]')
    assert doc.xpath(f'//*[@id="{region.get("aria-labelledby")}"]')  # named by its label
    assert doc.xpath("//blink | //marquee") == []


def test_the_banner_disappears_at_its_expiry_without_a_save(client, page_cache_on):
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        BannerFactory(text="Storm warning", expires_at=moment + datetime.timedelta(minutes=30))
        assert "Storm" in banner_text(client, "/")
        assert "Storm" in banner_text(client, "/")  # from the cache
    with time_machine.travel(moment + datetime.timedelta(minutes=29), tick=False):
        assert "Storm" in banner_text(client, "/")
    with time_machine.travel(moment + datetime.timedelta(minutes=30, seconds=1), tick=False):
        assert banner_text(client, "/") is None


def test_setting_a_banner_re_renders_no_cached_page(client, page_cache_on):
    article = ArticleFactory(live=True)
    client.get(article.get_absolute_url())

    BannerFactory(text="Bridge closed")
    response = client.get(article.get_absolute_url())

    assert response["X-Page-Cache"] == "hit"  # the page's own body was not rendered again
    assert "Bridge closed" in response.content.decode()


def test_only_one_banner_is_active_at_a_time(client):
    first = BannerFactory(text="First")
    BannerFactory(text="Second")

    first.refresh_from_db()
    assert not first.is_active
    assert banner_text(client, "/")[1:] == ["Second"]


def test_the_banner_is_in_no_feed_or_sitemap(client):
    ArticleFactory(live=True)
    BannerFactory(text="Unmistakable banner words")
    for url in ["/feed/", "/feed/atom/", "/sitemap.xml", "/news-sitemap.xml"]:
        assert "Unmistakable" not in client.get(url).content.decode(), url


def test_an_editor_sets_a_banner_in_the_admin_and_a_bad_link_is_refused(editor, client):
    from articles.tests.admin_helpers import logged_in

    desk = logged_in(editor)
    bad = desk.post("/admin/live/banner/add/", {"text": "X", "link": "javascript:alert(1)", "level": "breaking",
                                                "is_active": "on"})  # fmt: skip
    assert bad.status_code == HTTPStatus.OK and not Banner.objects.exists()

    desk.post(
        "/admin/live/banner/add/", {"text": "Results", "link": "/latest/", "level": "breaking", "is_active": "on"}
    )
    assert banner_text(client, "/")[1:] == ["Results"]
