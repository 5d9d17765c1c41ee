"""Driving the admin as a person would: log in with a role, read the form the page rendered, post it back."""

import itertools

import lxml.html
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles.roles import ensure_roles

_numbers = itertools.count(1)


def user_with_role(role, *, username=None, **kwargs):
    """A user who can log in to the admin (no password: tests log in with force_login), in a role's group."""
    group = Group.objects.filter(name=role).first() or ensure_roles()[role]
    username = username or f"{role.lower()}{next(_numbers)}"
    user = get_user_model().objects.create(username=username, is_staff=True, **kwargs)
    user.groups.add(group)
    return user


def logged_in(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def form_data(response, form_id="article_form"):
    """What a browser would submit from the rendered form, as `{name: [values]}` (buttons excluded)."""
    assert response.status_code == 200, response.status_code
    # Decode first: the admin declares no charset in its HTML, and lxml would guess Latin-1 from bytes.
    document = lxml.html.fromstring(response.content.decode(response.charset or "utf-8"))
    (form,) = document.xpath(f'//form[@id="{form_id}"]')
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def post_form(client, url, changes=None, button=None, drop=()):
    """Open `url`, change some fields, press `button` (e.g. "_publish_now") or plain Save."""
    data = form_data(client.get(url))
    for name in drop:
        data.pop(name, None)
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    if button:
        data[button] = ["1"]
    return client.post(url, data)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def add_url():
    return reverse("admin:articles_article_add")


def changelist_url():
    return reverse("admin:articles_article_changelist")


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def errors_of(response):
    """The form's errors as one string (non-field and field), for readable assertions."""
    if response.context is None or "adminform" not in response.context:
        return ""
    form = response.context["adminform"].form
    return " ".join(str(e) for e in form.non_field_errors()) + " " + str(form.errors)
