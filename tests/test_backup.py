"""Backup and restore, with the scripts docs/operations.md gives: dump, wipe, restore, the same articles back."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from articles.models import Article
from articles.tests.factories import ArticleFactory, AuthorFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def run(command, env, check=True):
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHON": sys.executable,
        "DEBUG": "1",
        **env,
    }
    result = subprocess.run(command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def copy_test_database(path):
    """The (in-memory, already migrated) SQLite test database, written to a file the scripts can use."""
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)


def articles_in(path):
    with sqlite3.connect(path) as db:
        return sorted(db.execute("SELECT headline, slug, status FROM articles_article").fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite procedure: dumpdata/loaddata")
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_and_restore_bring_back_the_same_articles_and_media(tmp_path):
    database = tmp_path / "newsroom.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(tmp_path / "media")}
    copy_test_database(tmp_path / "empty.sqlite3")  # a freshly migrated server, for the disaster below
    live = ArticleFactory(live=True, headline="Budget passes", authors=[AuthorFactory(name="Sara Rajabova")])
    live.tags.add("Economy")
    ArticleFactory(headline="Draft about the port")
    copy_test_database(database)
    photo = tmp_path / "media" / "images" / "2024" / "01" / "harbour.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    before = articles_in(database)

    run(["scripts/backup.sh", str(tmp_path / "backup")], env)
    (tmp_path / "empty.sqlite3").replace(database)  # the disaster: every row gone
    photo.unlink()
    refused = run(["scripts/restore.sh", str(tmp_path / "backup")], env, check=False)
    run(["scripts/restore.sh", str(tmp_path / "backup"), "--yes"], env)

    assert refused.returncode != 0  # restoring over a database needs --yes
    assert len(before) == 2
    assert articles_in(database) == before
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM articles_taggedarticle").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM articles_articleauthor").fetchone() == (1,)
    assert photo.read_bytes() == b"\xff\xd8 not really a jpeg"
    assert sorted(os.listdir(tmp_path / "backup")) == ["database.json", "media.tar.gz"]


def test_restore_refuses_a_folder_without_a_backup(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'newsroom.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media")}

    result = run(["scripts/restore.sh", str(tmp_path), "--yes"], env, check=False)

    assert result.returncode != 0
    assert "No database.dump or database.json" in result.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_an_empty_database(tmp_path):
    ArticleFactory(live=True, headline="Budget passes", authors=[AuthorFactory(name="Sara Rajabova")])
    ArticleFactory(headline="Draft about the port")
    expected = sorted(Article.objects.values_list("headline", "slug", "status"))
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    server = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    scratch = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    env = {"MEDIA_ROOT": str(tmp_path / "media")}

    run(["scripts/backup.sh", str(tmp_path / "backup")], {**env, "DATABASE_URL": f"{server}/{db['NAME']}"})
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        run(["scripts/restore.sh", str(tmp_path / "backup"), "--yes"], {**env, "DATABASE_URL": f"{server}/{scratch}"})
        with psycopg.connect(f"{server}/{scratch}") as restored:
            rows = restored.execute("SELECT headline, slug, status FROM articles_article").fetchall()
            never_analyzed = restored.execute(
                "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND last_analyze IS NULL",
                [["articles_article", "articles_articleauthor", "articles_author", "articles_taggedarticle"]],
            ).fetchall()
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    assert sorted(rows) == expected
    assert never_analyzed == []  # restore.sh updates the planner's statistics (issue 19)
    assert (tmp_path / "backup" / "database.dump").stat().st_size > 0
