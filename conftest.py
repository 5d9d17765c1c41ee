import datetime
import os

import pytest
from django.core.cache import cache

pytest_plugins = ["tests.varnish", "tests.seaweedfs"]


def pytest_configure(config):
    """Test-only settings for the whole run: the test configuration, not newsroom/settings.py, knows it is a test.

    tests/test_security_settings.py checks the production values in a subprocess (with pytest imported, too).
    """
    from django.conf import settings
    from django.test import override_settings

    test_settings = override_settings(
        # Argon2 is deliberately slow and tests hash many passwords.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Django's test environment adds "testserver"; some tests ask for these hosts too.
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost", "127.0.0.1", "[::1]"],
        # Tests log in with client.login, which passes no request; tests of the lockout switch axes back on.
        AXES_ENABLED=False,
        # Plain http on loopback: the live server's middleware is built once, before any test's own settings.
        SECURE_SSL_REDIRECT=False,
        # A test's transaction never commits: pages must go stale at once, and be rendered again in the
        # request's own thread (a background thread has its own database connection, outside the transaction).
        PAGE_CACHE_INVALIDATE_BEFORE_COMMIT=True,
        PAGE_CACHE_BACKGROUND_REFRESH=False,
        # Background jobs run in-process after the commit (as without REDIS_URL), even when the run has Redis: a
        # test sees their outcome; tests of the queue itself ask for it (jobs/tests/test_jobs.py, rq_queue).
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        # Pages render {% static %} without a collectstatic manifest.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Page cache off unless a test asks for it (page_cache_on): a test that writes with QuerySet.update()
        # would otherwise see its own cached pages. An explicit PAGE_CACHE_SECONDS in the environment still wins.
        **({} if os.environ.get("PAGE_CACHE_SECONDS", "").strip() else {"PAGE_CACHE_SECONDS": 0}),
    )
    # override_settings (not assignment) so that what was built from the settings at start-up, such as the
    # static files storage, is rebuilt through Django's setting_changed signal.
    test_settings.enable()
    config.add_cleanup(test_settings.disable)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Every test gets its own media folder, an empty cache and a known time zone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TIME_ZONE = "UTC"
    settings.SECURE_SSL_REDIRECT = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def baku(settings):
    """The newsroom in Baku (UTC+04:00, no daylight saving)."""
    settings.TIME_ZONE = "Asia/Baku"
    return settings


@pytest.fixture
def page_cache_on(settings):
    """The Redis-style page cache switched on (it is off under pytest by default), with empty worker memory."""
    from articles import cache as page_cache

    settings.PAGE_CACHE_SECONDS = 300
    page_cache.clear_local_memory()
    yield
    page_cache.clear_local_memory()


# Shared fixtures: the people and stories several test modules use -----------------------------------------


@pytest.fixture
def editor(db):
    """Edna Desk, in the Editor role (logs in with force_login)."""
    from articles.roles import EDITOR
    from articles.tests.admin_helpers import user_with_role

    return user_with_role(EDITOR, username="edna", first_name="Edna", last_name="Desk")


@pytest.fixture
def writer(db):
    from articles.roles import WRITER
    from articles.tests.admin_helpers import user_with_role

    return user_with_role(WRITER, username="wendy")


@pytest.fixture
def story(baku):
    """A published story in Baku with every field the feeds and SEO tags carry, and one correction."""
    from articles.tests.factories import (
        ArticleFactory,
        AuthorFactory,
        CorrectionFactory,
        ImageFactory,
        SectionFactory,
    )

    published = datetime.datetime(2024, 3, 5, 9, 30, tzinfo=datetime.UTC)
    article = ArticleFactory(
        live=True,
        headline="Council approves budget",
        dek="The plan funds schools and road repairs.",
        dateline="BAKU",
        published_at=published,
        updated_at=published + datetime.timedelta(hours=3),
        section=SectionFactory(name="Politics"),
        authors=[AuthorFactory(name="Sara Rajabova"), AuthorFactory(name="Tom Hale")],
        tags=["Budget", "Schools"],
        lead_image=ImageFactory(
            caption="Councillors vote.", alt_text="Councillors raise their hands", credit="Jane Roe/Newsroom"
        ),
    )
    CorrectionFactory(
        article=article,
        note="<p>An earlier version misspelled the minister’s name.</p>",
        published_at=published + datetime.timedelta(days=1),
    )
    return article


@pytest.fixture
def photo(django_capture_on_commit_callbacks):
    """A 1000×600 JPEG in the image library, its renditions made."""
    from articles.tests.factories import ImageFactory
    from articles.tests.test_images import encode, upload

    with django_capture_on_commit_callbacks(execute=True):
        image = ImageFactory(file=upload("photo.jpg", encode("JPEG", size=(1000, 600))))
    image.refresh_from_db()  # the process_image job recorded the renditions on the row
    return image
