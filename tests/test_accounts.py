"""Accounts: login throttling per user and address, staff unlock, no user enumeration, configurable admin path."""

from http import HTTPStatus
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import RequestFactory

from articles.tests.factories import AuthorFactory, UserFactory
from newsroom.middleware import client_ip
from tests.helpers import run_manage

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"
LOGIN_URL = f"/{django_settings.ADMIN_URL}login/"


@pytest.fixture(autouse=True)
def axes_on(settings):
    """Axes is off for the rest of the suite (client.login passes no request); these tests switch it on."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


@pytest.fixture
def staff_login():
    """A staff member who logs in with a password (username “editor”)."""
    user = UserFactory(username="editor", is_staff=True)
    user.save()  # the factory sets the password after its own save
    return user


def attempt(client, username, password, ip="198.51.100.7", **headers):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def logged_in(client):
    return "_auth_user_id" in client.session


def test_correct_password_logs_in(client, staff_login):
    response = attempt(client, "editor", PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert logged_in(client)


def test_repeated_failures_lock_the_account_out_with_a_clear_page(client, staff_login):
    for _ in range(2):
        assert attempt(client, "editor", "wrong-password").status_code == HTTPStatus.OK

    locked = attempt(client, "editor", "wrong-password")
    even_right = attempt(client, "editor", PASSWORD)

    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert even_right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not logged_in(client)
    html = even_right.content.decode()
    assert "Too many sign-in attempts" in html
    assert django_settings.NEWSROOM_NAME in html  # the site's own page, not a bare message
    assert 'class="masthead"' in html


def test_lockout_is_per_user_and_address(client, staff_login):
    other = UserFactory(username="writer", is_staff=True)
    other.save()
    for _ in range(3):
        attempt(client, "editor", "wrong-password", ip="198.51.100.7")

    assert attempt(client, "editor", PASSWORD, ip="198.51.100.7").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert attempt(client, "writer", PASSWORD, ip="198.51.100.7").status_code == HTTPStatus.FOUND
    client.logout()
    assert attempt(client, "editor", PASSWORD, ip="203.0.113.20").status_code == HTTPStatus.FOUND


def test_staff_can_unlock_with_the_axes_reset_command(client, staff_login):
    for _ in range(3):
        attempt(client, "editor", "wrong-password")
    assert attempt(client, "editor", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS

    call_command("axes_reset_username", "editor")

    assert attempt(client, "editor", PASSWORD).status_code == HTTPStatus.FOUND
    assert logged_in(client)


def test_staff_see_and_can_delete_lockouts_in_the_admin(client, staff_login):
    for _ in range(3):
        attempt(client, "editor", "wrong-password")
    staff = UserFactory(username="chief", superuser=True)
    staff.save()
    client.force_login(staff)

    listing = client.get(f"/{django_settings.ADMIN_URL}axes/accessattempt/")
    attempt_id = AccessAttempt.objects.get(username="editor").pk
    client.post(f"/{django_settings.ADMIN_URL}axes/accessattempt/{attempt_id}/delete/", {"post": "yes"})
    client.logout()

    assert listing.status_code == HTTPStatus.OK
    assert "editor" in listing.content.decode()
    assert attempt(client, "editor", PASSWORD).status_code == HTTPStatus.FOUND


def test_behind_a_proxy_each_client_address_is_counted_separately(client, staff_login, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        attempt(client, "editor", "wrong-password", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")

    locked = attempt(client, "editor", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    elsewhere = attempt(client, "editor", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.20")

    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert elsewhere.status_code == HTTPStatus.FOUND
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy configured: the header is the client's own invention
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # a spoofed entry on the left is ignored
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected


def test_login_errors_do_not_reveal_which_accounts_exist(client, staff_login):
    wrong_password = attempt(client, "editor", "wrong-password")
    no_such_user = attempt(client, "nobody-by-this-name", "wrong-password")

    assert wrong_password.status_code == no_such_user.status_code == HTTPStatus.OK
    assert wrong_password.context["form"].errors == no_such_user.context["form"].errors


def test_author_pages_do_not_expose_the_login_behind_the_author(client):
    user = UserFactory(username="sjones-login", email="s.jones.private@example.org")
    author = AuthorFactory(name="Sara Jones", user=user)

    html = client.get(author.get_absolute_url()).content.decode()
    listing = client.get("/authors/").content.decode()

    assert author.get_absolute_url() == f"/author/{author.slug}/"
    for page in (html, listing):
        assert "sjones-login" not in page
        assert "s.jones.private@example.org" not in page
        assert f"/{user.pk}/" not in page


def test_sessions_expire_after_the_configured_age(client, staff_login):
    response = attempt(client, "editor", PASSWORD)

    assert int(response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"]) == django_settings.SESSION_COOKIE_AGE


def test_admin_path_is_configurable():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = run_manage("shell", "-c", code, DEBUG="1", DATABASE_URL="sqlite:///:memory:", ADMIN_URL="desk-7f3a/")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/desk-7f3a/"
