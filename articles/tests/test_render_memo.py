"""The memoised URLs and timestamps that make listing pages cheap must still follow every setting they depend on."""

import datetime
import zoneinfo

import pytest
from django.template.loader import render_to_string
from django.urls import set_script_prefix
from django.utils import timezone

from articles.templatetags.newsroom import timestamp
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_article_address_follows_a_changed_slug_on_the_same_instance():
    article = ArticleFactory(live=True, slug="first-slug")
    assert article.get_absolute_url().endswith("/first-slug/")

    article.slug = "second-slug"

    assert article.get_absolute_url().endswith("/second-slug/")


def test_addresses_follow_the_script_prefix():
    article = ArticleFactory(live=True)
    section, author = SectionFactory(), AuthorFactory()
    plain = [article.get_absolute_url(), section.get_absolute_url(), author.get_absolute_url()]
    try:
        set_script_prefix("/news/")
        prefixed = [article.get_absolute_url(), section.get_absolute_url(), author.get_absolute_url()]
    finally:
        set_script_prefix("/")

    assert prefixed == ["/news" + url for url in plain]


def test_article_address_is_the_stored_publication_day_whatever_the_active_time_zone():
    article = ArticleFactory(live=True, published_at=datetime.datetime(2024, 3, 5, 23, 30, tzinfo=datetime.UTC))

    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        in_utc = article.get_absolute_url()
    with timezone.override(zoneinfo.ZoneInfo("Asia/Baku")):
        in_baku = article.get_absolute_url()

    assert "/2024/03/05/" in in_utc
    assert in_baku == in_utc


def test_timestamp_follows_the_active_time_zone():
    moment = datetime.datetime(2024, 3, 5, 23, 30, tzinfo=datetime.UTC)

    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        in_utc = timestamp(moment)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Baku")):
        in_baku = timestamp(moment)

    assert in_utc == '<time datetime="2024-03-05T23:30:00+00:00">5 March 2024 23:30 (UTC+00:00)</time>'
    assert in_baku == '<time datetime="2024-03-06T03:30:00+04:00">6 March 2024 03:30 (UTC+04:00)</time>'


def test_rendition_urls_follow_a_changed_media_url(photo, settings):
    before = render_to_string("articles/includes/image.html", {"image": photo})
    settings.MEDIA_URL = "https://media.example.org/"
    after = render_to_string("articles/includes/image.html", {"image": photo})

    assert 'srcset="/media/' in before
    assert 'srcset="https://media.example.org/' in after
    assert "/media/" not in after


def test_card_picture_takes_alt_and_loading_from_the_including_page(photo):
    article = ArticleFactory(live=True, lead_image=photo)

    html = render_to_string(
        "articles/includes/card.html",
        {"article": article, "show_image": True, "alt": "Chosen <alt>", "loading": "eager"},
    )

    assert 'alt="Chosen &lt;alt&gt;" loading="eager" decoding="async" fetchpriority="high">' in html
    assert 'sizes="(min-width: 60em) 20em, 100vw"' in html
