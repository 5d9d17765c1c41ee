"""Full-page screenshots of every public page type and the main admin screens, for reviewers.

They are written as `<page>-<phone|desktop>.png` to test-artifacts/screenshots/ (ignored by git), or, with
`SCREENSHOTS=1`, over the tracked ones in docs/screenshots/ — a test run changes no tracked file unless asked.
The newsroom is in Baku so times show their UTC offset as readers would see them.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .browsing import VIEWPORTS, log_in, staff_user
from .content import build_newsroom

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
UPDATE_TRACKED = os.environ.get("SCREENSHOTS", "").strip() == "1"
SCREENSHOTS = ROOT / "docs" / "screenshots" if UPDATE_TRACKED else ROOT / "test-artifacts" / "screenshots"
PUBLIC_PAGES = ["home", "article", "section", "tag", "author", "authors", "latest", "search", "404"]

# Lazy images below the fold would be blank in a full-page shot: load them all, then wait for every one.
LOAD_ALL_IMAGES = """async () => {
  for (const img of document.images) img.loading = "eager";
  await Promise.all([...document.images].map(img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done); img.addEventListener("error", done);
  })));
}"""


def shoot(page, name, viewport):
    page.evaluate(LOAD_ALL_IMAGES)
    path = SCREENSHOTS / f"{name}-{viewport}.png"
    page.screenshot(path=path, full_page=True, animations="disabled")
    return path


@pytest.fixture(scope="module", autouse=True)
def screenshot_folder():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots_of_every_public_page_type(new_page, viewport, baku):
    newsroom = build_newsroom(fillers=24, images=True)
    page = new_page(viewport)

    for name in PUBLIC_PAGES:
        response = page.goto(newsroom.urls()[name])
        assert response.status == (404 if name == "404" else 200), name
        expect(page.locator("h1")).to_have_count(1)
        if name == "article":
            expect(page.locator(".article__time time").first).to_contain_text("(UTC+04:00)")
        assert shoot(page, name, viewport).stat().st_size > 0


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_screenshots_of_the_admin_login_article_list_and_article_form(new_page, viewport, baku):
    newsroom = build_newsroom(fillers=12, images=True)
    editor = staff_user("editor", superuser=True, first_name="Elnur", last_name="Huseynov")
    page = new_page(viewport)

    page.goto(reverse("admin:login"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    shoot(page, "admin-login", viewport)

    log_in(page, editor)
    page.goto(reverse("admin:articles_article_changelist"))
    expect(page.locator("#result_list")).to_contain_text(newsroom.story.headline)
    shoot(page, "admin-article-list", viewport)

    page.goto(reverse("admin:articles_article_change", args=[newsroom.story.pk]))
    expect(page.get_by_label("Headline")).to_have_value(newsroom.story.headline)
    shoot(page, "admin-article-form", viewport)
