"""Posting to a live blog in the admin, with the article permissions: writers on their own stories, editors on any."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.tests.admin_helpers import form_data, logged_in
from articles.tests.factories import AuthorFactory
from live.models import Entry
from live.tests.factories import EntryFactory, LiveBlogFactory

pytestmark = pytest.mark.django_db


def post_form(client, url, changes, form_id):
    """Open the page, fill in the form as a person would, submit it."""
    data = form_data(client.get(url), form_id=form_id)
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


def screen(blog):
    return reverse("admin:live_liveblog_post", args=[blog.pk])


def test_an_editor_posts_an_entry_that_readers_see_at_once(editor, client):
    blog = LiveBlogFactory()
    profile = AuthorFactory(name="Edna Desk", user=editor)
    desk = logged_in(editor)

    response = post_form(desk, screen(blog), {"title": "Polls close", "body": "<p>Counting <b>begins</b></p>",
                                              "is_key_event": "on"}, form_id="entry_form")  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND
    entry = Entry.objects.get()
    assert (entry.author, entry.posted_by, entry.is_key_event) == (profile, editor, True)
    page = client.get(blog.article.get_absolute_url()).content.decode()
    assert "Counting <b>begins</b>" in page and "Edna Desk" in page
    assert Version.objects.get_for_object(entry).count() == 1


def test_a_writer_posts_to_their_own_live_blog_but_not_to_others(writer):
    own = LiveBlogFactory(article__authors=[AuthorFactory(user=writer)])
    other = LiveBlogFactory()
    desk = logged_in(writer)

    assert post_form(desk, screen(own), {"body": "<p>From the count</p>"}, form_id="entry_form").status_code == 302
    assert desk.get(screen(other)).status_code == HTTPStatus.FORBIDDEN
    assert desk.post(screen(other), {"body": "<p>Sneaked in</p>"}).status_code == HTTPStatus.FORBIDDEN
    assert list(Entry.objects.values_list("body", flat=True)) == ["<p>From the count</p>"]
    # Nor may they edit or delete an entry of someone else's live blog.
    theirs = EntryFactory(live_blog=other)
    assert desk.get(reverse("admin:live_entry_change", args=[theirs.pk])).status_code in (302, 403, 404)
    assert desk.post(reverse("admin:live_entry_delete", args=[theirs.pk]), {"post": "yes"}).status_code in (
        302,
        403,
        404,
    )
    assert Entry.objects.filter(pk=theirs.pk).exists()


def test_an_empty_entry_is_refused_with_a_form_error(editor):
    blog = LiveBlogFactory()

    response = post_form(logged_in(editor), screen(blog), {"body": "<p> </p>"}, form_id="entry_form")

    assert response.status_code == HTTPStatus.OK
    assert "Write something" in response.content.decode()
    assert not Entry.objects.exists()


def test_editing_and_deleting_an_entry_keeps_its_history(editor, client):
    blog = LiveBlogFactory()
    desk = logged_in(editor)
    post_form(desk, screen(blog), {"body": "<p>Turnout 40%</p>"}, form_id="entry_form")
    entry = Entry.objects.get()
    change = reverse("admin:live_entry_change", args=[entry.pk])

    assert post_form(desk, change, {"body": "<p>Turnout 45%</p>"}, form_id="entry_form").status_code == 302
    assert "Turnout 45%" in client.get(blog.article.get_absolute_url()).content.decode()
    assert Version.objects.get_for_object(entry).count() == 2

    desk.post(reverse("admin:live_entry_delete", args=[entry.pk]), {"post": "yes"})
    assert not Entry.objects.exists()
    assert "Turnout" not in client.get(blog.article.get_absolute_url()).content.decode()
    assert Version.objects.get_deleted(Entry).count() == 1  # recoverable from its history


def test_the_article_form_links_to_its_posting_screen(editor):
    blog = LiveBlogFactory()
    response = logged_in(editor).get(reverse("admin:articles_article_change", args=[blog.article_id]))
    assert screen(blog) in response.content.decode()


def test_the_posting_screen_posts_with_ctrl_enter(editor):
    response = logged_in(editor).get(screen(LiveBlogFactory()))
    assert "admin/js/live-post.js" in response.content.decode()


def test_the_entry_body_is_edited_in_the_rich_text_editor_and_cleaned_like_article_bodies(editor):
    desk = logged_in(editor)
    blog = LiveBlogFactory()

    html = desk.get(screen(blog)).content.decode()
    post_form(desk, screen(blog), {"body": '<p onclick="x()">Turnout <strong>up</strong></p><script>x()</script>'},
              form_id="entry_form")  # fmt: skip

    assert "data-django-prose-editor-configurable" in html  # django-prose-editor, as the article body
    assert Entry.objects.get().body == "<p>Turnout <strong>up</strong></p>"
