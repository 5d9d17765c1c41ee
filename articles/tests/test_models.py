import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from articles.models import Article, Author, Section, Tag
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_review_scheduled_unpublished_and_embargoed():
    live = ArticleFactory(live=True)
    ArticleFactory()
    ArticleFactory(status=Article.Status.REVIEW)
    ArticleFactory(scheduled=True)
    ArticleFactory(live=True, status=Article.Status.UNPUBLISHED)
    ArticleFactory(live=True, status=Article.Status.ARCHIVED)
    ArticleFactory(live=True, embargo_until=timezone.now() + datetime.timedelta(hours=2))

    assert list(Article.objects.published()) == [live]


def test_scheduled_article_becomes_published_when_its_time_comes():
    import time_machine

    article = ArticleFactory(scheduled=True)

    with time_machine.travel(article.published_at - datetime.timedelta(minutes=1)):
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(article.published_at + datetime.timedelta(minutes=1)):
        assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Azərbaycan prezidenti Bakıda çıxış etdi", "azerbaycan-prezidenti-bakida-cixis-etdi"),
        ("Москва и Киев обменялись пленными", "moskva-i-kiev-obmenialis-plennymi"),
        ("北京举行新闻发布会", "bei-jing-ju-xing-xin-wen-fa-bu-hui"),
    ],
)
def test_headlines_in_any_script_get_ascii_slugs(headline, expected):
    article = ArticleFactory(headline=headline, live=True)

    assert article.slug == expected


def test_arabic_and_emoji_headlines_get_working_urls(client):
    arabic = ArticleFactory(headline="مرحبا بالعالم من الدوحة", live=True)
    emoji = ArticleFactory(headline="🎉🔥🚀", live=True)

    assert arabic.slug.isascii() and arabic.slug
    assert emoji.slug.startswith("article-")
    for article in (arabic, emoji):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_very_long_headline_fits_the_slug_column():
    headline = "Parliament debates " + "a very long amendment " * 20
    article = ArticleFactory(headline=headline[:300], live=True)

    article.refresh_from_db()
    assert len(article.slug) <= Article._meta.get_field("slug").max_length
    assert not article.slug.endswith("-")


def test_same_headline_same_day_gets_distinct_slugs():
    first = ArticleFactory(headline="Storm hits the coast", live=True)
    second = ArticleFactory(headline="Storm hits the coast", published_at=first.published_at, status="published")

    assert first.slug == "storm-hits-the-coast"
    assert second.slug == "storm-hits-the-coast-2"


def test_database_refuses_duplicate_slug_on_the_same_day():
    article = ArticleFactory(live=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        # update() skips save(), so only the constraint stands in the way.
        other = ArticleFactory(live=True, headline="Another story", published_at=article.published_at)
        Article.objects.filter(pk=other.pk).update(slug=article.slug)


def test_database_refuses_an_unknown_status_and_published_without_time():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="bogus")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="published", published_at=None)


def test_names_and_tags_in_other_scripts_get_slugs_and_pages(client):
    section = SectionFactory(name="Siyasət")
    author = AuthorFactory(name="Səbinə Əliyeva")
    article = ArticleFactory(live=True, section=section, authors=[author], tags=["İqtisadiyyat", "🌍"])
    tags = {tag.name: tag.slug for tag in Tag.objects.all()}

    assert section.slug == "siyaset"
    assert author.slug == "sebine-eliyeva"
    assert tags["İqtisadiyyat"] == "iqtisadiyyat"
    assert tags["🌍"].startswith("tag-")
    for url in [section.get_absolute_url(), author.get_absolute_url(), *(f"/tag/{s}/" for s in tags.values())]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert article.headline in response.content.decode()


def test_authors_with_the_same_name_get_distinct_slugs():
    first = Author.objects.create(name="Ali Hasanov")
    second = Author.objects.create(name="Ali Hasanov")

    assert first.slug != second.slug


def test_byline_text_joins_names_in_order():
    authors = [AuthorFactory(name=name) for name in ("Ann", "Bob", "Cy")]

    assert ArticleFactory(authors=authors[:1]).byline_text() == "Ann"
    assert ArticleFactory(authors=authors[:2]).byline_text() == "Ann and Bob"
    assert ArticleFactory(authors=list(reversed(authors))).byline_text() == "Cy, Bob and Ann"
    assert ArticleFactory(authors=authors, byline_override="Staff reporter").byline_text() == "Staff reporter"


def test_body_is_sanitised_whenever_the_model_is_saved():
    article = ArticleFactory(body='<p onclick="steal()">Hi<script>alert(1)</script></p>')

    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"


def test_article_url_uses_the_newsroom_day(baku):
    # 22:30 UTC on 31 December is already 1 January in Baku.
    at = datetime.datetime(2023, 12, 31, 22, 30, tzinfo=datetime.UTC)
    article = ArticleFactory(status="published", published_at=at, headline="New year")

    assert article.get_absolute_url() == "/2024/01/01/new-year/"
    assert article.publication_date == datetime.date(2024, 1, 1)


def test_changing_the_time_zone_after_publishing_keeps_the_canonical_address_working(baku, client):
    # 22:30 UTC on 31 December is 1 January in Baku, where it was published; still 31 December in UTC.
    at = datetime.datetime(2023, 12, 31, 22, 30, tzinfo=datetime.UTC)
    article = ArticleFactory(status="published", published_at=at, headline="New year")
    published_address = article.get_absolute_url()

    baku.TIME_ZONE = "UTC"
    article = Article.objects.get(pk=article.pk)

    assert article.get_absolute_url() == published_address == "/2024/01/01/new-year/"
    assert client.get(published_address).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite does not enforce column lengths")
def test_postgresql_accepts_the_longest_headline_and_slug():
    article = ArticleFactory(headline="x" * 300, live=True, section=Section.objects.create(name="Long"))

    article.refresh_from_db()
    assert len(article.slug) == Article._meta.get_field("slug").max_length


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_same_headline_on_the_same_day_both_succeed(monkeypatch):
    import threading

    from django.db import connections

    from articles import models

    section = SectionFactory()
    at = timezone.now() - datetime.timedelta(hours=1)
    # Both saves pick their slug before either writes its row: the race unique_slug() alone loses.
    both_checked = threading.Barrier(2, timeout=10)
    real_unique_slug = models.unique_slug

    def unique_slug_then_wait(*args, **kwargs):
        slug = real_unique_slug(*args, **kwargs)
        if not getattr(checked, "done", False):
            checked.done = True
            both_checked.wait()
        return slug

    checked = threading.local()
    monkeypatch.setattr(models, "unique_slug", unique_slug_then_wait)
    errors = []

    def publish():
        try:
            Article.objects.create(
                headline="Storm hits the coast", section=section, status="published", published_at=at
            )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["storm-hits-the-coast", "storm-hits-the-coast-2"]
