"""Accessibility of every public page type: axe-core, page structure and keyboard use, at phone and desktop widths."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .browsing import VIEWPORTS
from .content import build_newsroom

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_TYPES = ["home", "article", "section", "latest", "tag", "search", "author", "authors", "404"]
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

FOCUSED = "[document.activeElement.innerText.trim(), document.activeElement.getAttribute('href')]"

axe = Axe()


def open_page(page, url, name):
    response = page.goto(url)
    if name == "search" and response.status == 404:
        pytest.skip("/search/ is not built yet (it answers 404)")
    expect(page.locator("main")).to_be_visible()
    return response


def blocking_violations(page):
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['html'][:160]}" for node in violation["nodes"][:5])
    return "\n".join(lines)


@pytest.fixture
def newsroom(transactional_db):
    return build_newsroom(fillers=5)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_has_no_serious_or_critical_axe_violations_at_phone_and_desktop_widths(page, name):
    newsroom = build_newsroom(fillers=5, images=True)
    problems = []
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        response = open_page(page, newsroom.urls()[name], name)
        assert response.status == (404 if name == "404" else 200)
        if violations := blocking_violations(page):
            problems.append(f"at {viewport} width ({size['width']}px):\n{describe(violations)}")

    assert not problems, f"axe found problems on the {name} page " + "\n".join(problems)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_has_one_h1_landmarks_and_a_skip_link(page, newsroom, name):
    open_page(page, newsroom.urls()[name], name)

    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Sections")).to_have_count(1)
    expect(page.get_by_role("link", name="Skip to content")).to_have_attribute("href", "#main")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_skip_link_is_the_first_tab_stop_shows_itself_and_moves_focus_to_main(new_page, newsroom, viewport):
    page = new_page(viewport)
    page.goto(newsroom.urls()["article"])

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the main content, not back in the masthead.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_focused_links_show_a_visible_outline(new_page, newsroom, viewport):
    page = new_page(viewport)
    page.goto("/")
    link = page.get_by_role("navigation", name="Sections").get_by_role("link", name="Economy")
    unfocused = link.evaluate("el => getComputedStyle(el).outlineStyle")

    tab_until(page, link)

    style = link.evaluate(
        "el => { const s = getComputedStyle(el); return {style: s.outlineStyle, width: s.outlineWidth, "
        "color: s.outlineColor}; }"
    )
    assert unfocused == "none"
    assert style["style"] not in ("none", "hidden"), style
    assert float(style["width"].removesuffix("px")) >= 2, style
    expect(link).to_be_in_viewport()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_main_menu_works_with_the_keyboard_alone(new_page, newsroom, viewport):
    page = new_page(viewport)
    page.goto("/")
    menu = page.get_by_role("navigation", name="Sections").get_by_role("link")
    menu_items = [(link.inner_text().strip(), link.get_attribute("href")) for link in menu.all()]
    assert [name for name, _ in menu_items] == ["Home", "Economy", "Politics", "Culture", "Authors"]

    focus_order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focus_order.append(page.evaluate(FOCUSED))
        if tuple(focus_order[-1]) == menu_items[-1]:
            break

    assert tuple(focus_order[0]) == ("Skip to content", "#main")
    start = focus_order.index(list(menu_items[0]))
    assert [tuple(item) for item in focus_order[start : start + len(menu_items)]] == menu_items
    assert start < 10, f"the menu should come soon after the masthead's few controls, not after {focus_order[:start]}"

    # Back to the menu's "Politics" item with Shift+Tab, then Enter follows it.
    for _ in range(2):
        page.keyboard.press("Shift+Tab")
    politics = page.get_by_role("navigation", name="Sections").get_by_role("link", name="Politics")
    expect(politics).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/section/politics/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Politics")
    expect(page.get_by_role("navigation", name="Sections").get_by_role("link", name="Politics")).to_have_attribute(
        "aria-current", "page"
    )


def tab_until(page, locator, limit=40):
    """Press Tab until `locator` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{locator} never got keyboard focus in {limit} Tabs")
