"""bench/load.py, the shared load script: a short, bounded run against the live test server."""

import pytest
from django.db import connection

from articles.tests.factories import ArticleFactory, SectionFactory
from bench import load


@pytest.mark.django_db(transaction=True)
def test_load_script_counts_statuses_of_every_reader_request(live_server):
    ArticleFactory.create_batch(3, live=True, section=SectionFactory(name="Politics"))

    summary = load.run(live_server.url, readers=4, requests_per_reader=8)

    assert summary["requests"] == 4 * 8
    assert summary["statuses"] == {200: 32}
    assert summary["server_errors"] == 0
    assert summary["connection_errors"] == {}
    assert summary["paths"] > 3  # sections and articles were found on the pages
    assert summary["publications"] is None


# The in-memory SQLite test database locks whole tables between threads (shared cache), so the
# editor's writes would collide with the readers there; PostgreSQL behaves like production.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writes need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_load_script_sees_the_editors_news_while_readers_load_the_site(live_server):
    ArticleFactory.create_batch(3, live=True, section=SectionFactory(name="Politics"))

    summary = load.run(
        live_server.url, readers=4, requests_per_reader=8, editor=True, publications=1, publish_every=0.1
    )

    assert summary["server_errors"] == 0
    assert summary["connection_errors"] == {}
    assert summary["publications"] == 1
    assert summary["never_visible"] == 0
    assert summary["editor_errors"] == []
    assert load.problems(summary, visible_within=60) == []


def test_load_script_refuses_hosts_other_than_this_machine():
    with pytest.raises(ValueError, match="127.0.0.1"):
        load.run("http://news.example.org", readers=1, requests_per_reader=1)


def test_problems_name_server_errors_connection_errors_and_slow_news():
    summary = {
        "server_errors": 2,
        "connection_errors": {"ConnectionResetError": 1},
        "never_visible": 0,
        "late": 1,
        "editor_errors": [],
    }

    found = load.problems(summary, visible_within=1.0)

    assert found == [
        "2 responses were 5xx",
        "connection errors: {'ConnectionResetError': 1}",
        "1 publications or edits took longer than 1.0s to show",
    ]
