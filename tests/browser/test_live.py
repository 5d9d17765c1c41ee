"""Live pages in Chromium: entries inserted without a reload and announced, readable without JavaScript, axe-clean;
the posting screen's rich-text body and Ctrl+Enter."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from live.tests.factories import EntryFactory, LiveBlogFactory

from .browsing import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture
def live_blog(settings):
    settings.LIVE_POLL_SECONDS = 1  # the page's script asks every second instead of every 15 (data-live-poll)
    blog = LiveBlogFactory(article__headline="Election night as it happens")
    EntryFactory(live_blog=blog, title="Polls open", body="<p>Queues at every station in the capital.</p>")
    EntryFactory(live_blog=blog, key=True, body="<p>Turnout passes <strong>50%</strong> by noon.</p>")
    return blog


def test_a_new_entry_appears_without_a_reload_and_is_announced_politely(page, live_blog):
    page.goto(live_blog.article.get_absolute_url())
    entries = page.locator(".live__entries > [data-entry]")
    expect(entries).to_have_count(2)
    page.evaluate("window.stillTheSamePage = true")

    EntryFactory(live_blog=live_blog, title="First result declared", body="<p>The northern district counts first.</p>")

    expect(entries).to_have_count(3)
    expect(entries.first).to_contain_text("First result declared")  # newest first
    announcer = page.locator(".live__announce")
    expect(announcer).to_have_text("1 new update")
    expect(announcer).to_have_attribute("aria-live", "polite")
    assert page.evaluate("window.stillTheSamePage") is True  # inserted, not reloaded


def test_the_live_page_is_readable_with_javascript_off(chromium, server, live_blog):
    context = chromium.new_context(base_url=server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        response = page.goto(live_blog.article.get_absolute_url())

        assert response.status == 200
        expect(page.locator(".live__entries > [data-entry]")).to_have_count(2)
        expect(page.get_by_text("Queues at every station in the capital.")).to_be_visible()
        expect(page.locator(".live__key-events")).to_contain_text("Turnout passes")
        expect(page.get_by_text("reload the page to see the newest")).to_be_visible()
    finally:
        context.close()


def test_a_live_page_has_no_serious_or_critical_axe_violations_at_phone_and_desktop_widths(page, live_blog):
    problems = []
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.goto(live_blog.article.get_absolute_url())
        expect(page.locator(".live__entries > [data-entry]")).to_have_count(2)
        results = Axe().run(
            page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        )
        problems += [
            f"{viewport} ({size['width']}px) {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:5]]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    assert not problems, "\n".join(problems)


def test_an_editor_posts_a_formatted_entry_with_ctrl_enter_from_the_rich_text_editor(page, live_blog):
    from articles.roles import EDITOR
    from live.models import Entry

    from .browsing import log_in, staff_user

    log_in(page, staff_user("edna", role=EDITOR))
    page.goto(reverse("admin:live_liveblog_post", args=[live_blog.pk]))
    body = page.locator(".field-body .ProseMirror")
    expect(body).to_be_focused()  # ready to type

    page.keyboard.type("Recount ordered in ")
    page.keyboard.press("Control+b")
    page.keyboard.type("three")
    page.keyboard.press("Control+b")
    page.keyboard.type(" districts.")
    page.keyboard.press("Control+Enter")

    expect(page.locator(".messagelist")).to_contain_text("Entry posted")
    entry = Entry.objects.filter(live_blog=live_blog).order_by("-pk").first()
    assert entry.body == "<p>Recount ordered in <strong>three</strong> districts.</p>"
