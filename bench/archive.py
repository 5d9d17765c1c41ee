"""The archive-scale step of `make bench` (issue 19, point 4): are pages as fast at 100,000 articles as at 300?

    python -m bench.archive                 # or BENCH_ONLY_ARCHIVE=1 make bench

The same pages (article, home, section, tag, author, /latest/ pages 1, 5 and the last, search, feed) are loaded
with wrk on two PostgreSQL databases, `newsroom_archive_small` (300 demo articles) and `newsroom_archive_large`
(BENCH_ARCHIVE_LARGE, default 100,000), each behind its own gunicorn (production config, 2 workers, no Redis,
PAGE_CACHE_SECONDS=0), alternating small and large page by page in BENCH_ARCHIVE_ROUNDS rounds (median req/s).
The databases are created when missing and seeded only when their article count is wrong.

States, in this order (BENCH_ARCHIVE_STATES, comma-separated; default `after-load,settled`):
    no-stats    the planner has no statistics at all: what a bulk load or restore left before issue 19, and
                what one still leaves on a server with autovacuum off when nothing runs ANALYZE.
    after-load  straight after `seed_demo`: no statistics, then only the VACUUM (ANALYZE) that seed_demo
                itself now runs (articles.dbstats on the seeded tables). Nothing else of the benchmark's.
    settled     after VACUUM ANALYZE of the whole database (what autovacuum would reach in time).
The databases are kept between runs (seeding 100,000 articles takes minutes), so a previous run's VACUUM
ANALYZE would make "straight after seeding" a lie. Each of the first two states therefore starts by putting
the tables back where a bulk load leaves them: every statistic of the public tables deleted from pg_statistic,
pg_class's reltuples/relpages/relallvisible back to "never analyzed or vacuumed" (-1/0/0), as migrate leaves
empty tables before seed_demo fills them, and the visibility map emptied (pg_truncate_visibility_map(), from
the pg_visibility extension that ships with PostgreSQL): a fresh table has none, and with none, counts and
deep pages cannot be read from an index alone. That needs a superuser (the benchmark's own databases only).
What it does not undo: hint bits and frozen tuples, which cost a fresh load's first readers a little more.

Targets (large ÷ small req/s, in every state): ≥ 0.8× for article, home and search; ≥ 0.7× for every listing.
Written to bench/results/archive.md (raw figures in archive.raw).

Environment (all optional): BENCH_ARCHIVE_SERVER (PostgreSQL server URL without a database; default: the
server of DATABASE_URL when it is PostgreSQL, else postgres://postgres@127.0.0.1:5432), BENCH_ARCHIVE_LARGE,
BENCH_ARCHIVE_DURATION (seconds per wrk run, default 5), BENCH_ARCHIVE_ROUNDS (3), BENCH_ARCHIVE_STATES,
BENCH_ARCHIVE_PORT (8131; the large database is served on the next port), BENCH_THREADS (2),
BENCH_CONNECTIONS (16), GUNICORN_WORKERS (2).
"""

import datetime
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
from pathlib import Path
from urllib.parse import urlsplit

from bench.__main__ import PYTHON, RESULTS, ROOT, Server, count_articles, fetch, log, machine, manage, wrk

SMALL = 300
PAGES = ["article", "home", "section", "tag", "author", "latest", "latest_5", "latest_last", "search", "feed"]
TARGETS = {"article": 0.8, "home": 0.8, "search": 0.8}  # every other page is a listing: 0.7
LISTING_TARGET = 0.7
STATES = ["no-stats", "after-load", "settled"]
STATE_TITLES = {
    "no-stats": "no statistics (a bulk load or restore with nothing running ANALYZE)",
    "after-load": "straight after seed_demo (only its own VACUUM ANALYZE of what it wrote)",
    "settled": "settled (after VACUUM ANALYZE)",
}


def target(page):
    return TARGETS.get(page, LISTING_TARGET)


# Databases --------------------------------------------------------------------------------------------------


def server_url():
    url = os.environ.get("BENCH_ARCHIVE_SERVER", "").strip()
    if not url:
        main_url = os.environ.get("DATABASE_URL", "").strip()
        url = main_url if urlsplit(main_url).scheme.startswith("postgres") else "postgres://postgres@127.0.0.1:5432"
    return urlsplit(url)._replace(path="").geturl().replace("postgresql+psycopg", "postgresql")


def connect(server, name):
    import psycopg

    return psycopg.connect(f"{server}/{name}", autocommit=True)


def ensure_database(server, name, *, fresh=False):
    with connect(server, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and fresh:
            log(f"archive: dropping {name} to seed it again")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            log(f"archive: creating PostgreSQL database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(server, name, articles, env):
    """The database holds exactly `articles` demo articles; the seconds seeding took (0 when nothing to do)."""
    ensure_database(server, name)
    manage(env, "migrate", "--noinput", "-v0")
    have = count_articles(env)
    if have == articles:
        log(f"archive: {name} already holds {have:,} articles; not seeding")
        return 0.0
    if have > articles:  # seed_demo only adds: start again from an empty database
        ensure_database(server, name, fresh=True)
        manage(env, "migrate", "--noinput", "-v0")
    log(f"archive: seeding {name} (seed_demo --articles {articles}; it had {have:,})")
    started = time.monotonic()
    manage(env, "seed_demo", "--articles", str(articles), "-v0")
    seconds = time.monotonic() - started
    log(f"archive: {name} seeded in {seconds:.0f} s")
    return seconds


RESET_STATISTICS = [
    # What ANALYZE gathers: per-column statistics of every table and expression index in the schema.
    """DELETE FROM pg_statistic s USING pg_class c, pg_namespace n
       WHERE s.starelid = c.oid AND c.relnamespace = n.oid AND n.nspname = 'public'""",
    # What VACUUM/ANALYZE record per table; -1 means "never vacuumed or analyzed" (PostgreSQL 14+), as after
    # migrate. The planner then estimates the row count from the table's real size on disk.
    """UPDATE pg_class c SET reltuples = -1, relpages = 0, relallvisible = 0 FROM pg_namespace n
       WHERE c.relnamespace = n.oid AND n.nspname = 'public' AND c.relkind IN ('r', 'm', 'p')""",
]


def reset_statistics(server, name):
    with connect(server, name) as conn:
        if not conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
            sys.exit("bench.archive: resetting planner statistics needs a PostgreSQL superuser")
        for sql in RESET_STATISTICS:
            conn.execute(sql)
        # A freshly loaded table has no visibility map either (only VACUUM writes it): without it counts and
        # deep OFFSETs cannot be answered from an index alone. pg_visibility ships with PostgreSQL (contrib).
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_visibility")
        conn.execute(
            """SELECT pg_truncate_visibility_map(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')"""
        )


ANALYZE_AS_SEED_DEMO = (
    "from articles.dbstats import analyze; from articles.demo.seeder import SEEDED_MODELS; analyze(*SEEDED_MODELS)"
)


def set_state(state, server, databases):
    for name, env in databases.items():
        if state in ("no-stats", "after-load"):
            reset_statistics(server, name)
        if state == "after-load":
            subprocess.run(
                [PYTHON, "manage.py", "shell", "--no-imports", "-v", "0", "-c", ANALYZE_AS_SEED_DEMO],
                cwd=ROOT,
                env=env,
                check=True,
            )
        if state == "settled":
            with connect(server, name) as conn:
                conn.execute("VACUUM ANALYZE")


def autoanalyzed_since(server, name, since):
    with connect(server, name) as conn:
        rows = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE greatest(last_autoanalyze, last_autovacuum) > %s",
            [since],
        ).fetchall()
    return [row[0] for row in rows]


# Pages ------------------------------------------------------------------------------------------------------


def pick_pages(out_path):
    """In Django (`python -m bench.archive --pick OUT.json`): the page addresses on this database."""
    import re
    from collections import Counter

    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client

    from articles.models import Article, ArticleAuthor, Author, Section, Tag
    from bench.probe import is_searchable

    published = Article.objects.published()
    typical = published.filter(lead_image__isnull=False, tags__isnull=False).distinct()
    article = typical.order_by("-published_at", "-id")[50:51]
    article = article[0] if article else published.order_by("-published_at").first()
    section = Section.objects.filter(is_active=True).annotate(n=Count("articles")).order_by("-n", "pk").first()
    tag = Tag.objects.annotate(n=Count("tagged_articles")).order_by("-n", "pk").first()
    busiest = ArticleAuthor.objects.values("author").annotate(n=Count("pk")).order_by("-n", "author")
    author = Author.objects.get(pk=busiest.values_list("author", flat=True)[0])
    words = Counter(
        word
        for headline in published.order_by("-published_at").values_list("headline", flat=True)[:500]
        for word in re.findall(r"[a-z]{5,}", headline.lower())
    )
    search_word = next((word for word, _n in words.most_common(50) if is_searchable(word)), "council")
    client = Client(HTTP_X_FORWARDED_PROTO="https")

    def final(path):
        """The address a reader ends up on (a page number may redirect), or None when it is not a 200."""
        response = client.get(path, follow=True)
        if response.status_code != 200:
            return None
        return response.redirect_chain[-1][0] if response.redirect_chain else path

    # The last page of /latest/: double, then halve (the page size is the view's business, not ours).
    low, high = 1, 2
    while final(f"/latest/?page={high}"):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if final(f"/latest/?page={middle}") else (low, middle)
    pages = {
        "article": article.get_absolute_url(),
        "home": "/",
        "section": section.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "author": author.get_absolute_url(),
        "latest": "/latest/",
        "latest_5": final("/latest/?page=5") or "/latest/?page=5",
        "latest_last": final(f"/latest/?page={low}"),
        "search": f"/search/?q={search_word}",
        "feed": "/feed/",
    }
    Path(out_path).write_text(json.dumps({"pages": pages, "last_page": low, "published": published.count()}))


def pages_of(env, tmp, name):
    out = tmp / f"pages-{name}.json"
    subprocess.run([PYTHON, "-m", "bench.archive", "--pick", str(out)], cwd=ROOT, env=env, check=True)
    return json.loads(out.read_text())


# Measuring --------------------------------------------------------------------------------------------------

DRAIN_IDLE = 1.0  # seconds without a running query on the database: the server has caught up
DRAIN_PATIENCE = 30  # seconds to let leftover requests finish before cancelling their queries


def drain(database_url):
    """Wait until the requests a wrk run left behind are done; the seconds it took.

    wrk hangs up when its time is over, but gunicorn's sync workers still answer every request already queued
    (16 connections, 2 workers), and PostgreSQL runs their queries to the end. On a slow state that is minutes
    of work that would land on the next run, on the other database. Queries still running after
    DRAIN_PATIENCE seconds are cancelled (their requests fail; no one is listening).
    """
    import psycopg

    started = time.monotonic()
    idle_since = None
    with psycopg.connect(database_url, autocommit=True) as conn:
        name = conn.info.dbname
        while True:
            active = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()",
                [name],
            ).fetchall()
            now = time.monotonic()
            if active:
                idle_since = None
                if now - started > DRAIN_PATIENCE:
                    for (pid,) in active:
                        conn.execute("SELECT pg_cancel_backend(%s)", [pid])
            else:
                idle_since = idle_since or now
                if now - idle_since >= DRAIN_IDLE:
                    return now - started - DRAIN_IDLE
            time.sleep(0.1)


def measure(state, envs, pages, settings):
    """{page: {"small"|"large": {"rps": median, "runs": [...], "p50", "p99", "errors"}}} for one state."""
    results = {page: {} for page in PAGES}
    servers = {}
    try:
        for size, env in envs.items():
            servers[size] = Server(env, int(env["GUNICORN_BIND"].rsplit(":", 1)[1]), settings["log"]).__enter__()
        for size, server in servers.items():  # every page answers 200, then warm every worker on it
            for page in PAGES:
                try:
                    fetch(server.port, pages[size][page])
                except urllib.error.HTTPError as exc:
                    log(f"archive {state}: {size} {page} {pages[size][page]} answered {exc.code}")
                wrk(server.port, pages[size][page], 2, 1, settings["workers"] * 2)
                drain(envs[size]["DATABASE_URL"])
        for page in PAGES:
            runs = {size: [] for size in servers}
            for _round in range(settings["rounds"]):
                for size, server in servers.items():  # interleaved: drift in the machine's load hits both
                    run = wrk(server.port, pages[size][page], settings["duration"], settings["threads"],
                              settings["connections"])  # fmt: skip
                    run["drain"] = drain(envs[size]["DATABASE_URL"])
                    runs[size].append(run)
            for size, measured in runs.items():
                results[page][size] = {
                    "rps": statistics.median(r["rps"] for r in measured),
                    "p50": statistics.median(r["p50"] for r in measured),
                    "p99": statistics.median(r["p99"] for r in measured),
                    "errors": sum(r["non_2xx"] + r["socket_errors"] for r in measured),
                    "runs": [r["rps"] for r in measured],
                    "drain": max(r["drain"] for r in measured),
                }
            small, large = results[page]["small"]["rps"], results[page]["large"]["rps"]
            ratio = large / small if small else 0
            log(f"archive {state}: {page:11} small {small:7.1f}  large {large:7.1f} req/s  ratio {ratio:.2f}×")
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    return results


# Report -----------------------------------------------------------------------------------------------------


def render(info, runs, pages, seeding, notes):
    lines = [
        "# Archive scale: the same pages at 300 and at {large:,} articles (issue 19)".format(large=info["large"]),
        "",
        f"Run {info['date']} by `python -m bench.archive` (bench/archive.py). Machine: {info['machine']['nproc']} "
        f"CPUs ({info['machine']['cpu']}), {info['machine']['memory']} RAM, load average at start "
        f"{info['machine']['load']}; Python {info['machine']['python']}, Django {info['machine']['django']}, "
        f"PostgreSQL {info['postgresql']}, autovacuum {info['autovacuum']}.",
        "",
        f"Uncached (no Redis, PAGE_CACHE_SECONDS=0), gunicorn with newsroom/gunicorn.conf.py and "
        f"{info['workers']} workers per database, wrk {info['threads']} threads × {info['connections']} "
        f"connections for {info['duration']} s per run, small and large alternating page by page in "
        f"{info['rounds']} rounds: req/s is the median of the rounds. Ratio = large ÷ small; targets ≥ 0.8× for "
        "article, home and search, ≥ 0.7× for every listing page, in every state.",
        "",
        "Seeding: " + "; ".join(seeding) + ".",
        "",
    ]
    for state, results in runs.items():
        lines += [
            f"## {STATE_TITLES[state]}",
            "",
            "| page | small req/s | large req/s | ratio | target | verdict | large p50 / p99 ms | large backlog s |",
            "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        for page in PAGES:
            small, large = results[page]["small"], results[page]["large"]
            ratio = large["rps"] / small["rps"] if small["rps"] else 0
            verdict = "PASS" if ratio >= target(page) else "**MISS**"
            lines.append(
                f"| {page} | {small['rps']:.1f} | {large['rps']:.1f} | {ratio:.2f}× | ≥ {target(page)}× | "
                f"{verdict} | {large['p50']:.0f} / {large['p99']:.0f} | {large['drain']:.1f} |"
            )
        errors = sum(r[size]["errors"] for r in results.values() for size in ("small", "large"))
        lines += [
            "",
            f"Non-2xx responses and socket errors (wrk timeouts at 10 s count) during this state: {errors}. "
            "Backlog: the longest time, after a run on the large database, until the requests wrk left queued "
            f"were done (queries still running after {DRAIN_PATIENCE} s are cancelled), so none of it lands on "
            "the next run.",
            "",
        ]
    lines += ["## Pages", "", "| page | small | large |", "| --- | --- | --- |"]
    lines += [f"| {page} | `{pages['small'][page]}` | `{pages['large'][page]}` |" for page in PAGES]
    lines += ["", *notes]
    return "\n".join(lines).rstrip() + "\n"


# Main -------------------------------------------------------------------------------------------------------


def main():
    if shutil.which("wrk") is None:
        sys.exit("bench.archive: wrk is not installed (Debian: apt-get install wrk); `make bench` installs it")
    started = time.monotonic()
    server = server_url()
    large = int(os.environ.get("BENCH_ARCHIVE_LARGE") or 100_000)
    states = [s.strip() for s in os.environ.get("BENCH_ARCHIVE_STATES", "after-load,settled").split(",") if s]
    unknown = [s for s in states if s not in STATES]
    if unknown:
        sys.exit(f"bench.archive: unknown state(s) {unknown}; choose from {STATES}")
    states = [s for s in STATES if s in states]  # resetting states come before the settled one
    port = int(os.environ.get("BENCH_ARCHIVE_PORT", "8131"))
    settings = {
        "duration": int(os.environ.get("BENCH_ARCHIVE_DURATION", "5")),
        "rounds": int(os.environ.get("BENCH_ARCHIVE_ROUNDS", "3")),
        "threads": int(os.environ.get("BENCH_THREADS", "2")),
        "connections": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "workers": int(os.environ.get("GUNICORN_WORKERS", "2")),
        "log": RESULTS / "archive-gunicorn.raw",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    settings["log"].write_bytes(b"")
    media = Path(os.environ.get("BENCH_MEDIA_ROOT", Path(tempfile.gettempdir()) / "newsroom-bench-media"))
    common = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PAGE_CACHE_SECONDS", "DATABASE_URL")},
        "PAGE_CACHE_SECONDS": "0",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "BENCH_TRIVIAL_VIEW": "1",
        "GUNICORN_WORKERS": str(settings["workers"]),
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_ACCESSLOG": "",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOGLEVEL": "warning",
        "CONN_MAX_AGE": "600",
        "AXES_ENABLED": "0",
    }
    sizes = {"small": ("newsroom_archive_small", SMALL), "large": ("newsroom_archive_large", large)}
    envs = {
        size: {
            **common,
            "DATABASE_URL": f"{server}/{name}",
            "MEDIA_ROOT": str(media / name),
            "GUNICORN_BIND": f"127.0.0.1:{port + offset}",
        }
        for offset, (size, (name, _n)) in enumerate(sizes.items())
    }
    info = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "large": large,
        **{k: settings[k] for k in ("duration", "rounds", "threads", "connections", "workers")},
    }
    with connect(server, "postgres") as conn:
        info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
        info["autovacuum"] = conn.execute("SHOW autovacuum").fetchone()[0]
    log(f"archive: {SMALL} and {large:,} articles; states {', '.join(states)}; autovacuum {info['autovacuum']}")

    seeding = []
    for size, (name, articles) in sizes.items():
        seconds = prepare(server, name, articles, envs[size])
        seeding.append(
            f"`{name}` seeded with {articles:,} articles in {seconds:.0f} s this run" if seconds
            else f"`{name}` already held {articles:,} articles"
        )  # fmt: skip
    manage(common | {"DATABASE_URL": envs["small"]["DATABASE_URL"]}, "collectstatic", "--noinput", "-v0")
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-archive-"))
    picked = {size: pages_of(envs[size], tmp, size) for size in sizes}
    pages = {size: picked[size]["pages"] for size in sizes}
    last = {size: picked[size]["last_page"] for size in sizes}
    log(f"archive: last page of /latest/: {last['small']} (small), {last['large']} (large)")

    runs, notes = {}, []
    names = {sizes[size][0]: envs[size] for size in sizes}
    for state in states:
        log(f"archive: state {state}")
        since = datetime.datetime.now(datetime.UTC)
        set_state(state, server, names)
        runs[state] = measure(state, envs, pages, settings)
        if state != "settled":
            touched = {name: autoanalyzed_since(server, name, since) for name in names}
            if any(touched.values()):
                notes.append(f"Autovacuum analyzed tables during the {state} state: {touched}.")
    notes.append(
        "How the states are made: see the docstring of bench/archive.py (planner statistics are reset with "
        "catalog updates as a superuser and the visibility map is emptied with pg_truncate_visibility_map(); "
        "hint bits are whatever earlier reads left)."
    )
    report = render(info, runs, pages, seeding, notes)
    (RESULTS / "archive.md").write_text(report)
    raw = {"info": info, "pages": picked, "runs": runs}
    (RESULTS / "archive.raw").write_text(json.dumps(raw, indent=2, default=str))
    shutil.rmtree(tmp, ignore_errors=True)
    sys.stdout.write("\n" + report)
    log(f"archive: done in {time.monotonic() - started:.0f} s; written to {RESULTS / 'archive.md'}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--pick"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        pick_pages(sys.argv[2])
    else:
        main()
