"""The writing desk in Chromium (issue 18): the dashboard, the writing-first article screen, pre-publish checks,
nothing typed lost (a killed tab, an expired session), presence of another editor, phones, accessibility.

Journeys count the steps a person takes (a click, a typed field, a chosen file) and keep them short.
"""

import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Image
from articles.roles import EDITOR, WRITER
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from desk import presence

from .browsing import VIEWPORTS, log_in, staff_user
from .content import photo_bytes
from .test_screenshots import shoot

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING_IMPACTS = {"serious", "critical"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
axe = Axe()


@pytest.fixture(autouse=True)
def _no_presence_left_over():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def desk(baku):
    SectionFactory(name="Economy", position=1)
    writer = staff_user("leyla", role=WRITER, first_name="Leyla", last_name="Mammadova")
    AuthorFactory(name="Leyla Mammadova", user=writer)
    return {
        "writer": writer,
        "editor": staff_user("edgar", role=EDITOR, first_name="Edgar", last_name="Editor"),
        "other_editor": staff_user("aynur", role=EDITOR, first_name="Aynur", last_name="Aliyeva"),
    }


class Steps:
    """Counts what a person does: each click, fill, key press or chosen file is one step."""

    def __init__(self):
        self.count = 0

    def __call__(self, action, *args, **kwargs):
        self.count += 1
        return action(*args, **kwargs)


def choose(page, steps, field, text):
    container = page.locator(f"#id_{field}").locator("xpath=following-sibling::span[contains(@class, 'select2')][1]")
    steps(container.locator(".select2-selection").click)
    steps(page.locator(".select2-container--open .select2-search__field").fill, text)
    steps(page.locator(".select2-results__option", has_text=text).first.click)
    expect(container).to_contain_text(text)


def body_editor(page):
    return page.locator(".field-body [contenteditable=true]")


def test_writer_files_a_story_with_a_lead_image_from_the_dashboard_and_an_editor_publishes_it(new_page, desk):
    steps = Steps()
    page = new_page()
    log_in(page, desk["writer"])

    steps(page.get_by_role("link", name="New article").click)
    steps(page.get_by_label("Headline").fill, "Harbour expansion will double cargo traffic")
    expect(page.locator("#desk-headline-count")).to_have_text("43 characters")
    steps(page.get_by_label("Dek").fill, "The port authority approved the plan on Monday.")
    steps(body_editor(page).click)
    steps(page.keyboard.type, "The harbour will get two new berths and a rail link. Work starts in spring.")
    expect(page.locator("#desk-body-count")).to_have_text("15 words · 1 min read")
    choose(page, steps, "section", "Economy")
    # Her own byline is already there: nothing to choose.
    byline = page.locator("#id_article_authors-0-author").locator(
        "xpath=following-sibling::span[contains(@class, 'select2')][1]"
    )
    expect(byline).to_contain_text("Leyla Mammadova")
    with page.expect_popup() as popup:
        steps(page.locator("#add_id_lead_image").click)
    upload = popup.value
    # On a phone "Take a photo" opens the camera; the picture goes into the form's file field.
    camera = upload.locator("#desk-camera")
    expect(camera).to_have_attribute("accept", "image/*")
    expect(camera).to_have_attribute("capture", "environment")
    steps(camera.set_input_files, {"name": "harbour.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()})
    assert upload.locator("#id_file").evaluate("input => input.files[0].name") == "harbour.jpg"
    steps(upload.get_by_label("Title").fill, "Harbour cranes")
    steps(upload.get_by_label("Alt text").fill, "Container cranes on the harbour quay at dawn")
    steps(upload.get_by_role("button", name="Save", exact=True).click)
    upload.wait_for_event("close")
    expect(page.locator("#id_lead_image")).to_have_value(str(Image.objects.get(title="Harbour cranes").pk))
    steps(page.get_by_role("button", name="Submit for review").click)

    expect(page.locator(".article-state")).to_have_text("State: In review")
    article = Article.objects.get(headline="Harbour expansion will double cargo traffic")
    assert article.status == Article.Status.REVIEW and article.lead_image.title == "Harbour cranes"
    # New article, headline, dek, body (click, type), section (3), lead image (add, photo, title, alt, save), submit.
    assert steps.count == 14, f"the writer's journey took {steps.count} steps"

    editor_steps = Steps()
    editor = new_page()
    log_in(editor, desk["editor"])
    review = editor.locator("#desk-review")
    steps_link = review.get_by_role("link", name=article.headline)
    editor_steps(steps_link.click)
    expect(editor.locator(".desk-checklist")).to_contain_text("all fine")
    editor_steps(editor.get_by_role("button", name="Publish now").click)

    expect(editor.locator(".article-state")).to_have_text("State: Live")
    assert editor_steps.count == 2
    article.refresh_from_db()
    assert article.is_live


def test_the_pre_publish_check_fires_for_a_missing_alt_text_and_the_editor_may_publish_anyway(new_page, desk):
    article = ArticleFactory(
        headline="New ferry terminal opens on the bay",
        dek="Ten ferries a day will call.",
        status=Article.Status.REVIEW,
        authors=[AuthorFactory()],
        # A library image (data-image-id) whose alt text was left empty in the body.
        body='<p>The terminal opened.</p><figure class="image">'
        '<img src="/static/img/logo.png" alt="" data-image-id="1"></figure>',
    )
    page = new_page()
    log_in(page, desk["editor"])
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    expect(page.locator("#prepublish-checks")).to_contain_text("1 image(s) in the body have no alt text")

    page.get_by_role("button", name="Publish now").click()

    checks = page.locator("#prepublish-checks")
    expect(checks).to_contain_text("Check before publishing")
    expect(checks).to_contain_text("1 image(s) in the body have no alt text")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    page.get_by_label("Publish anyway").check()
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".article-state")).to_have_text("State: Live")
    page.get_by_role("link", name="History").first.click()
    expect(page.locator("#change-history")).to_contain_text("Published despite warnings")


def test_a_tab_killed_mid_sentence_offers_the_text_back(new_page, desk):
    article = ArticleFactory(headline="Tram fares to rise", created_by=desk["writer"], body="<p>Fares rise.</p>")
    page = new_page()
    log_in(page, desk["writer"])
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    body_editor(page).click()
    page.keyboard.press("End")
    page.keyboard.type(" Monthly passes stay the same pri")
    page.get_by_label("Headline").fill("Tram fares to rise by a tenth")

    page.close()  # no beforeunload, no save: as when the tab crashes or the battery dies
    reopened = page.context.new_page()
    reopened.goto(reverse("admin:articles_article_change", args=[article.pk]))
    expect(reopened.get_by_label("Headline")).to_have_value("Tram fares to rise")
    reopened.get_by_role("button", name="Restore my unsaved changes").click()

    expect(reopened.get_by_label("Headline")).to_have_value("Tram fares to rise by a tenth")
    expect(body_editor(reopened)).to_contain_text("Monthly passes stay the same pri")
    reopened.keyboard.press("Control+s")
    expect(reopened.locator("ul.messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.headline == "Tram fares to rise by a tenth"
    assert "Monthly passes stay the same pri" in article.body
    # Saved: nothing is offered any more.
    reopened.reload()
    expect(reopened.get_by_label("Headline")).to_have_value("Tram fares to rise by a tenth")
    expect(reopened.get_by_role("button", name="Restore my unsaved changes")).to_have_count(0)


def test_a_killed_tab_gives_back_a_byline_row_and_its_chosen_author_too(new_page, desk):
    article = ArticleFactory(
        headline="Metro line extended",
        created_by=desk["writer"],
        authors=[desk["writer"].author],
    )
    AuthorFactory(name="Rashad Karimov")
    page = new_page()
    log_in(page, desk["writer"])
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    # The form has her row and one empty row; she adds a third and chooses a co-author in it.
    page.locator("#article_authors-group .add-row a").click()
    choose(page, Steps(), "article_authors-2-author", "Rashad Karimov")
    page.locator("#id_article_authors-2-role").fill("Reporting by")

    page.close()
    reopened = page.context.new_page()
    reopened.goto(reverse("admin:articles_article_change", args=[article.pk]))
    expect(reopened.locator("#id_article_authors-2-author")).to_have_count(0)
    reopened.get_by_role("button", name="Restore my unsaved changes").click()

    expect(reopened.locator(".desk-restore")).to_have_count(0)  # everything came back
    second = reopened.locator("#id_article_authors-2-author")
    expect(second.locator("xpath=following-sibling::span[contains(@class, 'select2')][1]")).to_contain_text(
        "Rashad Karimov"
    )
    expect(reopened.locator("#id_article_authors-2-role")).to_have_value("Reporting by")
    reopened.keyboard.press("Control+s")
    expect(reopened.locator("ul.messagelist")).to_contain_text("was changed successfully")
    assert [(a.author.name, a.role) for a in article.article_authors.order_by("position", "id")] == [
        ("Leyla Mammadova", ""),
        ("Rashad Karimov", "Reporting by"),
    ]


def test_a_session_expired_mid_edit_loses_nothing(new_page, desk):
    article = ArticleFactory(headline="Stadium renovation costs", created_by=desk["writer"], body="<p>Costs.</p>")
    page = new_page()
    log_in(page, desk["writer"])
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    body_editor(page).click()
    page.keyboard.press("End")
    page.keyboard.type(" The city pays two thirds.")

    page.context.clear_cookies(name="sessionid")  # the session expires while she types
    page.keyboard.press("Control+s")

    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill("leyla")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Restore my unsaved changes").click()
    expect(body_editor(page)).to_contain_text("The city pays two thirds.")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert "The city pays two thirds." in article.body


def test_a_second_editor_sees_who_is_editing_before_typing(new_page, desk):
    article = ArticleFactory(headline="Budget vote set for next week")
    first, second = new_page(), new_page()
    log_in(first, desk["other_editor"])
    log_in(second, desk["editor"])
    with first.expect_response(lambda r: "/desk/presence/" in r.url):
        first.goto(reverse("admin:articles_article_change", args=[article.pk]))

    second.goto(reverse("admin:articles_article_change", args=[article.pk]))

    notice = second.locator("[data-desk-presence]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Being edited by Aynur Aliyeva since ")
    expect(notice).to_contain_text("(UTC+04:00)")


def test_leaving_with_unsaved_changes_asks_first(new_page, desk):
    article = ArticleFactory(headline="Flood warning", created_by=desk["writer"])
    page = new_page()
    log_in(page, desk["writer"])
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    page.get_by_label("Dek").fill("Water is rising.")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    page.close(run_before_unload=True)
    page.wait_for_timeout(300)

    assert dialogs == ["beforeunload"]
    # She stayed: now close for real, and let the server answer the page's goodbye (a beacon) before the test's
    # database is emptied — SQLite would find its tables locked by that request.
    page.close()
    deadline = time.monotonic() + 5
    while presence.editors(article.pk) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)


def test_desk_screens_have_no_serious_axe_violations_and_fit_a_phone(new_page, desk):
    article = ArticleFactory(
        headline="Council approves budget", status=Article.Status.REVIEW, authors=[AuthorFactory()]
    )
    page = new_page()
    log_in(page, desk["editor"])
    screens = {
        "admin-dashboard": reverse("admin:index"),
        "admin-article-list": reverse("admin:articles_article_changelist"),
        "admin-article-screen": reverse("admin:articles_article_change", args=[article.pk]),
    }
    problems = []
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        for name, url in screens.items():
            page.goto(url)
            expect(page.locator("#content")).to_be_visible()
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
            problems += [
                f"{name} at {size['width']}px: {v['id']} {[n['target'] for n in v['nodes'][:3]]}" for v in blocking
            ]
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"{name} at {size['width']}px scrolls sideways by {overflow}px")
            shoot(page, name, viewport)
    assert not problems, "\n".join(problems)
