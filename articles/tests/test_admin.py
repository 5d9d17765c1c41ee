"""The editors' admin: changelist, writing an article, counts without N+1, and no lost edits."""

from http import HTTPStatus

import lxml.html
import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, EditConflict
from articles.roles import EDITOR, STAFF

from .admin_helpers import (
    add_url,
    change_url,
    changelist_url,
    errors_of,
    form_data,
    logged_in,
    post_form,
    user_with_role,
)
from .factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db


# Changelist ---------------------------------------------------------------------


def test_changelist_shows_byline_state_and_time_with_filters_search_and_dates(editor):
    author = AuthorFactory(name="Sara Rajabova")
    live = ArticleFactory(live=True, authors=[author], headline="Caspian gas deal signed")
    ArticleFactory(headline="Draft about the harbour")
    client = logged_in(editor)

    page = client.get(changelist_url())
    search = client.get(changelist_url(), {"q": "Caspian"})
    year = live.published_at.year
    by_year = client.get(changelist_url(), {"published_at__year": year})
    by_section = client.get(changelist_url(), {"section__id__exact": live.section_id, "status__exact": "published"})
    by_author = client.get(changelist_url(), {"author": author.pk})

    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    for text in ("Sara Rajabova", "Live", "Draft", "By state", "By section", "By author", "By featured"):
        assert text in html, text
    assert [a.pk for a in search.context["cl"].result_list] == [live.pk]
    assert [a.pk for a in by_year.context["cl"].result_list] == [live.pk]
    assert [a.pk for a in by_section.context["cl"].result_list] == [live.pk]
    assert [a.pk for a in by_author.context["cl"].result_list] == [live.pk]


def test_changelist_queries_do_not_grow_with_rows(editor, django_assert_max_num_queries):
    authors = AuthorFactory.create_batch(3)
    ArticleFactory.create_batch(40, live=True, authors=authors, tags=["Energy"])
    client = logged_in(editor)

    # session, user, permissions (2), count, rows, bylines prefetch, filters (sections, authors),
    # date hierarchy, plus savepoints on some backends
    with django_assert_max_num_queries(16):
        response = client.get(changelist_url())

    assert len(response.context["cl"].result_list) == 40


@pytest.mark.parametrize(("url_name", "model_factory"), [("author", "authors"), ("section", "sections")])
def test_author_and_section_counts_without_a_query_per_row(django_assert_max_num_queries, url_name, model_factory):
    staff = user_with_role(STAFF)
    sections = SectionFactory.create_batch(25)
    authors = AuthorFactory.create_batch(25)
    for section, author in zip(sections, authors, strict=True):
        ArticleFactory.create_batch(2, section=section, authors=[author])
    client = logged_in(staff)

    with django_assert_max_num_queries(12):
        response = client.get(reverse(f"admin:articles_{url_name}_changelist"))

    assert response.status_code == HTTPStatus.OK
    rows = response.context["cl"].result_list
    assert len(rows) == 25
    assert {row.article_count for row in rows} == {2}


# Writing an article as an editor would ----------------------------------------------


def test_editor_writes_an_article_with_ordered_authors_and_tags(editor, client):
    section = SectionFactory(name="Economy")
    first, second = AuthorFactory(name="Leyla Aliyeva"), AuthorFactory(name="Rashad Karimov")
    admin_client = logged_in(editor)

    response = post_form(
        admin_client,
        add_url(),
        {
            "headline": "Central bank holds rates",
            "dek": "Inflation eased in October.",
            "body": "<p>The bank kept its rate at 7.25%.</p>",
            "section": str(section.pk),
            "tags": "economy, rates",
            "article_authors-TOTAL_FORMS": "2",
            "article_authors-0-author": str(second.pk),
            "article_authors-0-position": "0",
            "article_authors-1-author": str(first.pk),
            "article_authors-1-position": "1",
            "article_authors-1-role": "Reporting by",
        },
        button="_publish_now",
    )

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article = Article.objects.get()
    assert article.slug == "central-bank-holds-rates"
    assert article.is_live
    assert article.created_by == editor
    assert [link.author for link in article.byline_links()] == [second, first]
    assert article.byline_links()[1].role == "Reporting by"
    assert set(article.tags.names()) == {"economy", "rates"}
    page = client.get(article.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    assert "Rashad Karimov" in page.content.decode()
    # "View on site" appears once the article is live, never for a draft.
    draft = ArticleFactory()
    live_tools = lxml.html.fromstring(admin_client.get(change_url(article)).content)
    draft_tools = lxml.html.fromstring(admin_client.get(change_url(draft)).content)
    assert live_tools.xpath('//a[@class="viewsitelink"]/@href') == [article.get_absolute_url()]
    assert draft_tools.xpath('//a[@class="viewsitelink"]') == []


def test_save_without_a_section_is_a_form_error_not_a_500(editor):
    response = post_form(logged_in(editor), add_url(), {"headline": "No section chosen"})

    assert response.status_code == HTTPStatus.OK
    assert "section" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


# No lost edits ---------------------------------------------------------------------------


def test_second_of_two_concurrent_saves_is_refused_and_keeps_its_text(editor):
    article = ArticleFactory(live=True, headline="Flood waters", body="<p>First paragraph.</p>")
    colleague = user_with_role(EDITOR, username="rauf", first_name="Rauf", last_name="Night")
    first_session, second_session = logged_in(colleague), logged_in(editor)
    post_form(first_session, change_url(article), {"headline": "Flood waters recede"})
    first_form = form_data(first_session.get(change_url(article)))
    second_form = form_data(second_session.get(change_url(article)))

    first_form["headline"] = ["Flood waters recede in the north"]
    saved = first_session.post(change_url(article), first_form)
    second_form["body"] = ["<p>First paragraph.</p><p>My new second paragraph.</p>"]
    refused = second_session.post(change_url(article), second_form)

    assert saved.status_code == HTTPStatus.FOUND, errors_of(saved)
    assert refused.status_code == HTTPStatus.OK
    message = errors_of(refused)
    assert "Rauf Night saved this article at" in message
    assert "(UTC+00:00)" in message
    html = refused.content.decode()
    assert "My new second paragraph." in html  # the second editor's text is still in the form
    assert "<ins> in the north</ins>" in html  # and they see what the first editor changed
    assert [change.label for change in refused.context["conflict"].changes] == ["Headline"]
    article.refresh_from_db()
    assert article.headline == "Flood waters recede in the north"
    assert "My new second paragraph." not in article.body

    # Having seen the other change, the second editor can save their version deliberately.
    again = second_session.post(change_url(article), form_data(refused))
    assert again.status_code == HTTPStatus.FOUND, errors_of(again)
    article.refresh_from_db()
    assert "My new second paragraph." in article.body


def test_conflict_without_history_shows_where_the_edit_differs_from_the_saved_version(editor):
    article = ArticleFactory(headline="Harbour reopens")
    client = logged_in(editor)
    form = form_data(client.get(change_url(article)))
    elsewhere = Article.objects.get(pk=article.pk)
    elsewhere.headline = "Harbour reopens after storm"
    elsewhere.save()  # a save outside the admin (an import, a script): no revision to compare with

    form["dek"] = ["Ships queue at the entrance."]
    response = client.post(change_url(article), form)

    assert response.status_code == HTTPStatus.OK
    assert "Someone else saved this article" in errors_of(response)
    html = response.content.decode()
    assert "cannot be listed" in html
    assert [change.label for change in response.context["conflict"].changes] == ["Headline", "Dek"]
    assert "<del> after storm</del>" in html


def test_form_without_its_version_is_refused(editor):
    article = ArticleFactory()
    client = logged_in(editor)
    form = form_data(client.get(change_url(article)))
    del form["loaded_version"]

    response = client.post(change_url(article), form)

    assert response.status_code == HTTPStatus.OK
    assert "did not say which version" in errors_of(response)


def test_every_save_counts_up_the_version():
    article = ArticleFactory()
    assert article.version == 1

    article.save()
    Article.objects.get(pk=article.pk).save()
    article.refresh_from_db()

    assert article.version == 3


def test_saving_over_a_newer_version_raises_at_the_model():
    article = ArticleFactory()
    stale = Article.objects.get(pk=article.pk)
    article.headline = "Saved first"
    article.save()

    stale.headline = "Saved second"
    with pytest.raises(EditConflict):
        stale.save(expected_version=stale.version)

    article.refresh_from_db()
    assert article.headline == "Saved first"


def test_change_form_shows_state_preview_and_last_save(editor):
    article = ArticleFactory(scheduled=True)
    post_form(logged_in(editor), change_url(article), {"dek": "Edited once."})

    html = logged_in(editor).get(change_url(article)).content.decode()
    tree = lxml.html.fromstring(html)

    assert "Scheduled for" in html
    assert tree.xpath('//a[@class="previewlink"]')
    assert "by Edna Desk" in html and "version 2" in html


def test_a_save_racing_past_the_form_check_is_refused_without_an_error_page(editor, monkeypatch):
    # Two saves in the same instant both pass the form's check (possible on SQLite, which has no row
    # locks); the model's locked compare-and-count still refuses the second one.
    from articles.forms import ArticleAdminForm

    article = ArticleFactory(headline="Original")
    first, second = logged_in(editor), logged_in(user_with_role(EDITOR))
    first_form = form_data(first.get(change_url(article)))
    second_form = form_data(second.get(change_url(article)))
    first_form["headline"] = ["First save"]
    first.post(change_url(article), first_form)
    monkeypatch.setattr(ArticleAdminForm, "_check_version", lambda self, cleaned: None)

    second_form["headline"] = ["Second save"]
    response = second.post(change_url(article), second_form, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "someone else saved this article at the same moment" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "First save"


def test_text_in_any_script_survives_a_round_trip_through_the_form(editor):
    article = ArticleFactory(headline="Bakıda güclü yağış — “xəbərdarlıq”", dek="Шторм 和 عاصفة 🌧")
    client = logged_in(editor)

    response = post_form(client, change_url(article))

    assert response.status_code == HTTPStatus.FOUND, errors_of(response)
    article.refresh_from_db()
    assert article.headline == "Bakıda güclü yağış — “xəbərdarlıq”"
    assert article.dek == "Шторм 和 عاصفة 🌧"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_changelist_headline_and_dek_search_can_use_trigram_indexes():
    # The admin's substring search is UPPER(col::text) LIKE UPPER('%word%'): only an index on exactly
    # that expression can serve it. The planner is told to avoid table scans, as at 100,000 articles.
    ArticleFactory.create_batch(3)
    queryset = Article.objects.order_by().filter(Q(headline__icontains="arbou") | Q(dek__icontains="arbou"))

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()

    assert "article_headline_trgm_idx" in plan
    assert "article_dek_trgm_idx" in plan


def test_changelist_rows_are_read_without_their_bodies(editor):
    ArticleFactory.create_batch(3, body="<p>" + "A long feature. " * 2_000 + "</p>")
    client = logged_in(editor)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(changelist_url())

    assert len(response.context["cl"].result_list) == 3
    row_queries = [q["sql"] for q in queries.captured_queries if '"articles_article"."headline"' in q["sql"]]
    assert row_queries
    assert not any('"articles_article"."body"' in sql for sql in row_queries)


def test_changelist_search_finds_words_in_the_body_of_drafts_too(editor):
    ArticleFactory(headline="Council meets", body="<p>The harbourmaster resigned on Tuesday.</p>")
    ArticleFactory(live=True, headline="Harbour plans", body="<p>Nothing else.</p>")
    ArticleFactory(live=True, headline="Unrelated", body="<p>Weather.</p>")
    client = logged_in(editor)

    by_body = client.get(changelist_url(), {"q": "harbourmaster"})
    by_prefix = client.get(changelist_url(), {"q": "harbour*"})
    by_headline_fragment = client.get(changelist_url(), {"q": "arbou"})

    assert [a.headline for a in by_body.context["cl"].result_list] == ["Council meets"]
    assert {a.headline for a in by_prefix.context["cl"].result_list} == {"Council meets", "Harbour plans"}
    assert [a.headline for a in by_headline_fragment.context["cl"].result_list] == ["Harbour plans"]
