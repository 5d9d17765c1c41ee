"""Draft → in review → published (now or scheduled), unpublished; embargoes; corrections and "Updated"."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.roles import EDITOR, WRITER
from articles.services import Action, TransitionError, next_state, state_label

from .admin_helpers import add_url, change_url, changelist_url, errors_of, logged_in, post_form, user_with_role
from .factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2030, 6, 1, 12, 0, tzinfo=datetime.UTC)


def local_parts(moment):
    local = timezone.localtime(moment)
    return {"published_at_0": local.strftime("%Y-%m-%d"), "published_at_1": local.strftime("%H:%M:%S")}


# Through the admin's buttons ---------------------------------------------------


def test_writer_drafts_then_submits_for_review(writer):
    section = SectionFactory()
    client = logged_in(writer)

    created = post_form(client, add_url(), {"headline": "Port strike enters third day", "section": str(section.pk)})
    article = Article.objects.get()
    submitted = post_form(client, change_url(article), button="_submit_review")

    assert created.status_code == HTTPStatus.FOUND, errors_of(created)
    assert submitted.status_code == HTTPStatus.FOUND, errors_of(submitted)
    assert submitted.url == change_url(article)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert article.created_by == writer
    assert article.modified_by == writer
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_editor_publishes_now_and_readers_see_it(editor, client):
    article = ArticleFactory(status=Article.Status.REVIEW, authors=[AuthorFactory()])

    response = post_form(logged_in(editor), change_url(article), button="_publish_now")

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.is_live
    assert abs(article.published_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK


def test_editor_schedules_and_readers_see_it_only_from_that_time(editor, client):
    article = ArticleFactory(status=Article.Status.REVIEW, authors=[AuthorFactory()])
    at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)

    response = post_form(logged_in(editor), change_url(article), local_parts(at), button="_schedule")

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == at
    assert article.is_scheduled
    assert state_label(article).startswith("Scheduled for")
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK


def test_scheduling_needs_a_future_time(editor):
    article = ArticleFactory()
    past = timezone.now() - datetime.timedelta(hours=1)

    response = post_form(logged_in(editor), change_url(article), local_parts(past), button="_schedule")

    assert response.status_code == HTTPStatus.OK
    assert "set a publication time in the future" in errors_of(response)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_editor_unpublishes_and_readers_lose_it(editor, client):
    article = ArticleFactory(live=True)

    response = post_form(logged_in(editor), change_url(article), button="_unpublish")

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_unpublishing_a_draft_is_refused(editor):
    article = ArticleFactory()

    response = post_form(logged_in(editor), change_url(article), button="_unpublish")

    assert response.status_code == HTTPStatus.OK
    assert "Only a published or scheduled article can be unpublished" in errors_of(response)


def test_publish_now_brings_a_scheduled_article_forward(editor):
    article = ArticleFactory(scheduled=True, authors=[AuthorFactory()])

    post_form(logged_in(editor), change_url(article), button="_publish_now")

    article.refresh_from_db()
    assert article.is_live


def test_republishing_keeps_the_original_time_and_address(editor):
    first = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    article = ArticleFactory(status=Article.Status.UNPUBLISHED, published_at=first, authors=[AuthorFactory()])
    url = article.get_absolute_url()

    post_form(logged_in(editor), change_url(article), button="_publish_now")

    article.refresh_from_db()
    assert article.is_live
    assert article.published_at == first
    assert article.get_absolute_url() == url


def test_buttons_offered_follow_role_and_state(writer, editor):
    draft = ArticleFactory(created_by=writer)
    live = ArticleFactory(live=True)

    writer_html = logged_in(writer).get(change_url(draft)).content.decode()
    editor_draft = logged_in(editor).get(change_url(draft)).content.decode()
    editor_live = logged_in(editor).get(change_url(live)).content.decode()

    assert 'name="_submit_review"' in writer_html
    assert 'name="_publish_now"' not in writer_html and 'name="_schedule"' not in writer_html
    assert 'name="_publish_now"' in editor_draft and 'name="_unpublish"' not in editor_draft
    assert 'name="_unpublish"' in editor_live and 'name="_publish_now"' not in editor_live


def test_editor_choosing_published_without_a_time_publishes_now(editor):
    article = ArticleFactory()

    response = post_form(logged_in(editor), change_url(article), {"status": "published"})

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.is_live


# The rules themselves ------------------------------------------------------------


def test_next_state_rules(django_user_model):
    editor = user_with_role(EDITOR)
    writer = user_with_role(WRITER)
    past, future = NOON - datetime.timedelta(days=1), NOON + datetime.timedelta(days=1)

    def step(action, status, at, user):
        return next_state(action, status=status, published_at=at, user=user, now=NOON)

    assert step(Action.SUBMIT, "draft", None, writer) == ("review", None)
    assert step(Action.PUBLISH, "review", None, editor) == ("published", NOON)
    assert step(Action.PUBLISH, "review", future, editor) == ("published", NOON)
    assert step(Action.PUBLISH, "unpublished", past, editor) == ("published", past)
    assert step(Action.SCHEDULE, "draft", future, editor) == ("published", future)
    assert step(Action.UNPUBLISH, "published", past, editor) == ("unpublished", past)
    for action, status, at, user in [
        (Action.PUBLISH, "draft", None, writer),
        (Action.SCHEDULE, "draft", future, writer),
        (Action.UNPUBLISH, "published", past, writer),
        (Action.SCHEDULE, "draft", past, editor),
        (Action.SCHEDULE, "draft", None, editor),
        (Action.UNPUBLISH, "draft", None, editor),
        (Action.SUBMIT, "published", past, editor),
    ]:
        with pytest.raises(TransitionError):
            step(action, status, at, user)


def test_model_shorthands_follow_the_same_rules(editor, writer):
    live = ArticleFactory(live=True)
    with pytest.raises(TransitionError):
        live.submit_for_review(user=editor)
    with pytest.raises(TransitionError):
        ArticleFactory().submit_for_review().publish(user=writer)
    with pytest.raises(TransitionError):
        ArticleFactory().unpublish()

    scheduled = ArticleFactory(scheduled=True)
    scheduled.publish(user=editor)  # "publish now" on a story with a future time publishes it now

    scheduled.refresh_from_db()
    assert scheduled.is_live
    assert scheduled.modified_by == editor


def test_model_publish_with_a_future_time_schedules_and_with_none_keeps_a_past_one():
    later = timezone.now() + datetime.timedelta(hours=3)
    earlier = timezone.now() - datetime.timedelta(days=2)

    scheduled = ArticleFactory().publish(at=later)
    republished = ArticleFactory(status=Article.Status.UNPUBLISHED, published_at=earlier).publish()

    assert (scheduled.status, scheduled.published_at, scheduled.is_scheduled) == ("published", later, True)
    assert (republished.status, republished.published_at) == ("published", earlier)


# Scheduling and embargo at the boundary ----------------------------------------


def test_scheduled_article_appears_exactly_at_its_time(client):
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=NOON, headline="Budget vote at noon")

    with time_machine.travel(NOON - datetime.timedelta(minutes=1), tick=False):
        before = client.get(article.get_absolute_url()).status_code
        latest_before = client.get(reverse("articles:latest")).content.decode()
    with time_machine.travel(NOON + datetime.timedelta(minutes=1), tick=False):
        after = client.get(article.get_absolute_url()).status_code
        latest_after = client.get(reverse("articles:latest")).content.decode()

    assert before == HTTPStatus.NOT_FOUND
    assert "Budget vote at noon" not in latest_before
    assert after == HTTPStatus.OK
    assert "Budget vote at noon" in latest_after


def test_embargoed_wire_story_stays_hidden_until_the_embargo_lifts(client):
    lifts = NOON + datetime.timedelta(hours=2)
    article = ArticleFactory(
        status=Article.Status.PUBLISHED, published_at=NOON - datetime.timedelta(hours=1), embargo_until=lifts
    )

    with time_machine.travel(lifts - datetime.timedelta(minutes=1), tick=False):
        hidden = client.get(article.get_absolute_url()).status_code
        label = state_label(article)
    with time_machine.travel(lifts + datetime.timedelta(minutes=1), tick=False):
        shown = client.get(article.get_absolute_url()).status_code

    assert hidden == HTTPStatus.NOT_FOUND
    assert label.startswith("Embargoed until")
    assert shown == HTTPStatus.OK


# The changelist at a glance ---------------------------------------------------


def test_changelist_state_column_and_filters(writer, editor):
    mine = ArticleFactory(created_by=writer, headline="My own draft")
    ArticleFactory(headline="Another writer's draft")
    review = ArticleFactory(status=Article.Status.REVIEW, headline="Waiting for the desk")
    scheduled = ArticleFactory(scheduled=True, headline="Goes out tomorrow")
    live = ArticleFactory(live=True, headline="Already out")
    wire = ArticleFactory(source=Article.Source.WIRE, headline="Agency copy, untouched")
    ArticleFactory(source=Article.Source.WIRE, live=True, headline="Agency copy, used")
    ArticleFactory(status=Article.Status.ARCHIVED, headline="Old and archived")
    client = logged_in(editor)

    def listed(**params):
        response = client.get(changelist_url(), params)
        assert response.status_code == HTTPStatus.OK
        return {a.pk for a in response.context["cl"].result_list}

    page = client.get(changelist_url()).content.decode()
    for label in ("Draft", "In review", "Scheduled for", "Live", "Archived", "Incoming (wire and imports)"):
        assert label in page
    assert listed(state="review") == {review.pk}
    assert listed(state="scheduled") == {scheduled.pk}
    assert live.pk in listed(state="live")
    assert listed(state="incoming") == {wire.pk}
    assert listed(state="mine") == set()  # the editor has no drafts of their own
    assert logged_in(writer).get(changelist_url(), {"state": "mine"}).context["cl"].result_list[0] == mine


def test_bulk_publish_records_one_revision_per_article(editor):
    from reversion.models import Version

    articles = ArticleFactory.create_batch(2)

    logged_in(editor).post(changelist_url(), {"action": "publish_now", "_selected_action": [a.pk for a in articles]})

    for article in articles:
        versions = Version.objects.get_for_object(article)
        assert versions.count() == 1
        assert versions.first().revision.version_set.filter(content_type__model="article").count() == 1
        assert versions.first().revision.user == editor


# Corrections and "Updated" -----------------------------------------------------------


def test_editor_attaches_a_dated_correction_that_readers_see(editor, client):
    article = ArticleFactory(live=True)

    response = post_form(
        logged_in(editor),
        change_url(article),
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-note": "An earlier version misstated the size of the budget.",
            "corrections-0-published_at_0": "2030-06-01",
            "corrections-0-published_at_1": "09:30:00",
        },
    )

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "An earlier version misstated the size of the budget." in page
    assert "1 June 2030 09:30" in page


def test_significant_update_shows_updated_to_readers(editor, client):
    article = ArticleFactory(live=True)

    response = post_form(
        logged_in(editor), change_url(article), {"body": "<p>New facts.</p>", "significant_update": "on"}
    )

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.updated_at is not None and article.show_updated
    assert "Updated" in client.get(article.get_absolute_url()).content.decode()


def test_typo_fix_leaves_updated_time_alone(editor, client):
    article = ArticleFactory(live=True)

    post_form(logged_in(editor), change_url(article), {"headline": article.headline + " (typo fixed)"})

    article.refresh_from_db()
    assert article.updated_at is None
    assert "Updated" not in client.get(article.get_absolute_url()).content.decode()


def test_significant_update_on_a_draft_sets_nothing(editor):
    article = ArticleFactory()

    post_form(logged_in(editor), change_url(article), {"significant_update": "on"})

    article.refresh_from_db()
    assert article.updated_at is None
