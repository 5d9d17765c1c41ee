"""Bulk writes leave PostgreSQL's planner statistics fresh (issue 19)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from articles import dbstats
from articles.models import Article, Author, Section
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
ARTICLE_TABLES = ["articles_article", "articles_articleauthor", "articles_taggedarticle"]


def clock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


def last_analyzed(tables):
    """{table: time of its last ANALYZE or None}, read past the backend's cached statistics snapshot."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)", [tables])
        found = dict(cursor.fetchall())
    return {table: found.get(table) for table in tables}


def assert_analyzed_since(since, tables):
    stale = {table: when for table, when in last_analyzed(tables).items() if when is None or when < since}
    assert not stale, f"not analyzed since {since}: {stale}"


def test_tables_of_a_model_include_its_many_to_many_tables():
    assert dbstats.tables_of(Article, Section) == [*ARTICLE_TABLES, "articles_section"]
    assert dbstats.tables_of(Article, related=False) == ["articles_article"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the no-op is for other databases")
def test_analyze_does_nothing_off_postgresql():
    out = io.StringIO()

    assert dbstats.analyze(Article, stdout=out) == []
    assert out.getvalue() == ""


@pytest.mark.postgres
@needs_postgresql
def test_analyze_refreshes_the_statistics_of_tables_and_their_many_to_many_tables():
    since = clock()
    out = io.StringIO()

    tables = dbstats.analyze(Article, Author, stdout=out)

    assert tables == [*ARTICLE_TABLES, "articles_author"]
    assert_analyzed_since(since, tables)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(tables)
    assert lines[0].startswith("Updating planner statistics for articles_article… done (")


@pytest.mark.postgres
@needs_postgresql
def test_a_small_write_is_left_to_autoanalyze():
    since = clock()

    assert dbstats.analyze_after_bulk_write(dbstats.BULK_WRITE_ROWS - 1, Section) == []
    assert dbstats.analyze_after_bulk_write(dbstats.BULK_WRITE_ROWS, Section) == ["articles_section"]
    assert_analyzed_since(since, ["articles_section"])


@pytest.mark.postgres
@needs_postgresql
def test_seed_demo_leaves_fresh_statistics_behind():
    since = clock()
    out = io.StringIO()

    call_command("seed_demo", articles=3, image_pool=0, stdout=out)

    assert_analyzed_since(
        since, [*ARTICLE_TABLES, "articles_author", "articles_correction", "articles_section", "articles_tag"]
    )
    assert "Updating planner statistics for articles_article… done" in out.getvalue()


@pytest.mark.postgres
@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_vacuums_too_so_listings_can_count_from_the_index_alone():
    ArticleFactory.create_batch(3, live=True)
    since = clock()

    dbstats.analyze(Article)

    assert_analyzed_since(since, ARTICLE_TABLES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'articles_article'")
        assert cursor.fetchone()[0] >= since
        # VACUUM wrote the visibility map: every page of the table is all-visible.
        cursor.execute("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'articles_article'")
        pages, all_visible = cursor.fetchone()
    assert pages > 0 and all_visible == pages
