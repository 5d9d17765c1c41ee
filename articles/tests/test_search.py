"""Search: ranking, stemming, phrases, prefixes, filters and hostile input — on SQLite and PostgreSQL."""

import datetime
import io
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article
from articles.tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


def found(query):
    return list(Article.objects.published().search(query).values_list("headline", flat=True))


def results(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == HTTPStatus.OK
    return response, [article.headline for article in response.context["articles"]]


# Parsing -----------------------------------------------------------------


def test_query_parser_understands_words_phrases_prefixes_exclusions_and_or():
    parsed = search.parse_query('council "road repairs" budg* -rain OR flood')

    assert parsed.groups == (
        (
            search.Clause(("council",)),
            search.Clause(("road", "repairs")),
            search.Clause(("budg",), prefix=True),
            search.Clause(("rain",), negated=True),
        ),
        (search.Clause(("flood",)),),
    )


@pytest.mark.parametrize("text", ["", "   ", "!!! ??? ...", '"" *** --', "\x00\x00", "-rain -snow", "OR OR"])
def test_query_without_anything_to_look_for_is_empty(text):
    assert not search.parse_query(text)


def test_long_query_is_shortened_and_control_characters_dropped():
    parsed = search.parse_query("budget\x00 " + "x" * 10_000)

    assert parsed.shortened
    assert len(parsed.text) <= search.MAX_QUERY_LENGTH
    assert "\x00" not in parsed.text
    assert parsed.groups[0][0].words == ("budget",)


def test_fts5_operators_typed_by_readers_stay_quoted_words():
    match = search.fts5_match(search.parse_query('NEAR(a b) AND title:x ^start {a b} "*"'))

    assert match == '("near a" AND "b" AND "title x" AND "start" AND "a" AND "b")'


def test_highlight_escapes_everything_but_the_marks_and_balances_them():
    html = search.highlight("<b>5 < 6</b> \x02budget\x03 \x03 \x02open")

    assert html == "&lt;b&gt;5 &lt; 6&lt;/b&gt; <mark>budget</mark>  <mark>open</mark>"


# Ranking and matching ----------------------------------------------------


def test_headline_match_ranks_above_dek_above_body():
    ArticleFactory(live=True, headline="Weather warning", dek="Rain all week.", body="<p>The harbour closed.</p>")
    ArticleFactory(live=True, headline="Ferry news", dek="The harbour reopens.", body="<p>Boats sail.</p>")
    ArticleFactory(live=True, headline="Harbour master resigns", dek="A surprise.", body="<p>Nothing else.</p>")

    assert found("harbour") == ["Harbour master resigns", "Ferry news", "Weather warning"]


def test_words_match_their_stemmed_forms():
    ArticleFactory(live=True, headline="Council voted on the budget", dek="", body="")

    assert found("voting") == ["Council voted on the budget"]
    assert found("votes") == ["Council voted on the budget"]


def test_prefix_query_matches_word_beginnings():
    ArticleFactory(live=True, headline="Elections called", dek="", body="")
    ArticleFactory(live=True, headline="Electricity prices rise", dek="", body="")
    ArticleFactory(live=True, headline="Budget approved", dek="", body="")

    assert sorted(found("elect*")) == ["Elections called", "Electricity prices rise"]


def test_phrase_query_needs_the_words_together():
    ArticleFactory(live=True, headline="Road repairs start", dek="", body="")
    ArticleFactory(live=True, headline="Repairs to the ring road", dek="", body="")

    assert found('"road repairs"') == ["Road repairs start"]
    assert sorted(found("road repairs")) == ["Repairs to the ring road", "Road repairs start"]


def test_exclusion_and_or():
    ArticleFactory(live=True, headline="Flood warning for the coast", dek="", body="")
    ArticleFactory(live=True, headline="Flood barrier opens", dek="", body="")
    ArticleFactory(live=True, headline="Drought in the south", dek="", body="")

    assert found("flood -coast") == ["Flood barrier opens"]
    assert sorted(found("barrier OR drought")) == ["Drought in the south", "Flood barrier opens"]


def test_prefixes_combine_with_exclusions_and_or():
    ArticleFactory(live=True, headline="Elections called", dek="", body="")
    ArticleFactory(live=True, headline="Electricity prices rise", dek="", body="")
    ArticleFactory(live=True, headline="Flood barrier opens", dek="", body="")

    assert sorted(found("barrier OR elect* -called")) == ["Electricity prices rise", "Flood barrier opens"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own query syntax")
def test_postgresql_reads_words_phrases_and_exclusions_with_websearch():
    ArticleFactory(live=True, headline="Road repairs start", dek="", body="")

    with CaptureQueriesContext(connection) as queries:
        assert found('"road repairs" -bridge') == ["Road repairs start"]

    assert "websearch_to_tsquery" in queries[0]["sql"]


def test_body_html_is_searched_as_text_not_markup():
    ArticleFactory(live=True, headline="Art", dek="", body='<p><a href="https://example.org/figure">Gallery</a></p>')

    assert found("gallery") == ["Art"]
    assert found("href") == []
    assert found("figure") == []


def test_drafts_scheduled_unpublished_and_embargoed_articles_never_match(client):
    ArticleFactory(live=True, headline="Harbour live")
    ArticleFactory(headline="Harbour draft")
    ArticleFactory(scheduled=True, headline="Harbour scheduled")
    ArticleFactory(live=True, status=Article.Status.UNPUBLISHED, headline="Harbour unpublished")
    ArticleFactory(live=True, embargo_until=timezone.now() + datetime.timedelta(hours=1), headline="Harbour embargo")

    response, headlines = results(client, q="harbour")

    assert headlines == ["Harbour live"]
    assert b"draft" not in response.content.lower().split(b"<main")[1]


# The index stays current ---------------------------------------------------


def test_index_follows_saves_updates_bulk_inserts_and_deletes():
    article = ArticleFactory(live=True, headline="Mayor opens bridge", dek="", body="")
    assert found("bridge") == ["Mayor opens bridge"]

    article.headline = "Mayor opens tunnel"
    article.save()
    assert found("bridge") == []
    assert found("tunnel") == ["Mayor opens tunnel"]

    Article.objects.filter(pk=article.pk).update(body="<p>A ferry too.</p>")
    assert found("ferry") == ["Mayor opens tunnel"]

    section = SectionFactory()
    Article.objects.bulk_create(
        [
            Article(
                headline=f"Imported story {n} about lighthouses",
                slug=f"imported-{n}",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - datetime.timedelta(hours=n + 1),
            )
            for n in range(3)
        ]
    )
    assert len(found("lighthouse")) == 3

    article.delete()
    assert found("tunnel") == []


def test_search_index_is_repaired_after_migrate_when_its_triggers_were_dropped():
    # SQLite drops a table's triggers when a migration rebuilds the table; `migrate` puts them back.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in search._SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute(f"DROP TRIGGER {search.PG_FUNCTION} ON articles_article")
    assert not search.is_current(connection)

    search.repair_after_migrate(sender=apps.get_app_config("articles"), using="default")

    assert search.is_current(connection)
    ArticleFactory(live=True, headline="Lighthouse keeper retires", dek="", body="")
    assert found("lighthouse") == ["Lighthouse keeper retires"]


def forget_search_entries():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {search.FTS5_TABLE}")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks: ALTER TABLE may run
            cursor.execute(f"ALTER TABLE articles_article DISABLE TRIGGER {search.PG_FUNCTION}")
            cursor.execute("UPDATE articles_article SET search_vector = NULL")
            cursor.execute(f"ALTER TABLE articles_article ENABLE TRIGGER {search.PG_FUNCTION}")


def test_rebuild_search_index_works_in_batches_with_progress_and_resumes_from_an_id():
    articles = [ArticleFactory(live=True, headline=f"Lighthouse report {n}", dek="", body="") for n in range(5)]
    forget_search_entries()
    assert found("lighthouse") == []
    out = io.StringIO()

    call_command("rebuild_search_index", "--batch-size", "2", "--start-id", str(articles[2].pk), stdout=out)

    assert sorted(found("lighthouse")) == [f"Lighthouse report {n}" for n in (2, 3, 4)]
    assert "Rebuilt 2 of 3 articles" in out.getvalue()
    assert f"to resume: --start-id {articles[4].pk}" in out.getvalue()
    assert "Search index rebuilt: 3 articles." in out.getvalue()
    if connection.vendor == "postgresql":  # fresh planner statistics after rewriting the rows
        assert "planner statistics for articles_article" in out.getvalue()

    call_command("rebuild_search_index", stdout=io.StringIO())

    assert len(found("lighthouse")) == 5


def test_migrate_repairs_the_search_index_without_rewriting_rows(django_assert_max_num_queries):
    ArticleFactory.create_batch(3, live=True)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in search._SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"DROP TRIGGER {search.PG_FUNCTION} ON articles_article")

    with CaptureQueriesContext(connection) as queries:
        search.repair_after_migrate(sender=apps.get_app_config("articles"), using="default")

    assert search.is_current(connection)
    rewrites = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert rewrites == []


# The page ----------------------------------------------------------------------


def test_search_page_shows_ranked_results_with_highlighted_escaped_snippets(client):
    ArticleFactory(
        live=True,
        headline="Council approves budget",
        body="<p>Spending rises when 5 &lt; 6 &amp; the <strong>budget</strong> grows.</p>",
    )

    response, headlines = results(client, q="budget")

    html = response.content.decode()
    assert headlines == ["Council approves budget"]
    assert "<mark>budget</mark>" in html
    assert "5 &lt; 6 &amp; the <mark>budget</mark> grows" in html
    assert "1 result" in html
    assert '<meta name="robots" content="noindex, follow">' in html


def test_a_very_long_story_is_found_and_its_snippet_shows_the_match(client):
    filler = "".join(f"<p>Paragraph {n} of the long read about the coast.</p>" for n in range(2_000))  # ~90 kB
    ArticleFactory(live=True, headline="The long read", body=f"<p>The harbourmaster spoke first.</p>{filler}")

    response, headlines = results(client, q="harbourmaster")

    assert headlines == ["The long read"]
    assert "<mark>harbourmaster</mark>" in response.content.decode()


def test_search_filters_by_section_and_dates(client):
    politics, sport = SectionFactory(name="Politics"), SectionFactory(name="Sport")
    now = timezone.now()
    days = datetime.timedelta(days=1)
    ArticleFactory(live=True, headline="Election results", section=politics, published_at=now - 40 * days)
    ArticleFactory(live=True, headline="Election of a captain", section=sport, published_at=now - 2 * days)
    ArticleFactory(live=True, headline="Election debate", section=politics, published_at=now - days)
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()

    assert sorted(results(client, q="election", section=politics.slug)[1]) == ["Election debate", "Election results"]
    assert results(client, q="election", **{"from": week_ago})[1] == ["Election debate", "Election of a captain"]
    assert results(client, q="election", to=week_ago)[1] == ["Election results"]
    assert results(client, q="election", section=politics.slug, **{"from": week_ago})[1] == ["Election debate"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "election", "from": "yesterday"},
        {"q": "election", "from": "2024-02-30"},
        {"q": "election", "from": "2024-05-01", "to": "2024-01-01"},
        {"q": "election", "section": "no-such-section"},
        {"q": "election", "section": "x\x00"},
    ],
)
def test_bad_filters_give_a_friendly_form_error(client, params):
    ArticleFactory(live=True, headline="Election debate")

    response, headlines = results(client, **params)

    assert headlines == []
    assert "Please correct the search options above." in response.content.decode()


HOSTILE = [
    "x" * 10_240,
    "budget\x00",
    "\x00",
    "'; DROP TABLE articles_article; --",
    "1' OR '1'='1",
    "%_%",
    "!!!???...",
    '"unbalanced quote',
    'unbalanced" "quotes',
    "NEAR(budget council, 2)",
    "budget AND OR NOT council",
    '"*"',
    "*",
    "-",
    "headline:budget",
    "^budget",
    "{headline dek}:budget",
    "budget:* & !council | (",
    "<script>alert(1)</script>",
    "\ud7ff\ufffd\U0001f600 😀 émigré",
    "a" * 500,
    " ".join(["budget"] * 200),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_a_friendly_page(client, query):
    ArticleFactory(live=True, headline="Council approves budget")

    response = client.get(SEARCH, {"q": query})

    assert response.status_code == HTTPStatus.OK
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_safe_for_the_database(query):
    ArticleFactory(live=True, headline="Council approves budget")

    articles = list(Article.objects.published().search(query))

    assert search.snippets(articles, search.parse_query(query)) is not None


def test_empty_and_punctuation_only_queries_explain_what_to_do(client):
    assert "Type a word or two" in client.get(SEARCH).content.decode()
    assert "There are no words to search for" in client.get(SEARCH, {"q": "?!"}).content.decode()


def test_search_paginates_and_bad_pages_are_404(client):
    for n in range(25):
        ArticleFactory(live=True, headline=f"Harbour story {n}")

    first, headlines = results(client, q="harbour")
    second, more = results(client, q="harbour", page="2")

    assert len(headlines) == 20 and len(more) == 5
    assert "25 results" in first.content.decode()
    assert not set(headlines) & set(more)
    assert 'href="?q=harbour&amp;page=2"' in first.content.decode()
    for page in ("0", "3", "-1", "abc", "99999"):
        assert client.get(SEARCH, {"q": "harbour", "page": page}).status_code == HTTPStatus.NOT_FOUND


def test_only_the_newest_matches_are_ranked_and_the_page_says_so(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)
    now = timezone.now()
    for n in range(5):
        ArticleFactory(live=True, headline=f"Harbour story {n}", published_at=now - datetime.timedelta(hours=n + 1))

    response, headlines = results(client, q="harbour")

    assert sorted(headlines) == ["Harbour story 0", "Harbour story 1", "Harbour story 2"]
    assert "3 or more articles match" in response.content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_search_page_queries_do_not_grow_with_results(client, django_assert_num_queries, count):
    section = SectionFactory()
    authors = AuthorFactory.create_batch(2)
    for n in range(count):
        ArticleFactory(live=True, headline=f"Harbour story {n}", section=section, authors=authors, tags=["Sea"])

    # navigation (which also gives the section choices), the newest matches' ids (which give the count), page of
    # articles, their authors, snippets, the banner (live/)
    with django_assert_num_queries(6):
        response = client.get(SEARCH, {"q": "harbour", "section": section.slug})

    assert len(response.context["articles"]) == count


def test_masthead_search_form_is_labelled(client):
    html = client.get(reverse("articles:latest")).content.decode()

    assert '<form class="masthead__search" role="search" method="get" action="/search/">' in html
    assert '<label class="visually-hidden" for="masthead-search">Search articles</label>' in html
    assert 'id="masthead-search" name="q"' in html
