"""Every admin save is a revision of the whole story; editors compare, revert and (staff) recover."""

from http import HTTPStatus

import lxml.html
import pytest
import reversion
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.revisions import snapshot_of_version
from articles.roles import EDITOR, STAFF, WRITER

from .admin_helpers import (
    add_url,
    change_url,
    errors_of,
    form_data,
    history_url,
    logged_in,
    post_form,
    user_with_role,
)
from .factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised(editor):
    """An article written through the admin with two authors and two tags, then rewritten once."""
    client = logged_in(editor)
    first, second = AuthorFactory(name="Aysel First"), AuthorFactory(name="Bahram Second")
    section = SectionFactory()
    created = post_form(
        client,
        add_url(),
        {
            "headline": "Original headline",
            "section": str(section.pk),
            "tags": "energy, caspian",
            "article_authors-TOTAL_FORMS": "2",
            "article_authors-0-author": str(first.pk),
            "article_authors-0-position": "0",
            "article_authors-1-author": str(second.pk),
            "article_authors-1-position": "1",
            "revision_comment": "First filing",
        },
    )
    assert created.status_code == HTTPStatus.FOUND, errors_of(created)
    article = Article.objects.get()
    edited = post_form(
        client,
        change_url(article),
        {
            "headline": "Rewritten headline",
            "tags": "football",
            "article_authors-0-position": "1",
            "article_authors-1-position": "0",
        },
    )
    assert edited.status_code == HTTPStatus.FOUND, errors_of(edited)
    article.refresh_from_db()
    return article, first, second


def versions_of(article):
    return list(Version.objects.get_for_object(article).order_by("pk"))


def test_each_admin_save_records_who_when_and_what(revised, editor):
    article, first, second = revised

    created, edited = versions_of(article)

    assert created.revision.user == editor
    assert "First filing" in created.revision.get_comment()
    assert "Note for the history" not in created.revision.get_comment()
    assert "Changed" in edited.revision.get_comment() and "Headline" in edited.revision.get_comment()
    assert created.revision.date_created <= edited.revision.date_created


def test_a_revision_holds_byline_order_tags_and_section(revised):
    article, first, second = revised

    created, edited = versions_of(article)
    before, after = snapshot_of_version(created), snapshot_of_version(edited)

    assert before["Byline"] == "Aysel First, Bahram Second"
    assert after["Byline"] == "Bahram Second, Aysel First"
    assert before["Tags"] == "caspian, energy"
    assert after["Tags"] == "football"
    assert before["Section"] == article.section.name


def test_history_lists_revisions_and_compares_two(revised, editor):
    article, *_ = revised
    client = logged_in(editor)
    created, edited = versions_of(article)

    history = client.get(history_url(article))
    compare = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"a": created.pk, "b": edited.pk}
    )

    assert history.status_code == HTTPStatus.OK
    assert history.content.decode().count('name="a"') == 2
    assert "Restore this version" in history.content.decode()
    assert compare.status_code == HTTPStatus.OK
    html = compare.content.decode()
    assert "<del>Original</del>" in html and "<ins>Rewritten</ins>" in html
    labels = [change.label for change in compare.context["changes"]]
    assert labels == ["Headline", "Byline", "Tags"]


@pytest.mark.parametrize("params", [{}, {"a": "1"}, {"a": "x", "b": "y"}])
def test_compare_without_two_revisions_goes_back_to_history(revised, editor, params):
    article, *_ = revised

    response = logged_in(editor).get(reverse("admin:articles_article_compare", args=[article.pk]), params)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == history_url(article)


def test_compare_refuses_revisions_of_another_article(revised, editor):
    article, *_ = revised
    other = ArticleFactory()
    post_form(logged_in(editor), change_url(other), {"headline": "Other story"})
    foreign = versions_of(other)[0]

    response = logged_in(editor).get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"a": versions_of(article)[0].pk, "b": foreign.pk},
    )

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_revert_restores_headline_byline_order_and_tags_as_a_new_revision(revised, editor):
    article, first, second = revised
    client = logged_in(editor)
    created = versions_of(article)[0]
    version_before = article.version
    url = reverse("admin:articles_article_revision", args=[article.pk, created.pk])

    page = client.get(url)
    response = client.post(url, form_data(page))

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.headline == "Original headline"
    assert article.ordered_authors() == [first, second]
    assert set(article.tags.names()) == {"energy", "caspian"}
    assert article.version > version_before  # the counter never goes backwards
    history = versions_of(article)
    assert len(history) == 3
    assert "Reverted" in history[-1].revision.get_comment()


def test_viewing_a_revision_changes_nothing(revised, editor):
    article, first, second = revised
    created = versions_of(article)[0]

    logged_in(editor).get(reverse("admin:articles_article_revision", args=[article.pk, created.pk]))

    article.refresh_from_db()
    assert article.headline == "Rewritten headline"
    assert article.ordered_authors() == [second, first]
    assert len(versions_of(article)) == 2


def test_a_form_opened_before_a_revert_cannot_overwrite_it(revised, editor):
    article, *_ = revised
    colleague = logged_in(user_with_role(EDITOR))
    stale_form = form_data(colleague.get(change_url(article)))
    client = logged_in(editor)
    url = reverse("admin:articles_article_revision", args=[article.pk, versions_of(article)[0].pk])
    client.post(url, form_data(client.get(url)))

    stale_form["headline"] = ["Colleague's late edit"]
    response = colleague.post(change_url(article), stale_form)

    assert response.status_code == HTTPStatus.OK
    assert "after you opened it" in errors_of(response)
    article.refresh_from_db()
    assert article.headline == "Original headline"


def test_revert_is_refused_when_the_revision_points_to_a_deleted_author(editor):
    client = logged_in(editor)
    gone, stays = AuthorFactory(name="Leaves the paper"), AuthorFactory(name="Stays on")
    article = ArticleFactory(authors=[gone, stays])
    post_form(client, change_url(article), {"headline": "Version one"})
    post_form(client, change_url(article), {"article_authors-0-DELETE": "on", "headline": "Version two"})
    gone.delete()
    url = reverse("admin:articles_article_revision", args=[article.pk, versions_of(article)[0].pk])

    response = client.get(url, follow=True)

    assert "cannot be restored" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Version two"


def test_writer_sees_history_of_own_article_but_cannot_revert():
    writer = user_with_role(WRITER)
    client = logged_in(writer)
    article = ArticleFactory(created_by=writer)
    post_form(client, change_url(article), {"headline": "Writer's second go"})
    version = versions_of(article)[0]

    history = client.get(history_url(article))
    revert = client.get(reverse("admin:articles_article_revision", args=[article.pk, version.pk]))

    assert history.status_code == HTTPStatus.OK
    assert "Restore this version" not in history.content.decode()
    assert revert.status_code == HTTPStatus.FORBIDDEN


def test_staff_recover_a_deleted_article_with_its_byline_and_tags():
    staff = user_with_role(STAFF)
    client = logged_in(staff)
    author = AuthorFactory(name="Nigar Recovered")
    article = ArticleFactory(authors=[author], tags=["flood"], headline="Deleted by mistake")
    post_form(client, change_url(article), {"dek": "Saved once through the admin."})
    pk = article.pk

    client.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    recover_list = client.get(reverse("admin:articles_article_recoverlist"))
    (link,) = lxml.html.fromstring(recover_list.content).xpath('//a[contains(@href, "/recover/")]/@href')
    page = client.get(link)
    response = client.post(link, form_data(page))

    assert "Deleted by mistake" in recover_list.content.decode()
    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    restored = Article.objects.get(pk=pk)
    assert restored.ordered_authors() == [author]
    assert list(restored.tags.names()) == ["flood"]


def test_editor_cannot_recover_deleted_articles(editor):
    article = ArticleFactory()
    post_form(logged_in(editor), change_url(article), {"dek": "Saved once."})
    version = versions_of(article)[0]
    article.delete()

    response = logged_in(editor).get(reverse("admin:articles_article_recover", args=[version.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Article.objects.filter(pk=version.object_id).exists()


def test_a_revision_reads_the_byline_and_tags_in_one_query_each_however_many_there_are():
    """A writer saving a draft every few seconds: the revision's cost does not grow with the byline and tags."""

    def queries_to_save(authors, tags):
        article = ArticleFactory(authors=AuthorFactory.create_batch(authors), tags=[f"Tag {n}" for n in range(tags)])
        article.body += "<p>Another paragraph.</p>"
        with CaptureQueriesContext(connection) as queries, reversion.create_revision():
            article.save()
        return len(queries)

    queries_to_save(authors=1, tags=1)  # (the first save also looks up and caches the content types)
    assert queries_to_save(authors=4, tags=6) == queries_to_save(authors=1, tags=1)


def test_a_save_reads_the_stored_article_once_for_every_check_that_compares_with_it():
    """The edit-conflict lock, the page cache and the content API each compare a save with the stored row:
    one read of it (with the lock), not one each."""
    article = ArticleFactory(live=True, headline="Tram fares frozen")
    article.headline = "Tram fares frozen for a year"
    with CaptureQueriesContext(connection) as queries, reversion.create_revision():
        article.save(expected_version=article.version)

    table = f'FROM "{Article._meta.db_table}" WHERE "{Article._meta.db_table}"."id" = '
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and table in q["sql"]]
    assert len(reads) == 1, reads
    assert Article.objects.get(pk=article.pk).headline == "Tram fares frozen for a year"
