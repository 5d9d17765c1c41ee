"""The demo newsroom (`seed_demo`) and its logins (`demo_accounts`), through the management commands."""

import datetime
import io
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggedArticle
from articles.sanitize import sanitize_html
from articles.text import make_slug

pytestmark = pytest.mark.django_db

SMALL = 30  # numbers 3, 7 and 13 of every 50 are scheduled, a draft and in review; 20 has a correction


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The demo logins' passwords are hashed several times per test; Argon2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args, **options):
    out = io.StringIO()
    options.setdefault("articles", SMALL)
    options.setdefault("image_pool", 4)
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Section, Author, Article, ArticleAuthor, TaggedArticle, Tag, Image, Correction)
    }


def demo_accounts(*args):
    out = io.StringIO()
    call_command("demo_accounts", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_seed_demo_builds_a_newsroom_of_sections_authors_and_articles():
    seed()

    assert Section.objects.count() >= 6
    assert Author.objects.count() >= 12
    assert Article.objects.filter(external_id__startswith="demo-").count() == SMALL
    assert not Author.objects.filter(photo__isnull=True).exists()
    assert not Author.objects.filter(job_title="").exists()
    assert not Article.objects.filter(lead_image__isnull=True).exists()
    tag_counts = set(Article.objects.annotate(n=Count("tags")).values_list("n", flat=True))
    assert tag_counts <= {2, 3, 4, 5, 6}
    without_byline = Article.objects.filter(article_authors__isnull=True, byline_override="")
    assert not without_byline.exists()
    assert Article.objects.filter(byline_override="Staff reporter").exists()
    assert Correction.objects.filter(article__in=Article.objects.published()).exists()
    # Written copy, not filler: paragraphs, subheads, quotes, and headlines that differ.
    assert not Article.objects.filter(body__icontains="lorem").exists()
    assert Article.objects.filter(body__contains="<h2>").exists()
    assert Article.objects.filter(body__contains="<blockquote>").exists()
    assert min(article.body.count("<p>") for article in Article.objects.all()) >= 3
    assert len(set(Article.objects.values_list("headline", flat=True))) >= SMALL * 0.8


def test_drafts_reviews_and_scheduled_stories_are_not_published():
    seed()

    hidden = {
        "draft": Article.objects.filter(status=Article.Status.DRAFT),
        "review": Article.objects.filter(status=Article.Status.REVIEW),
        "scheduled": Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now()),
    }

    for state, articles in hidden.items():
        assert articles.exists(), state
        assert not Article.objects.published().filter(pk__in=articles).exists(), state


def test_published_demo_articles_span_ninety_days_and_open_for_readers(client):
    seed()
    published = Article.objects.published().order_by("published_at")
    author = Author.objects.get(name="Rəşad Məmmədov")

    span = published.last().published_at - published.first().published_at
    article_page = client.get(published.last().get_absolute_url())
    author_page = client.get(author.get_absolute_url())

    assert span >= datetime.timedelta(days=90)
    assert article_page.status_code == HTTPStatus.OK
    assert published.last().headline in article_page.content.decode()
    assert author.slug == "resad-memmedov"
    assert author_page.status_code == HTTPStatus.OK


def test_bulk_rows_are_what_article_save_would_have_made(baku):
    seed()

    for article in Article.objects.exclude(published_at=None):
        assert article.publication_date == timezone.localdate(article.published_at)
        assert article.slug.startswith(make_slug(article.headline, max_length=200)[:150])
        assert article.body == sanitize_html(article.body)


def test_running_seed_demo_again_only_adds_what_is_missing():
    seed()
    first = counts()

    output = seed()
    again = counts()
    seed(articles=SMALL + 5)

    assert again == first
    assert "already there" in output
    assert Article.objects.filter(external_id__startswith="demo-").count() == SMALL + 5


def test_the_same_seed_writes_the_same_articles():
    seed(seed=7)
    first = dict(Article.objects.values_list("external_id", "headline"))
    Article.objects.all().delete()

    seed(seed=7)

    assert dict(Article.objects.values_list("external_id", "headline")) == first


def test_portraits_and_lead_images_are_real_jpegs_with_alt_text():
    seed()
    sebine = Author.objects.select_related("photo").get(slug="sebine-eliyeva")
    lead = Article.objects.select_related("lead_image").first().lead_image

    for image, size in ((sebine.photo, (600, 600)), (lead, (1600, 900))):
        with image.file.open("rb") as handle, PILImage.open(handle) as picture:
            picture.load()
            assert picture.format == "JPEG"
            assert picture.size == size
        assert (image.width, image.height) == size
        assert image.alt_text and image.credit
    assert sebine.photo.alt_text == "Portrait of Səbinə Əliyeva"

    # A lost file (a wiped media folder) is drawn again on the next run.
    sebine.photo.file.storage.delete(sebine.photo.file.name)
    seed()
    photo = Author.objects.get(slug="sebine-eliyeva").photo
    assert photo.file.storage.exists(photo.file.name)


@pytest.mark.parametrize("value", ["-5", "abc", "0", "1.5"])
def test_seed_demo_refuses_a_bad_article_count(value):
    with pytest.raises(CommandError, match="whole number"):
        call_command("seed_demo", "--articles", value, stdout=io.StringIO())

    assert not Article.objects.exists()


def test_seed_demo_refuses_a_bad_count_passed_from_code():
    with pytest.raises(CommandError, match="--articles must be a whole number"):
        call_command("seed_demo", articles=-5, stdout=io.StringIO())


def test_seed_demo_on_the_command_line_reports_bad_input_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--articles", "abc"],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "DATABASE_URL": "sqlite:////nonexistent/never-opened.sqlite3"},
    )

    assert result.returncode != 0
    assert "whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_accounts_refuse_to_exist_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        demo_accounts("--print")

    assert not get_user_model().objects.filter(username__in=["writer", "editor", "staff"]).exists()


def test_demo_accounts_are_staff_logins_in_their_roles(settings):
    settings.DEBUG = True

    demo_accounts()
    demo_accounts()  # idempotent

    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=["writer", "editor", "staff"])
    }
    assert set(users) == {"writer", "editor", "staff"}
    for username, user in users.items():
        assert user.is_staff and user.is_active and not user.is_superuser
        assert user.check_password(f"{username}-demo-2026")
        if Group.objects.filter(name=username.title()).exists():
            assert user.groups.filter(name=username.title()).exists()
    assert users["writer"].author.name == "Səbinə Əliyeva"
    assert users["editor"].author.name == "Rəşad Məmmədov"


def test_demo_accounts_print_the_admin_address_and_logins(settings):
    settings.DEBUG = True

    output = demo_accounts("--print")

    assert f"http://127.0.0.1:8000/{settings.ADMIN_URL}" in output
    for password in ("writer-demo-2026", "editor-demo-2026", "staff-demo-2026"):
        assert password in output


def test_demo_editor_can_log_in_to_the_admin(client, settings):
    settings.DEBUG = True
    demo_accounts()

    assert client.login(username="editor", password="editor-demo-2026")
    response = client.get(f"/{settings.ADMIN_URL}")

    assert response.status_code == HTTPStatus.OK


def test_demo_accounts_link_to_the_seeded_authors_without_duplicating_them(settings):
    settings.DEBUG = True
    seed()
    authors = Author.objects.count()

    demo_accounts()

    assert Author.objects.count() == authors
    assert Author.objects.get(slug="sebine-eliyeva").user.username == "writer"
