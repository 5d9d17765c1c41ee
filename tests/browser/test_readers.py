"""Readers' journeys in a real browser, following the links people click."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .content import build_newsroom

pytestmark = pytest.mark.django_db(transaction=True)


def masthead_dates():
    """Today in the newsroom's time zone, as the masthead writes it (“Monday February 26 2024”).

    Two candidates, in case the page is rendered across midnight.
    """
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    return [f"{day:%A %B} {day.day} {day.year}" for day in (today, tomorrow)]


def newsroom_time(value):
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y %H:%M}", local.isoformat(timespec="seconds")


def test_reader_follows_links_from_home_to_section_article_author_tag_and_latest_page_2(page, baku):
    newsroom = build_newsroom()
    story = newsroom.story
    sara, orkhan, leyla = newsroom.authors

    page.goto("/")
    expect(page).to_have_title(re.compile("news, analysis and opinion"))
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Economy").click()

    expect(page).to_have_url(re.compile(r"/section/economy/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Economy")
    expect(page.get_by_role("link", name=newsroom.draft.headline)).to_have_count(0)
    page.get_by_role("heading", level=2).get_by_role("link", name=story.headline).click()

    # The article page, checked in the rendered DOM.
    expect(page).to_have_url(re.compile(re.escape(story.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(story.headline)
    masthead_date = page.locator(".masthead__date time")
    expect(masthead_date).to_have_text(re.compile("^(" + "|".join(masthead_dates()) + ")$"))
    text, iso = newsroom_time(story.published_at)
    published = page.locator(".article__time time").first
    expect(published).to_have_text(f"{text} (UTC+04:00)")
    expect(published).to_have_attribute("datetime", iso)
    assert iso.endswith("+04:00")
    byline = page.locator(".article__meta .byline")
    expect(byline).to_have_text("By Sara Rajabova, Orkhan Jalilov and Leyla Mammadova")
    for author in newsroom.authors:
        expect(byline.get_by_role("link", name=author.name)).to_have_attribute("href", author.get_absolute_url())

    byline.get_by_role("link", name="Orkhan Jalilov").click()
    expect(page).to_have_url(re.compile(r"/author/orkhan-jalilov/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Orkhan Jalilov")
    page.get_by_role("link", name=story.headline).click()

    page.locator(".article__footer").get_by_role("link", name="Energy").click()
    expect(page).to_have_url(re.compile(r"/tag/energy/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Energy")
    page.get_by_role("heading", level=2).get_by_role("link", name=story.headline).click()

    page.get_by_role("complementary", name="Latest").get_by_role("link", name="See more").click()
    expect(page).to_have_url(re.compile(r"/latest/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Latest")
    expect(page.locator(".listing__items article")).to_have_count(20)
    expect(page.locator(".listing__items article").first).to_contain_text(story.headline)

    page.get_by_role("navigation", name="Pages").get_by_role("link", name=re.compile("Older")).click()
    expect(page).to_have_url(re.compile(r"/latest/\?page=2$"))
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 2")
    expect(page.locator(".listing__items article")).to_have_count(5)
    expect(page.locator(".listing__items article").last).to_contain_text(newsroom.oldest.headline)
    expect(page.get_by_text(newsroom.draft.headline)).to_have_count(0)


def test_article_page_shows_publication_and_update_times_with_utc_offset(page, baku):
    published_at = datetime.datetime(2013, 12, 12, 11, 50, tzinfo=datetime.UTC)
    article = ArticleFactory(
        status=Article.Status.PUBLISHED,
        published_at=published_at,
        updated_at=published_at + datetime.timedelta(hours=3, minutes=5),
        authors=[AuthorFactory(name="Sara Rajabova")],
    )

    page.goto(article.get_absolute_url())

    times = page.locator(".article__time time")
    expect(times.nth(0)).to_have_text("12 December 2013 15:50 (UTC+04:00)")
    expect(times.nth(0)).to_have_attribute("datetime", "2013-12-12T15:50:00+04:00")
    expect(page.locator(".article__time .updated")).to_have_text("Updated 12 December 2013 18:55 (UTC+04:00)")
    expect(times.nth(1)).to_have_attribute("datetime", "2013-12-12T18:55:00+04:00")
    expect(page.locator(".article__meta .byline")).to_have_text("By Sara Rajabova")


def test_masthead_date_follows_the_newsroom_time_zone_not_utc(page, settings):
    # Kiritimati is UTC+14: for most of the day its date differs from UTC's.
    settings.TIME_ZONE = "Pacific/Kiritimati"
    SectionFactory(name="World")

    page.goto("/")

    expect(page.locator(".masthead__date time")).to_have_text(re.compile("^(" + "|".join(masthead_dates()) + ")$"))


def test_scheduled_and_draft_stories_stay_out_of_every_reader_page(page):
    section = SectionFactory(name="Economy")
    live = ArticleFactory(live=True, section=section, headline="Live story about the harbour", tags=["Harbour"])
    ArticleFactory(scheduled=True, section=section, headline="Scheduled story for tomorrow", tags=["Harbour"])
    ArticleFactory(section=section, headline="Draft story nobody approved", tags=["Harbour"])

    for url in ("/", "/latest/", section.get_absolute_url(), "/tag/harbour/", live.get_absolute_url()):
        page.goto(url)
        expect(page.get_by_text(live.headline).first).to_be_visible()
        expect(page.get_by_text("Scheduled story for tomorrow")).to_have_count(0)
        expect(page.get_by_text("Draft story nobody approved")).to_have_count(0)
