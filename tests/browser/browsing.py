"""What the browser tests share: where Chromium is, how it is launched, viewport sizes and logging in."""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_REASON = f"Chromium not installed: apt-get install -y chromium (looked for {CHROMIUM})"

PHONE = {"width": 390, "height": 900}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


def chromium_available():
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


PASSWORD = "correct-horse-battery-staple"


def staff_user(username, *, role=None, superuser=False, **fields):
    """A user who can log in to the admin with PASSWORD, optionally in one of the newsroom's roles."""
    user = get_user_model().objects.create(
        username=username, email=f"{username}@example.org", is_staff=True, is_superuser=superuser, **fields
    )
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    if role:
        from articles.roles import ensure_roles

        user.groups.add(ensure_roles()[role])
    return user


def log_in(page, user, password=PASSWORD):
    """Log in through the admin's own login form, as a person would."""
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()
