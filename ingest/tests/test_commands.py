"""The commands as an operator meets them: a real process, its exit status and what it prints."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, load_command_class

from ingest.pipeline import Pipeline

FIXTURES = Path(__file__).parent / "fixtures"


def manage(*args, tmp_path):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'commands.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
    }
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("import_wxr", FIXTURES / "wxr" / "broken.xml"),
        ("ingest_text", FIXTURES / "wire" / "09-empty.txt", FIXTURES / "wire" / "missing.txt"),
        ("ingest_feed", FIXTURES / "wire" / "01-standard.txt"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message_and_no_traceback(args, tmp_path):
    result = manage(*args, tmp_path=tmp_path)

    assert result.returncode == 1
    assert "CommandError:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("command", ["import_wxr", "ingest_text", "ingest_feed"])
def test_every_command_explains_itself_and_its_exit_status(command):
    parser = load_command_class("ingest", command).create_parser("manage.py", command)

    text = parser.format_help()

    assert "--dry-run" in text
    assert "non-zero" in text or "Exit status" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("import_wxr", FIXTURES / "wxr" / "wxr-1.2.xml"),
        ("ingest_text", FIXTURES / "wire" / "01-standard.txt", FIXTURES / "wire" / "05-no-byline.txt"),
        ("ingest_feed", FIXTURES / "feeds" / "rss2.xml"),
    ],
)
def test_every_importer_runs_its_stories_through_the_one_shared_loop(args, monkeypatch):
    runs = []
    shared_run = Pipeline.run

    def run(pipeline, items, **kwargs):
        outcomes = shared_run(pipeline, items, **kwargs)
        runs.append(outcomes)
        return outcomes

    monkeypatch.setattr(Pipeline, "run", run)

    call_command(*map(str, args), dry_run=True, stdout=io.StringIO())

    (outcomes,) = runs
    assert outcomes["created"] >= 1
