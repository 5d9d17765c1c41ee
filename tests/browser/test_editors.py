"""Editors' and writers' journeys through the real admin in Chromium: write, preview, review, publish,
schedule, update, collide, revert."""

import datetime
import re

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, ArticleAuthor, Image
from articles.roles import EDITOR, WRITER
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

from .browsing import log_in, staff_user
from .content import photo_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(baku):
    """A newsroom in Baku with two sections, two reporters, a writer and two editors."""
    economy = SectionFactory(name="Economy", position=1)
    SectionFactory(name="Politics", position=2)
    writer = staff_user("wendy", role=WRITER, first_name="Wendy", last_name="Writer")
    sara = AuthorFactory(name="Sara Rajabova", user=writer)
    orkhan = AuthorFactory(name="Orkhan Jalilov")
    return {
        "section": economy,
        "authors": [sara, orkhan],
        "writer": writer,
        "editor": staff_user("edgar", role=EDITOR, first_name="Edgar", last_name="Editor"),
        "other_editor": staff_user("aynur", role=EDITOR, first_name="Aynur", last_name="Aliyeva"),
    }


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def expect_message(page, text):
    expect(page.locator("ul.messagelist")).to_contain_text(text)


def choose(page, field, text):
    """Pick `text` in an admin autocomplete (select2) widget, by typing as a person would."""
    container = page.locator(f"#id_{field}").locator("xpath=following-sibling::span[contains(@class, 'select2')][1]")
    container.locator(".select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    expect(container).to_contain_text(text)


def write_body(page, paragraphs):
    """Type the body as an editor does, with one bolded phrase; works with a rich text editor or a plain textarea."""
    editor = page.locator(".field-body [contenteditable=true]")
    if editor.count():
        editor.click()
        for number, paragraph in enumerate(paragraphs):
            if number:
                page.keyboard.press("Enter")
            page.keyboard.type(paragraph)
        page.keyboard.press("Enter")
        page.keyboard.press("Control+b")
        page.keyboard.type("Budget figures are provisional.")
        page.keyboard.press("Control+b")
    else:
        html = "".join(f"<p>{p}</p>" for p in paragraphs) + "<p><strong>Budget figures are provisional.</strong></p>"
        page.locator("#id_body").fill(html)


def set_published_at(page, when):
    local = timezone.localtime(when)
    page.locator("#id_published_at_0").fill(f"{local:%d/%m/%Y}")
    page.locator("#id_published_at_1").fill(f"{local:%H:%M:%S}")


def test_writer_writes_a_draft_with_authors_and_tags_previews_it_and_submits_it_for_review(new_page, desk):
    page = new_page()
    log_in(page, desk["writer"])
    page.goto(reverse("admin:articles_article_add"))

    page.get_by_label("Headline").fill("Harbour expansion will double cargo traffic")
    page.get_by_label("Dek").fill("The port authority approved the plan on Monday.")
    choose(page, "section", "Economy")
    write_body(page, ["The harbour will get two new berths.", "Work starts in spring."])
    page.get_by_label("Tags").fill("Harbour, Shipping")
    choose(page, "article_authors-0-author", "Sara Rajabova")
    # Django's inlines.js draws this link with role="button".
    page.get_by_role("button", name="Add another author").click()
    choose(page, "article_authors-1-author", "Orkhan Jalilov")
    page.locator("#id_article_authors-1-position").fill("1")
    page.get_by_role("button", name="Save and continue editing").click()

    expect_message(page, "was added successfully")
    expect(page.locator(".article-state")).to_have_text("State: Draft")
    article = Article.objects.get(headline="Harbour expansion will double cargo traffic")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == desk["writer"]
    assert [a.name for a in article.ordered_authors()] == ["Sara Rajabova", "Orkhan Jalilov"]
    assert sorted(t.name for t in article.tags.all()) == ["Harbour", "Shipping"]

    # Preview opens in a new tab and shows the story exactly as readers will see it.
    with page.context.expect_page() as preview_tab:
        page.get_by_role("link", name="Preview").click()
    preview = preview_tab.value
    expect(preview.locator(".preview-banner")).to_contain_text("Preview — Draft")
    expect(preview.get_by_role("heading", level=1)).to_have_text(article.headline)
    expect(preview.locator(".article__body strong")).to_have_text("Budget figures are provisional.")
    expect(preview.locator(".article__meta .byline")).to_have_text("By Sara Rajabova and Orkhan Jalilov")
    expect(preview.locator(".article__footer .tags")).to_contain_text("Harbour")
    preview.close()

    page.get_by_role("button", name="Submit for review").click()

    expect_message(page, "In review")
    expect(page.locator(".article-state")).to_have_text("State: In review")
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    reader = new_page()
    assert reader.goto(article.get_absolute_url()).status == 404


def test_writer_uploads_a_lead_image_with_alt_text_and_the_preview_shows_it(new_page, desk):
    page = new_page()
    log_in(page, desk["writer"])
    page.goto(reverse("admin:articles_article_add"))
    page.get_by_label("Headline").fill("New ferry terminal opens on the bay")
    choose(page, "section", "Economy")
    write_body(page, ["The terminal handles ten ferries a day."])

    # "+" beside the lead image opens the image library's upload form in a popup window.
    with page.expect_popup() as popup:
        page.locator("#add_id_lead_image").click()
    upload = popup.value
    upload.locator("#id_file").set_input_files(
        {"name": "ferry-terminal.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    upload.get_by_label("Title").fill("Ferry terminal")
    upload.get_by_role("button", name="Save", exact=True).click()
    expect(upload.locator(".errornote")).to_be_visible()
    expect(upload.locator(".field-alt_text")).to_contain_text("Describe the image, or mark it as decorative.")
    # Like every browser, it forgets the chosen file after a refused submit: choose it again.
    upload.locator("#id_file").set_input_files(
        {"name": "ferry-terminal.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    )
    upload.get_by_label("Alt text").fill("A white ferry moored at the new terminal at sunset")
    upload.get_by_label("Caption").fill("The terminal on its first day.")
    upload.get_by_label("Credit").fill("Jane Roe/Newsroom")
    upload.get_by_role("button", name="Save", exact=True).click()
    upload.wait_for_event("close")

    image = Image.objects.get(title="Ferry terminal")
    expect(page.locator("#id_lead_image")).to_have_value(str(image.pk))
    page.get_by_role("button", name="Save and continue editing").click()
    expect_message(page, "was added successfully")
    article = Article.objects.get(headline="New ferry terminal opens on the bay")
    assert article.lead_image == image

    with page.context.expect_page() as preview_tab:
        page.get_by_role("link", name="Preview").click()
    preview = preview_tab.value
    lead = preview.locator(".article__lead img")
    expect(lead).to_have_attribute("alt", "A white ferry moored at the new terminal at sunset")
    expect(preview.locator(".article__lead figcaption")).to_contain_text("The terminal on its first day.")
    expect(preview.locator(".article__lead figcaption")).to_contain_text("Jane Roe/Newsroom")
    lead.scroll_into_view_if_needed()
    assert lead.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0


def test_editor_publishes_a_story_in_review_and_readers_see_it(new_page, desk):
    article = ArticleFactory(
        headline="Metro line to the airport opens in June",
        section=desk["section"],
        status=Article.Status.REVIEW,
        authors=desk["authors"][:1],
        created_by=desk["writer"],
    )
    page = new_page()
    log_in(page, desk["editor"])

    page.goto(reverse("admin:articles_article_changelist") + "?state=review")
    page.get_by_role("link", name=article.headline).click()
    expect(page.locator(".article-state")).to_have_text("State: In review")
    page.get_by_role("button", name="Publish now").click()

    expect_message(page, f"“{article.headline}”: Live.")
    expect(page.locator(".article-state")).to_have_text("State: Live")
    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.headline)
    expect(page.locator(".article__time time").first).to_contain_text("(UTC+04:00)")
    page.goto("/latest/")
    expect(page.get_by_role("link", name=article.headline)).to_be_visible()


def test_editor_schedules_a_story_that_readers_cannot_see_before_its_time(new_page, desk):
    # With a byline, so the pre-publish checks (tested in test_desk.py) have nothing to warn about.
    article = ArticleFactory(
        headline="Budget vote set for next week", section=desk["section"], authors=desk["authors"][:1]
    )
    when = (timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    page = new_page()
    log_in(page, desk["editor"])

    page.goto(change_url(article))
    set_published_at(page, when)
    page.get_by_role("button", name="Schedule").click()

    local = timezone.localtime(when)
    expected = f"Scheduled for {local.day} {local:%B %Y %H:%M} (UTC+04:00)"
    expect_message(page, expected)
    expect(page.locator(".article-state")).to_have_text(f"State: {expected}")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == when
    reader = new_page()
    assert reader.goto(article.get_absolute_url()).status == 404
    reader.goto("/latest/")
    expect(reader.get_by_text(article.headline)).to_have_count(0)


def test_editor_updates_a_published_story_and_readers_see_the_updated_time(new_page, desk):
    published_at = timezone.now() - datetime.timedelta(hours=3)
    article = ArticleFactory(
        headline="Flood warning for the river valley",
        section=desk["section"],
        status=Article.Status.PUBLISHED,
        published_at=published_at,
        authors=desk["authors"][:1],
    )
    page = new_page()
    log_in(page, desk["editor"])

    page.goto(change_url(article))
    page.get_by_label("Dek").fill("Water levels are still rising, officials said in the evening.")
    page.get_by_label("This is a significant update").check()
    page.get_by_label("Note for the history").fill("New water levels from the evening briefing")
    page.get_by_role("button", name="Save", exact=True).click()

    expect_message(page, "was changed successfully")
    article.refresh_from_db()
    assert article.updated_at > published_at
    page.goto(article.get_absolute_url())
    updated = page.locator(".article__time .updated time")
    local = timezone.localtime(article.updated_at)
    expect(updated).to_have_text(f"{local.day} {local:%B %Y %H:%M} (UTC+04:00)")
    expect(updated).to_have_attribute("datetime", local.isoformat(timespec="seconds"))
    expect(page.locator(".article__time .updated")).to_contain_text("Updated ")
    expect(page.locator(".article__dek")).to_have_text("Water levels are still rising, officials said in the evening.")


def test_two_editors_saving_the_same_story_see_a_conflict_and_nothing_is_lost(new_page, desk):
    with reversion.create_revision():
        article = ArticleFactory(headline="Tram fares to rise in March", section=desk["section"])
    edgar, aynur = new_page(), new_page()
    log_in(edgar, desk["editor"])
    log_in(aynur, desk["other_editor"])
    edgar.goto(change_url(article))
    aynur.goto(change_url(article))

    aynur.get_by_label("Headline").fill("Tram fares to rise by a tenth in March")
    aynur.get_by_role("button", name="Save and continue editing").click()
    expect_message(aynur, "was changed successfully")

    edgar.get_by_label("Dek").fill("Monthly passes stay the same price.")
    edgar.get_by_role("button", name="Save and continue editing").click()

    expect(edgar.locator(".errornote, .errorlist").first).to_be_visible()
    conflict_error = re.compile("Not saved: Aynur Aliyeva saved this article at .* after you opened it")
    expect(edgar.get_by_text(conflict_error)).to_be_visible()
    conflict = edgar.locator("#edit-conflict")
    expect(conflict).to_contain_text("Saved by Aynur Aliyeva while you were editing")
    expect(conflict).to_contain_text("Tram fares to rise by a tenth in March")
    expect(edgar.get_by_label("Dek")).to_have_value("Monthly passes stay the same price.")
    article.refresh_from_db()
    assert article.headline == "Tram fares to rise by a tenth in March"
    assert article.dek != "Monthly passes stay the same price."

    # Having seen the other change, Edgar keeps their headline and saves his dek on top.
    edgar.get_by_label("Headline").fill("Tram fares to rise by a tenth in March")
    edgar.get_by_role("button", name="Save and continue editing").click()
    expect_message(edgar, "was changed successfully")
    article.refresh_from_db()
    assert article.headline == "Tram fares to rise by a tenth in March"
    assert article.dek == "Monthly passes stay the same price."


def test_editor_reverts_a_story_to_an_earlier_revision(new_page, desk):
    with reversion.create_revision():
        reversion.set_comment("First version")
        article = ArticleFactory(
            headline="Stadium renovation costs revealed",
            dek="The city will pay most of it.",
            section=desk["section"],
            authors=desk["authors"][:1],
        )
    page = new_page()
    log_in(page, desk["editor"])
    page.goto(change_url(article))
    page.get_by_label("Headline").fill("Stadium renovation costs double")
    page.get_by_label("Dek").fill("A mistaken edit.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect_message(page, "was changed successfully")
    assert Article.objects.get(pk=article.pk).headline == "Stadium renovation costs double"

    page.get_by_role("link", name="History").click()
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.last).to_contain_text("First version")
    rows.last.get_by_role("link", name="Restore this version").click()
    expect(page.get_by_label("Headline")).to_have_value("Stadium renovation costs revealed")
    page.get_by_role("button", name="Save", exact=True).click()

    expect_message(page, re.compile("reverted|changed successfully"))
    article.refresh_from_db()
    assert (article.headline, article.dek) == ("Stadium renovation costs revealed", "The city will pay most of it.")
    assert ArticleAuthor.objects.filter(article=article).count() == 1
    page.goto(reverse("admin:articles_article_history", args=[article.pk]))
    expect(page.locator("#change-history tbody tr")).to_have_count(3)
