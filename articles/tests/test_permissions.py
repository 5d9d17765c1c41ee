"""Role × action × article state, through the admin's real views and hand-made POSTs."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, ArticleAuthor, Tag
from articles.roles import EDITOR, STAFF, WRITER, ensure_roles, role_permissions

from .admin_helpers import change_url, changelist_url, errors_of, form_data, logged_in, post_form, user_with_role
from .factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

STATES = {
    "draft": {},
    "review": {"status": Article.Status.REVIEW},
    "scheduled": {"scheduled": True},
    "live": {"live": True},
    "unpublished": {
        "status": Article.Status.UNPUBLISHED,
        "published_at": datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC),
    },
}
WRITER_MAY_EDIT = {"draft", "review"}


def make_article(state, **kwargs):
    return ArticleFactory(**STATES[state], **kwargs)


def fields_of(article):
    article.refresh_from_db()
    return (
        article.headline,
        article.status,
        article.published_at,
        article.is_featured,
        article.priority,
        article.embargo_until,
        article.version,
    )


@pytest.fixture
def staff():
    return user_with_role(STAFF, username="stella")


# The roles themselves ------------------------------------------------------


def test_roles_exist_after_migrate_with_the_documented_permissions():
    for role in (WRITER, EDITOR, STAFF):
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert role_permissions(role) <= held, role
    writer_perms = role_permissions(WRITER)
    assert "articles.publish_article" not in writer_perms
    assert "articles.publish_article" in role_permissions(EDITOR)
    assert "articles.change_author" not in role_permissions(EDITOR)
    assert {"articles.change_author", "auth.change_user", "auth.change_group"} <= role_permissions(STAFF)


def test_setup_roles_is_idempotent_and_restores_the_matrix(capsys):
    writers = Group.objects.get(name=WRITER)
    writers.permissions.add(*Group.objects.get(name=STAFF).permissions.all())

    call_command("setup_roles")
    call_command("setup_roles")

    assert Group.objects.filter(name__in=[WRITER, EDITOR, STAFF]).count() == 3
    held = {f"{p.content_type.app_label}.{p.codename}" for p in writers.permissions.select_related("content_type")}
    assert held == role_permissions(WRITER)
    assert "Roles are set up." in capsys.readouterr().out


def test_setup_roles_with_an_unknown_database_fails_cleanly():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No database called"):
        call_command("setup_roles", database="nope")


def test_ensure_roles_returns_the_groups():
    groups = ensure_roles()

    assert set(groups) == {WRITER, EDITOR, STAFF}


# Opening and saving an article, by role and state ---------------------------


@pytest.mark.parametrize("state", STATES)
def test_writer_edits_own_article_only_while_draft_or_in_review(writer, state):
    article = make_article(state, created_by=writer)
    client = logged_in(writer)

    page = client.get(change_url(article))
    response = post_form(client, change_url(article), {"headline": "Rewritten by the writer"})

    assert page.status_code == HTTPStatus.OK
    editable = 'name="headline"' in page.content.decode()
    article.refresh_from_db()
    if state in WRITER_MAY_EDIT:
        assert editable
        assert response.status_code == HTTPStatus.FOUND, errors_of(response)
        assert article.headline == "Rewritten by the writer"
    else:
        assert not editable  # read-only view of their own published/scheduled/unpublished story
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert article.headline != "Rewritten by the writer"


def test_writer_owns_articles_that_carry_their_byline(writer):
    author = AuthorFactory(user=writer)
    article = ArticleFactory(authors=[author])
    client = logged_in(writer)

    response = post_form(client, change_url(article), {"headline": "Bylined and so mine"})

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.headline == "Bylined and so mine"


@pytest.mark.parametrize("state", STATES)
def test_writer_cannot_open_or_change_someone_elses_article(writer, state):
    article = make_article(state, headline="Someone else's scoop")
    before = fields_of(article)
    client = logged_in(writer)

    page = client.get(change_url(article))
    response = client.post(change_url(article), {"headline": "Hijacked", "section": article.section_id})
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))

    assert page.status_code == HTTPStatus.FOUND  # "doesn't exist" for them, like any unknown id
    assert "Someone else's scoop" not in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    assert history.status_code == HTTPStatus.FOUND
    assert fields_of(article) == before


@pytest.mark.parametrize("state", STATES)
def test_editor_edits_any_article_in_any_state(editor, state):
    article = make_article(state)
    client = logged_in(editor)

    response = post_form(client, change_url(article), {"headline": "Edited on the desk"})

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.headline == "Edited on the desk"
    assert article.status == Article.objects.get(pk=article.pk).status


# Crafted POSTs: what only an editor may do ----------------------------------

CRAFTED = {
    "status published": ({"status": "published"}, None),
    "status archived": ({"status": "archived"}, None),
    "publication time": ({"published_at_0": "2031-01-01", "published_at_1": "10:00"}, None),
    "featured": ({"is_featured": "on"}, None),
    "priority": ({"priority": "99"}, None),
    "embargo": ({"embargo_until_0": "2031-01-01", "embargo_until_1": "10:00"}, None),
    "updated flag": ({"significant_update": "on"}, None),
    "publish button": ({}, "_publish_now"),
    "schedule button": ({"published_at_0": "2031-01-01", "published_at_1": "10:00"}, "_schedule"),
    "unpublish button": ({}, "_unpublish"),
}


@pytest.mark.parametrize("crafted", CRAFTED)
def test_writer_crafted_post_to_publish_schedule_or_feature_is_refused(writer, crafted):
    changes, button = CRAFTED[crafted]
    article = ArticleFactory(created_by=writer)
    before = fields_of(article)
    client = logged_in(writer)

    response = post_form(client, change_url(article), {"headline": "Sneaky", **changes}, button=button)

    assert response.status_code == HTTPStatus.OK
    assert errors_of(response).strip()
    assert fields_of(article) == before
    assert Article.objects.published().count() == 0


def test_writer_crafted_post_on_the_add_form_cannot_create_a_published_article(writer):
    section = SectionFactory()
    client = logged_in(writer)
    url = reverse("admin:articles_article_add")

    response = post_form(
        client,
        url,
        {"headline": "Straight to the front page", "section": str(section.pk), "is_featured": "on"},
        button="_publish_now",
    )

    assert response.status_code == HTTPStatus.OK
    assert not Article.objects.exists()


def test_writer_sees_only_draft_and_review_statuses(writer):
    client = logged_in(writer)

    response = client.get(reverse("admin:articles_article_add"))

    choices = [value for value, _label in response.context["adminform"].form.fields["status"].choices]
    assert choices == ["draft", "review"]
    html = response.content.decode()
    assert 'name="_submit_review"' in html
    assert 'name="_publish_now"' not in html
    assert 'name="is_featured"' not in html


@pytest.mark.parametrize(
    ("changes", "button", "expected_status"),
    [
        ({}, "_publish_now", Article.Status.PUBLISHED),
        ({"published_at_0": "2031-01-01", "published_at_1": "10:00"}, "_schedule", Article.Status.PUBLISHED),
        ({"is_featured": "on", "priority": "5"}, None, Article.Status.DRAFT),
    ],
)
def test_editor_may_publish_schedule_and_feature(editor, changes, button, expected_status):
    article = ArticleFactory(authors=[AuthorFactory()])
    client = logged_in(editor)

    response = post_form(client, change_url(article), changes, button=button)

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.status == expected_status
    if "is_featured" in changes:
        assert article.is_featured and article.priority == 5


# Changelist and bulk actions ---------------------------------------------------


def test_writer_changelist_lists_only_their_own_articles(writer, editor):
    mine = ArticleFactory(created_by=writer, headline="Mine by creation")
    author = AuthorFactory(user=writer)
    bylined = ArticleFactory(authors=[author], headline="Mine by byline")
    other = ArticleFactory(headline="Not mine at all")

    writer_page = logged_in(writer).get(changelist_url())
    editor_page = logged_in(editor).get(changelist_url())

    assert {a.pk for a in writer_page.context["cl"].result_list} == {mine.pk, bylined.pk}
    assert {a.pk for a in editor_page.context["cl"].result_list} == {mine.pk, bylined.pk, other.pk}
    assert "publish_now" not in writer_page.content.decode()


def test_writer_crafted_bulk_publish_changes_nothing(writer):
    article = ArticleFactory(created_by=writer)
    client = logged_in(writer)

    client.post(changelist_url(), {"action": "publish_now", "_selected_action": [article.pk]})

    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_editor_bulk_actions_publish_and_unpublish(editor):
    articles = ArticleFactory.create_batch(3)
    client = logged_in(editor)

    client.post(changelist_url(), {"action": "publish_now", "_selected_action": [a.pk for a in articles]})
    assert Article.objects.published().count() == 3

    client.post(changelist_url(), {"action": "unpublish", "_selected_action": [articles[0].pk]})
    assert Article.objects.published().count() == 2
    assert Article.objects.get(pk=articles[0].pk).status == Article.Status.UNPUBLISHED


# Deleting and recovering ----------------------------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [(WRITER, False), (EDITOR, False), (STAFF, True)])
def test_only_staff_delete_and_recover_articles(role, allowed):
    user = user_with_role(role)
    article = ArticleFactory(created_by=user)
    client = logged_in(user)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])

    page = client.get(delete_url)
    client.post(delete_url, {"post": "yes"})
    recover_list = client.get(reverse("admin:articles_article_recoverlist"))

    assert Article.objects.filter(pk=article.pk).exists() is not allowed
    assert (page.status_code == HTTPStatus.OK) is allowed
    assert (recover_list.status_code == HTTPStatus.OK) is allowed
    if not allowed:
        assert recover_list.status_code == HTTPStatus.FORBIDDEN


# Authors, users and roles: staff only -----------------------------------------


@pytest.mark.parametrize(("role", "allowed"), [(WRITER, False), (EDITOR, False), (STAFF, True)])
def test_only_staff_change_authors(role, allowed):
    author = AuthorFactory(name="Sara Rajabova")
    client = logged_in(user_with_role(role))
    url = reverse("admin:articles_author_change", args=[author.pk])

    data = form_data(client.get(url), form_id="author_form") if allowed else {"name": ["Hacked"]}
    data["name"] = ["Renamed by staff"] if allowed else ["Hacked"]
    response = client.post(url, data)

    author.refresh_from_db()
    if allowed:
        assert response.status_code == HTTPStatus.FOUND
        assert author.name == "Renamed by staff"
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert author.name == "Sara Rajabova"
    add = client.get(reverse("admin:articles_author_add"))
    assert (add.status_code == HTTPStatus.OK) is allowed


@pytest.mark.parametrize("model", ["user", "group"])
@pytest.mark.parametrize(("role", "allowed"), [(WRITER, False), (EDITOR, False), (STAFF, True)])
def test_only_staff_manage_users_and_roles(role, allowed, model):
    client = logged_in(user_with_role(role))

    response = client.get(reverse(f"admin:auth_{model}_changelist"))

    assert (response.status_code == HTTPStatus.OK) is allowed
    if not allowed:
        assert response.status_code == HTTPStatus.FORBIDDEN


def test_staff_cannot_make_themselves_superuser(staff):
    client = logged_in(staff)
    url = reverse("admin:auth_user_change", args=[staff.pk])

    data = form_data(client.get(url), form_id="user_form")
    data["is_superuser"] = ["on"]
    data["first_name"] = ["Stella"]
    response = client.post(url, data)

    staff.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert staff.first_name == "Stella"
    assert not staff.is_superuser


def test_staff_cannot_change_a_superuser_account(staff, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "a-long-password-123")
    client = logged_in(staff)

    response = client.post(
        reverse("admin:auth_user_change", args=[boss.pk]), {"username": "boss", "email": "evil@example.org"}
    )

    boss.refresh_from_db()
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert boss.email == "boss@example.org"


def test_editor_manages_sections_and_tags_but_not_authors(editor):
    client = logged_in(editor)

    sections = client.get(reverse("admin:articles_section_add"))
    authors = client.get(reverse("admin:articles_author_add"))
    created = client.post(reverse("admin:articles_tag_add"), {"name": "Qarabağ", "slug": ""})

    assert sections.status_code == HTTPStatus.OK
    assert authors.status_code == HTTPStatus.FORBIDDEN
    assert created.status_code == HTTPStatus.FOUND
    assert Tag.objects.get().slug == "qarabag"


def test_writer_cannot_manage_tags(writer):
    client = logged_in(writer)

    response = client.post(reverse("admin:articles_tag_add"), {"name": "Spam"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Tag.objects.exists()


def test_tag_changelist_counts_articles(editor):
    ArticleFactory.create_batch(3, tags=["Energy"])

    response = logged_in(editor).get(reverse("admin:articles_tag_changelist"))

    assert [row.article_count for row in response.context["cl"].result_list] == [3]


def test_writer_can_pick_authors_and_sections_in_autocomplete(writer):
    AuthorFactory(name="Leyla Aliyeva")
    client = logged_in(writer)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "articleauthor", "field_name": "author", "term": "Leyla"},
    )

    assert response.status_code == HTTPStatus.OK
    assert "Leyla Aliyeva" in response.content.decode()


def test_unowned_article_counts_for_nobody(writer):
    # Ownership goes through created_by or the writer's Author profile, nothing else.
    article = ArticleFactory()
    ArticleAuthor.objects.create(article=article, author=AuthorFactory(), position=0)

    response = logged_in(writer).get(changelist_url())

    assert list(response.context["cl"].result_list) == []
