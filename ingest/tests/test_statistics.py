"""Imports that wrote many rows leave PostgreSQL's planner statistics fresh (issue 19)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from articles import dbstats
from articles.tests.test_dbstats import ARTICLE_TABLES, assert_analyzed_since, clock, last_analyzed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's"),
]

FIXTURES = Path(__file__).parent / "fixtures"
COMMANDS = {
    "import_wxr": [FIXTURES / "wxr" / "wxr-1.2.xml"],
    "ingest_text": [FIXTURES / "wire" / "01-standard.txt", FIXTURES / "wire" / "06-non-ascii.txt"],
    "ingest_feed": [FIXTURES / "feeds" / "rss2.xml"],
}


def run(command, **options):
    out = io.StringIO()
    call_command(command, *map(str, COMMANDS[command]), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bulk_import_updates_the_statistics_of_what_it_wrote(command, monkeypatch):
    # The fixtures hold a few stories: let "a few" count as bulk here.
    monkeypatch.setattr(dbstats, "BULK_WRITE_ROWS", 1)
    since = clock()

    output = run(command)

    assert_analyzed_since(since, [*ARTICLE_TABLES, "articles_author", "articles_tag", "ingest_importedimage"])
    assert "Updating planner statistics for articles_article… done" in output


@pytest.mark.parametrize("command", COMMANDS)
def test_a_small_import_or_a_dry_run_leaves_statistics_to_autoanalyze(command, monkeypatch):
    since = clock()

    small = run(command)
    monkeypatch.setattr(dbstats, "BULK_WRITE_ROWS", 1)
    dry = run(command, dry_run=True)

    assert "planner statistics" not in small + dry
    assert all(when is None or when < since for when in last_analyzed(ARTICLE_TABLES).values())
