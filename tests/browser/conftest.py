"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

No browser is ever downloaded: the tests use the system Chromium (`apt-get install -y chromium`) and are
skipped, with that instruction as the reason, when it is absent.
"""

import os
import threading
import time
from pathlib import Path

import pytest

from .browsing import CHROMIUM, CHROMIUM_ARGS, SKIP_REASON, VIEWPORTS, chromium_available

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    available = chromium_available()
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not available:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter):
    """Say loudly, after the run, that the browser tests did not run and how to make them run."""
    skipped = [report for report in terminalreporter.stats.get("skipped", []) if SKIP_REASON in str(report.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} browser tests SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(SKIP_REASON)


@pytest.fixture(scope="package")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in the test thread, so Django believes every ORM
    # call made by the test (factories, assertions) comes from async code and raises
    # SynchronousOnlyOperation. The calls really are synchronous; this is the documented workaround for
    # Playwright + Django tests. Only while the browser tests run: the rest of the suite keeps the check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def chromium(playwright_driver):
    from playwright.sync_api import expect

    # Generous for CI machines; expect() polls, so passing checks return as soon as they hold.
    expect.set_options(timeout=10_000)
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    """What a plain-HTTP browser session against the live server needs."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def server(live_server):
    return live_server


@pytest.fixture
def new_page(chromium, server):
    """Make pages in fresh browser contexts (separate cookies: separate people). Fails the test on any 5xx."""
    contexts = []
    server_errors = []

    def make(viewport="desktop"):
        context = chromium.new_context(
            base_url=server.url, viewport=VIEWPORTS.get(viewport, viewport), locale="en-GB", reduced_motion="reduce"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("response", lambda r: server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
        return page

    yield make
    for context in contexts:
        # Nothing more reaches the server once the test is over: a page's unload beacon (the writing desk's "left
        # the article" heartbeat) would otherwise land while the test database is being emptied and lock it.
        context.route("**/*", lambda route: route.abort())
        context.close()
    _wait_for_requests_in_flight()
    assert not server_errors, f"the server answered with errors: {server_errors}"


def _wait_for_requests_in_flight(seconds=10):
    """Until the live server's request threads are done: one still answering a request the pages sent before they
    closed would hold the test database while pytest-django empties it for the next test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any("process_request_thread" in thread.name for thread in threading.enumerate()):
            return
        time.sleep(0.02)  # waiting for other threads to finish, not timing anything


@pytest.fixture
def page(new_page):
    return new_page("desktop")
