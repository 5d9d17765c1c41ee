"""The news-day step of `make bench` (issue 13, point 4): readers while writers save drafts and an editor publishes.

    python -m bench.newsday                    # alone (PostgreSQL newsroom_newsday, Redis db 14)
    BENCH_ONLY_NEWSDAY=1 make bench            # the same, through `make bench`

Readers: wrk (BENCH_THREADS 2, BENCH_CONNECTIONS 16) with bench/newsday.lua, spread over the home page,
/latest/, every active section and 300 article pages, against gunicorn (newsroom/gunicorn.conf.py, 2 sync
workers, DEBUG=0, REDIS_URL set, PAGE_CACHE_SECONDS=300) on a free loopback port. Three phases (and a
drift check) of BENCH_NEWSDAY_PHASE seconds each (default 20):

1. quiet: readers only;
2. drafts: a writer (a child process, through the ORM, as the admin saves) saves drafts and an article in
   review 5 times a second: nothing readers can see;
3. publishing: an editor (a child process) publishes a new article every 3 s through the admin's workflow
   (`articles.services.transition`, in a django-reversion revision), with a section, a byline and tags,
   and about 1 s later corrects a typo in its headline; twice in the phase it unpublishes one of them.
   For each publication it polls (plain http.client, every 50 ms, up to 10 s) the home page, /latest/, the
   article's section and its own page until the headline shows, and the article page until the corrected
   headline shows (steadily: 0.5 s of answers that agree); for each unpublication it makes one request to
   each page right after the commit, then more for 0.5 s;
4. quiet again: readers only, to see how much the shared machine's other load drifted during the run.

Then the trivial Django view (directly on gunicorn) and the cached home and article pages through Varnish
(scripts/varnishd.py), BENCH_DURATION seconds each (default 10), as ratios to the trivial view.

Environment (all optional):
    DATABASE_URL          PostgreSQL database (default postgres://postgres@127.0.0.1:5432/newsroom_newsday;
                          created when missing, migrated, seeded with `seed_demo` when empty). Another kind
                          of database: the step says it needs PostgreSQL and is skipped.
    BENCH_REDIS_URL       Redis for the page cache (default redis://127.0.0.1:6379/14; db 0 refused; flushed)
    BENCH_NEWSDAY_PHASE   seconds per phase (default 20, at least 5)
    BENCH_DURATION        seconds per Varnish/trivial run (default 10); BENCH_THREADS, BENCH_CONNECTIONS

Written to bench/results/newsday.md (the Markdown also printed) and bench/results/newsday.json; gunicorn's
log goes to bench/results/newsday-gunicorn.raw. Every article and user the step makes is deleted at the end.
"""

import argparse
import datetime
import html
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.__main__ import PYTHON, RESULTS, ROOT, Server, ensure_postgres_database, machine, manage, parse_wrk

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_newsday"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
LUA = Path(__file__).with_name("newsday.lua")
ARTICLE_PAGES = 300  # readers' article pages (the issue asks for at least 250)
MIN_PUBLISHED = 250
WRITER_USER = "newsday-writer"
EDITOR_USER = "newsday-editor"

# Issue 13, point 4.
DRAFTS_RATIO = 0.95
PUBLISHING_RATIO = 0.8
P99_FACTOR = 2.0
P99_LIMIT_MS = 50.0
VISIBLE_WITHIN_S = 2.0
VARNISH_RATIO = 5.0

SAVES_PER_SECOND = 5
PUBLISH_EVERY_S = 3.0
CORRECT_AFTER_S = 1.0
UNPUBLISH_AT_CYCLES = (2, 5)  # in these cycles the editor also unpublishes the previous cycle's article
POLL_EVERY_S = 0.05
POLL_FOR_S = 10.0
CONFIRM_S = 0.5  # a change counts as visible (or gone) once this long of answers agree
PAGES = ("home", "latest", "section", "article")


def log(message):
    sys.stdout.write(f"[newsday {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stdout.flush()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_sent = {"requests": 0}
_sent_lock = threading.Lock()


def get(port, path, timeout=10.0):
    """One GET on loopback, as wrk sends it (no Accept-Encoding); (status, body)."""
    with _sent_lock:
        _sent["requests"] += 1
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def shows(body, headlines):
    text = body.decode(errors="replace")
    return any(html.escape(headline) in text for headline in headlines)


# Children: Django through the ORM, with the server's DATABASE_URL and REDIS_URL ----------------------------


def django_setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()


def bench_user(username, role):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles import roles

    roles.ensure_roles()
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.set([Group.objects.get(name=role)])
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


def byline_and_tags(article, rng):
    from articles.models import ArticleAuthor, Author, Tag

    author = rng.choice(list(Author.objects.filter(is_active=True).order_by("pk")[:20]))
    ArticleAuthor.objects.create(article=article, author=author, position=0)
    names = list(Tag.objects.order_by("-pk").values_list("name", flat=True)[:30])
    article.tags.set(rng.sample(names, min(2, len(names))))


def child_prepare(out):
    """Leftovers of an interrupted run deleted; the readers' pages and the published count, as JSON."""
    django_setup()
    from articles.models import Article, Section

    deleted = delete_bench_articles()
    sections = [s.get_absolute_url() for s in Section.objects.filter(is_active=True).order_by("position", "pk")]
    published = Article.objects.published()
    articles = [a.get_absolute_url() for a in published.order_by("-published_at", "-id")[:ARTICLE_PAGES]]
    Path(out).write_text(
        json.dumps(
            {
                "articles_total": Article.objects.count(),
                "published": published.count(),
                "sections": sections,
                "article_paths": articles,
                "leftovers_deleted": deleted,
            }
        )
    )


def delete_bench_articles():
    from django.contrib.auth import get_user_model

    from articles.models import Article

    users = get_user_model().objects.filter(username__in=[WRITER_USER, EDITOR_USER])
    count, _ = Article.objects.filter(created_by__in=users).delete()
    return count


def child_cleanup():
    django_setup()
    from django.contrib.auth import get_user_model

    deleted = delete_bench_articles()
    get_user_model().objects.filter(username__in=[WRITER_USER, EDITOR_USER]).delete()
    sys.stdout.write(f"{deleted}\n")


def ready():
    sys.stdout.write("READY\n")
    sys.stdout.flush()


def child_writer(out, seconds):
    """Saves drafts (and one article in review) SAVES_PER_SECOND times a second, as the admin saves them."""
    django_setup()
    import reversion

    from articles import roles
    from articles.models import Article, Section
    from articles.services import Action, transition

    rng = random.Random(13)
    writer = bench_user(WRITER_USER, roles.WRITER)
    sections = list(Section.objects.filter(is_active=True).order_by("position"))
    drafts = []
    for n in range(4):
        with reversion.create_revision():
            reversion.set_user(writer)
            article = Article.objects.create(
                headline=f"Draft {n + 1}: council budget talks run late",
                dek="Work in progress.",
                body="<p>First paragraph of a story still being written.</p>",
                section=sections[n % len(sections)],
                created_by=writer,
                modified_by=writer,
            )
            byline_and_tags(article, rng)
        drafts.append(article)
    with reversion.create_revision():
        reversion.set_user(writer)
        transition(drafts[-1], Action.SUBMIT, user=writer)  # the fourth waits in review; the writer keeps polishing it
    saves = []
    errors = []
    ready()
    started, cpu = time.monotonic(), time.process_time()
    deadline = started + seconds
    n = 0
    while True:
        due = started + n / SAVES_PER_SECOND
        if due >= deadline:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        article = drafts[n % len(drafts)]
        article.body += f"<p>Paragraph {n + 2}, added while readers read the site.</p>"
        if n % 3 == 0:
            article.headline = f"Draft {n % len(drafts) + 1}: council budget talks run late (take {n})"
        began = time.monotonic()
        try:
            with reversion.create_revision():
                reversion.set_user(writer)
                article.modified_by = writer
                article.save(expected_version=article.version)
        except Exception as exc:  # reported with the figures
            errors.append(f"{exc.__class__.__name__}: {exc}")
        saves.append(time.monotonic() - began)
        n += 1
    elapsed = time.monotonic() - started
    statuses = sorted(set(Article.objects.filter(pk__in=[a.pk for a in drafts]).values_list("status", flat=True)))
    ordered = sorted(saves)
    Path(out).write_text(
        json.dumps(
            {
                "saves": len(saves),
                "seconds": round(elapsed, 2),
                "saves_per_second": round(len(saves) / elapsed, 2) if elapsed else 0,
                "save_ms_p50": round(ordered[len(ordered) // 2] * 1000, 1) if ordered else None,
                "save_ms_max": round(ordered[-1] * 1000, 1) if ordered else None,
                "statuses": statuses,
                "errors": errors[:10],
                "cpu_s": round(time.process_time() - cpu, 2),
            }
        )
    )


HEADLINES = [
    ("Harbour authority aproves night ferry trial on route {n}", "aproves", "approves"),
    ("Council votes to reopen libary branch {n} after repairs", "libary", "library"),
    ("Rail operator adds extra carriges to line {n} at rush hour", "carriges", "carriages"),
    ("Hospital trust opens new materity ward in block {n}", "materity", "maternity"),
    ("Schools in district {n} get goverment grant for science labs", "goverment", "government"),
    ("Water company begins pipe replacment in zone {n}", "replacment", "replacement"),
    ("Market traders on street {n} welcome later closing tmes", "tmes", "times"),
]


def poll_until(port, path, headlines, since):
    """Ask for `path` every POLL_EVERY_S until it shows one of `headlines` steadily (CONFIRM_S of answers that
    all show it, so a stale copy served by the other worker afterwards is not missed): seconds from `since`
    until the first request of that steady run was sent and answered, with `flaps` (answers that went back
    to the old page after one had shown the new), or None after POLL_FOR_S."""
    deadline = since + POLL_FOR_S
    seen, flaps = None, 0
    while time.monotonic() < deadline:
        sent = time.monotonic()
        try:
            status, body = get(port, path)
        except (OSError, http.client.HTTPException):
            status, body = None, b""
        received = time.monotonic()
        if status == 200 and shows(body, headlines):
            if seen is None:
                seen = {"sent_s": round(sent - since, 3), "seen_s": round(received - since, 3)}
            elif received - since - seen["seen_s"] >= CONFIRM_S:
                break
        elif seen is not None:
            seen, flaps = None, flaps + 1
        time.sleep(POLL_EVERY_S)
    return {**seen, "flaps": flaps} if seen is not None else None


def watch_publication(port, record, paths, headlines, committed):
    """One poller per page, from the commit on (so no page waits for another's answer); threads to join."""

    def watch(page):
        record["visible"][page] = poll_until(port, paths[page], headlines, committed)

    threads = [threading.Thread(target=watch, args=(page,), daemon=True) for page in PAGES]
    for thread in threads:
        thread.start()
    return threads


def watch_correction(port, record, path, corrected):
    """The corrected headline on the article's own page, from the correction's commit; a thread to join."""

    def watch(committed):
        record["corrected"] = poll_until(port, path, [corrected], committed)

    return lambda committed: start_thread(watch, committed)


def start_thread(target, *args):
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def check_gone(port, paths, headlines, committed):
    """The first request to each page right after an unpublication (all sent at once): still showing it?
    Then CONFIRM_S more of them, in case a page shows it again (a stale copy elsewhere)."""
    result = {}

    def ask(page):
        sent = time.monotonic() - committed
        try:
            status, body = get(port, paths[page])
        except (OSError, http.client.HTTPException) as exc:
            result[page] = {"status": None, "shows": None, "error": exc.__class__.__name__}
            return
        result[page] = {"status": status, "shows": status == 200 and shows(body, headlines), "sent_s": round(sent, 3)}
        later = 0
        until = time.monotonic() + CONFIRM_S
        while time.monotonic() < until:
            time.sleep(POLL_EVERY_S)
            try:
                status, body = get(port, paths[page])
            except (OSError, http.client.HTTPException):
                continue
            later += status == 200 and shows(body, headlines)
        result[page]["shown_again"] = later

    threads = [start_thread(ask, page) for page in paths]
    for thread in threads:
        thread.join(timeout=30)
    result["gone"] = all(result.get(page, {}).get("shows") is False for page in paths) and (
        result.get("article", {}).get("status") == 404
    )
    result["stays_gone"] = all(result.get(page, {}).get("shown_again") == 0 for page in paths)
    return result


def child_editor(out, seconds, port):
    """Publishes a new article every PUBLISH_EVERY_S s, corrects it, unpublishes two; measures what readers get."""
    django_setup()
    import reversion

    from articles import roles
    from articles.models import Article, Section
    from articles.services import Action, transition

    rng = random.Random(4)
    editor = bench_user(EDITOR_USER, roles.EDITOR)
    sections = list(Section.objects.filter(is_active=True).order_by("position"))
    run = secrets.token_hex(2)
    publications, unpublications, errors, threads = [], [], [], []
    ready()
    started, cpu = time.monotonic(), time.process_time()
    deadline = started + seconds
    cycle = 0
    while started + cycle * PUBLISH_EVERY_S + CORRECT_AFTER_S + 0.5 < deadline:
        begin = started + cycle * PUBLISH_EVERY_S
        time.sleep(max(0.0, begin - time.monotonic()))
        template, typo, fix = HEADLINES[cycle % len(HEADLINES)]
        number = f"{run}{cycle}"
        headline = template.format(n=number)
        corrected = headline.replace(typo, fix)
        section = sections[cycle % len(sections)]
        try:
            with reversion.create_revision():
                reversion.set_user(editor)
                article = Article.objects.create(
                    headline=headline,
                    dek="Filed during the news-day benchmark.",
                    body="<p>The decision was announced this morning.</p><p>More details to follow.</p>",
                    section=section,
                    dateline="LONDON",
                    created_by=editor,
                    modified_by=editor,
                )
                byline_and_tags(article, rng)
            with reversion.create_revision():
                reversion.set_user(editor)
                transition(article, Action.PUBLISH, user=editor)  # committed when the revision block ends
            committed = time.monotonic()
        except Exception as exc:
            errors.append(f"publish: {exc.__class__.__name__}: {exc}")
            cycle += 1
            continue
        paths = {
            "home": "/",
            "latest": "/latest/",
            "section": section.get_absolute_url(),
            "article": article.get_absolute_url(),
        }
        record = {"cycle": cycle, "pk": article.pk, "path": paths["article"], "section": paths["section"]}
        record.update(headline=headline, corrected_headline=corrected, visible={}, corrected=None)
        publications.append(record)
        threads += watch_publication(port, record, paths, [headline, corrected], committed)

        time.sleep(max(0.0, begin + CORRECT_AFTER_S - time.monotonic()))
        try:
            with reversion.create_revision():
                reversion.set_user(editor)
                article.headline = corrected
                article.modified_by = editor
                article.save(expected_version=article.version)
            threads.append(watch_correction(port, record, paths["article"], corrected)(time.monotonic()))
        except Exception as exc:
            errors.append(f"correct: {exc.__class__.__name__}: {exc}")

        if cycle in UNPUBLISH_AT_CYCLES and len(publications) >= 2:
            time.sleep(max(0.0, begin + 2 * CORRECT_AFTER_S - time.monotonic()))
            victim = publications[-2]
            try:
                with reversion.create_revision():
                    reversion.set_user(editor)
                    transition(Article.objects.get(pk=victim["pk"]), Action.UNPUBLISH, user=editor)
                result = check_gone(
                    port,
                    {"article": victim["path"], "latest": "/latest/", "home": "/", "section": victim["section"]},
                    [victim["headline"], victim["corrected_headline"]],
                    time.monotonic(),
                )
                unpublications.append({"cycle": cycle, "pk": victim["pk"], "path": victim["path"], **result})
            except Exception as exc:
                errors.append(f"unpublish: {exc.__class__.__name__}: {exc}")
        cycle += 1
    for thread in threads:
        thread.join(timeout=POLL_FOR_S * 2 + 10)
    Path(out).write_text(
        json.dumps(
            {
                "publications": publications,
                "unpublications": unpublications,
                "errors": errors,
                "seconds": round(time.monotonic() - started, 2),
                "poller_requests": _sent["requests"],
                "cpu_s": round(time.process_time() - cpu, 2),  # the editor and its pollers
            }
        )
    )


# The main process -------------------------------------------------------------------------------------------


class Child:
    """A child process (writer or editor) in its own process group; waits until it says READY."""

    def __init__(self, env, *args):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.newsday", "--child", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def wait_ready(self, timeout=120):
        box = []
        reader = threading.Thread(target=lambda: box.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not box or box[0].strip() != "READY":
            raise RuntimeError(f"child {self.process.args[4:]} did not start (exit {self.process.poll()})")

    def wait(self, timeout):
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(f"child {self.process.args[4:]} did not finish within {timeout:.0f} s") from None
        if self.process.returncode != 0:
            raise RuntimeError(f"child {self.process.args[4:]} exited with {self.process.returncode}")

    def kill(self):
        if self.process.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.process.pid, sig)
                    self.process.wait(timeout=10)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue


def run_child(env, *args, timeout=600):
    subprocess.run([PYTHON, "-m", "bench.newsday", "--child", *args], cwd=ROOT, env=env, check=True, timeout=timeout)


def wrk_readers(port, paths_file, seconds, threads, connections):
    """wrk over the readers' pages with bench/newsday.lua; figures from its done() line and --latency table."""
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
            "--",
            str(paths_file),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    line = re.search(r"^NEWSDAY (\{.*\})$", output, re.M)
    if line is None:
        raise RuntimeError(f"wrk printed no NEWSDAY line:\n{output}")
    raw = json.loads(line.group(1))
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50": raw["p50_us"] / 1000,
        "p90": raw["p90_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "max": raw["max_us"] / 1000,
        "non_2xx": raw["status"],
        "socket_errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        "seconds": round(seconds_run, 2),
        "load_after": round(os.getloadavg()[0], 2),  # the machine is shared: how busy it was
        "cache_hits": raw.get("cache_hits"),
        "cache_misses": raw.get("cache_misses"),
    }


def workers_cpu(master_pid):
    """CPU seconds (user + system) used so far by gunicorn's workers, the children of its master."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(master_pid):  # fields after "(comm)": state, ppid, ..., utime (12), stime (13)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def readers_phase(server, port, paths_file, settings):
    """A phase of readers, with the CPU time gunicorn's workers spent on it (per wrk request, too)."""
    before = workers_cpu(server.process.pid)
    r = wrk_readers(port, paths_file, settings["phase"], settings["threads"], settings["connections"])
    r["worker_cpu_s"] = round(workers_cpu(server.process.pid) - before, 2)
    r["worker_cpu_ms_per_request"] = round(1000 * r["worker_cpu_s"] / r["requests"], 2) if r["requests"] else None
    return r


def wrk_one(url, seconds, threads, connections):
    """Plain wrk on one URL (no Lua: the cheapest load wrk can make, for the trivial view and Varnish)."""
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    return parse_wrk(output)


def settings_from_env():
    url = os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL", "").strip() or DEFAULT_REDIS_URL
    return {
        "database_url": url,
        "redis_url": redis_url,
        "phase": max(5, int(os.environ.get("BENCH_NEWSDAY_PHASE", "20"))),
        "duration": max(1, int(os.environ.get("BENCH_DURATION", "10"))),
        "threads": int(os.environ.get("BENCH_THREADS", "2")),
        "connections": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "workers": 2,
    }


def commit_of_tree():
    """HEAD's short hash, with "+uncommitted changes" when tracked files differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+uncommitted changes" if dirty else head


def run(settings, tmp):
    """The whole step; returns the raw figures (a dict), or {"skipped": reason}."""
    parts = urlsplit(settings["database_url"])
    if not parts.scheme.startswith("postgres"):
        return {"skipped": f"the news-day step needs PostgreSQL (DATABASE_URL is {parts.scheme})"}
    name = parts.path.lstrip("/")
    if name in ("", "test", "postgres", "template0", "template1"):
        sys.exit(f"newsday: refusing to use the database {name!r}; point DATABASE_URL at a benchmark database")
    if urlsplit(settings["redis_url"]).path.strip("/") in ("", "0"):
        sys.exit("newsday: BENCH_REDIS_URL must name a Redis database other than 0 (it is flushed)")
    if shutil.which("wrk") is None:
        sys.exit("newsday: wrk is not installed (Debian: apt-get install wrk); `make bench` installs it")
    try:
        ensure_postgres_database(parts, name)
    except Exception as exc:  # psycopg.OperationalError and kin: no server there
        return {"skipped": f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({exc})"}
    import redis

    try:
        redis.Redis.from_url(settings["redis_url"]).ping()
    except redis.RedisError as exc:
        return {"skipped": f"Redis is not reachable at {settings['redis_url']} ({exc})"}

    port = free_port()
    media = Path(tempfile.gettempdir()) / "newsroom-bench-media" / name
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PAGE_CACHE_SECONDS", "DATABASE_URL")},
        "DATABASE_URL": settings["database_url"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": "newsday-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on loopback, as behind a TLS-terminating proxy; wrk, the pollers and Varnish all ask alike.
        "SECURE_SSL_REDIRECT": "0",
        "MEDIA_ROOT": str(media),
        "REDIS_URL": settings["redis_url"],
        "PAGE_CACHE_SECONDS": "300",
        "BENCH_TRIVIAL_VIEW": "1",
        "GUNICORN_WORKERS": str(settings["workers"]),
        "GUNICORN_THREADS": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_ACCESSLOG": "",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOGLEVEL": "warning",
        "CONN_MAX_AGE": "600",
        "AXES_ENABLED": "0",
    }
    raw = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit_of_tree(),
        "tree": str(ROOT),
        "machine": machine(),
        "settings": {k: v for k, v in settings.items() if k != "database_url"},
        "database": name,
    }
    log(f"database {name} (PostgreSQL), Redis {settings['redis_url']}; commit {raw['commit']} in {ROOT}")
    manage(env, "migrate", "--noinput", "-v0")
    prepare = tmp / "prepare.json"
    run_child(env, "prepare", str(prepare))
    found = json.loads(prepare.read_text())
    if found["articles_total"] == 0 or found["published"] < MIN_PUBLISHED:
        articles = 300 if found["articles_total"] == 0 else max(400, found["articles_total"] * 2)
        log(f"seeding the demo newsroom (seed_demo --articles {articles})")
        manage(env, "seed_demo", "--articles", str(articles), "-v0")
        run_child(env, "prepare", str(prepare))
        found = json.loads(prepare.read_text())
    if found["published"] < MIN_PUBLISHED:
        sys.exit(f"newsday: only {found['published']} published articles; at least {MIN_PUBLISHED} are needed")
    manage(env, "collectstatic", "--noinput", "-v0")
    paths = ["/", "/latest/", *found["sections"], *found["article_paths"]]
    paths_file = tmp / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    raw["pages"] = {
        "total": len(paths),
        "sections": len(found["sections"]),
        "articles": len(found["article_paths"]),
        "published_in_db": found["published"],
        "articles_in_db": found["articles_total"],
    }
    log(
        f"{found['published']:,} published articles of {found['articles_total']:,}; readers spread over "
        f"{len(paths)} pages ({len(found['sections'])} sections, {len(found['article_paths'])} articles)"
    )

    redis.Redis.from_url(settings["redis_url"]).flushdb()
    log_path = RESULTS / "newsday-gunicorn.raw"
    log_path.write_bytes(b"")
    children = []
    try:
        with Server(env, port, log_path) as server:
            log(f"gunicorn ({settings['workers']} sync workers) on 127.0.0.1:{port}")
            raw["warm_up_not_200"] = warm_up(port, paths, paths_file, settings)

            raw["phases"] = {}
            log(f"phase 1/3 quiet: readers only for {settings['phase']} s")
            raw["phases"]["quiet"] = readers_phase(server, port, paths_file, settings)
            log_phase("quiet", raw["phases"]["quiet"])

            log(f"phase 2/3 drafts: a writer saves {SAVES_PER_SECOND} times a second for {settings['phase']} s")
            writer_out = tmp / "writer.json"
            writer = Child(env, "writer", str(writer_out), str(settings["phase"]))
            children.append(writer)
            writer.wait_ready()
            raw["phases"]["drafts"] = readers_phase(server, port, paths_file, settings)
            writer.wait(timeout=60)
            raw["writer"] = json.loads(writer_out.read_text())
            log_phase("drafts", raw["phases"]["drafts"])
            log(
                f"writer: {raw['writer']['saves']} saves ({raw['writer']['saves_per_second']}/s), save p50 "
                f"{raw['writer']['save_ms_p50']} ms, errors {len(raw['writer']['errors'])}"
            )

            log(f"phase 3/3 publishing: an editor publishes every {PUBLISH_EVERY_S:g} s for {settings['phase']} s")
            editor_out = tmp / "editor.json"
            editor = Child(env, "editor", str(editor_out), str(settings["phase"]), str(port))
            children.append(editor)
            editor.wait_ready()
            raw["phases"]["publishing"] = readers_phase(server, port, paths_file, settings)
            editor.wait(timeout=POLL_FOR_S * 3 + 60)
            raw["editor"] = json.loads(editor_out.read_text())
            log_phase("publishing", raw["phases"]["publishing"])
            log_editor(raw["editor"])

            # The machine is shared: quiet again, to see whether it got busier or calmer meanwhile (warmed
            # again first, as before the first quiet phase).
            warm_up(port, paths, paths_file, settings)
            log(f"quiet again: readers only for {settings['phase']} s (drift check)")
            raw["phases"]["quiet again"] = readers_phase(server, port, paths_file, settings)
            log_phase("quiet again", raw["phases"]["quiet again"])

            raw["varnish"] = run_varnish(port, settings, paths, tmp)
    finally:
        for child in children:
            child.kill()
        try:
            run_child(env, "cleanup", timeout=300)
        except (subprocess.SubprocessError, OSError) as exc:
            log(f"cleanup failed ({exc}); the bench's articles are those created by {WRITER_USER}/{EDITOR_USER}")
    return raw


def warm_up(port, paths, paths_file, settings):
    """Every page once (fills the page cache), then a short wrk run; {path: status} of pages not 200."""
    bad = {}
    for path in paths:
        status, _body = get(port, path)
        if status != 200:
            bad[path] = status
    if bad:
        log(f"warning: {len(bad)} reader pages did not answer 200: {list(bad.items())[:5]}")
    wrk_readers(port, paths_file, 3, settings["threads"], settings["connections"])
    return bad


def log_phase(name, r):
    log(
        f"{name}: {r['rps']:,.0f} req/s, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, "
        f"non-2xx {r['non_2xx']}, socket errors {r['socket_errors']}"
    )


def log_editor(editor):
    for p in editor["publications"]:
        times = ", ".join(f"{page} {fmt_time(p['visible'].get(page))}" for page in PAGES)
        log(f"publication {p['cycle']}: {times}; correction {fmt_time(p['corrected'])}")
    for u in editor["unpublications"]:
        log(f"unpublished {u['path']}: gone on the next request: {u['gone']}, stayed gone: {u['stays_gone']}")
    for error in editor["errors"]:
        log(f"editor error: {error}")


def run_varnish(port, settings, paths, tmp):
    """The trivial view on gunicorn, then the cached home and article pages through Varnish."""
    out = {}
    log(f"trivial Django view on gunicorn for {settings['duration']} s")
    out["trivial"] = wrk_one(
        f"http://127.0.0.1:{port}/bench/trivial/", settings["duration"], settings["threads"], settings["connections"]
    )
    log(f"trivial: {out['trivial']['rps']:,.0f} req/s, p99 {out['trivial']['p99']:.1f} ms")
    try:
        sys.path.insert(0, str(ROOT))
        from scripts.varnishd import VarnishUnavailable, start_varnish, varnish_available
    except ImportError as exc:
        out["skipped"] = f"scripts/varnishd.py is not there or does not load ({exc})"
        log(f"Varnish step skipped: {out['skipped']}")
        return out
    available, reason = varnish_available()
    if not available:
        out["skipped"] = reason
        log(f"Varnish step skipped: {reason}")
        return out
    article = next(path for path in paths if re.match(r"^/\d{4}/", path))
    workdir = tmp / "varnish"
    workdir.mkdir()
    try:
        varnish = start_varnish(backend_port=port, workdir=workdir)
    except VarnishUnavailable as exc:
        out["skipped"] = str(exc)
        log(f"Varnish step skipped: {exc}")
        return out
    with varnish:
        out["varnish_url"] = varnish.url
        for name, path in (("home", "/"), ("article", article)):
            url = varnish.url.rstrip("/") + path
            for _ in range(3):  # warm: the first request fills Varnish, the others should be hits
                warm = head_of(varnish.port, path)
            out[name] = wrk_one(url, settings["duration"], settings["threads"], settings["connections"])
            # After the run, a hit shows an Age of several seconds and two transaction ids in X-Varnish.
            out[name].update(path=path, headers_warm=warm, headers=head_of(varnish.port, path))
            r = out[name]
            log(
                f"Varnish {name} {path}: {r['rps']:,.0f} req/s, p99 {r['p99']:.1f} ms "
                f"({r['rps'] / out['trivial']['rps']:.2f}× trivial); after it Age {r['headers'].get('age', '?')}"
            )
    return out


def head_of(port, path):
    """A GET through Varnish; the response headers that tell a hit (lower-case names)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        wanted = ("age", "x-varnish", "x-cache", "cache-control", "via")
        return {"status": response.status, **{k.lower(): v for k, v in response.getheaders() if k.lower() in wanted}}
    finally:
        connection.close()


# Report -----------------------------------------------------------------------------------------------------


def fmt_time(t):
    if t is None:
        return "never (10 s)"
    return f"{t['seen_s']:.2f} s"


def targets(raw):
    """[(target, measured, met)] — met is True, False or None (not measured)."""
    out = []
    phases = raw.get("phases", {})
    quiet = phases.get("quiet")
    for name, ratio in (("drafts", DRAFTS_RATIO), ("publishing", PUBLISHING_RATIO)):
        r = phases.get(name)
        if not quiet or not r:
            out.append((f"{name} phase ≥ {ratio}× quiet req/s", "not measured", None))
            continue
        measured = r["rps"] / quiet["rps"]
        out.append((f"{name} phase ≥ {ratio}× quiet req/s", f"{measured:.3f}×", measured >= ratio))
    for name in ("drafts", "publishing"):
        r = phases.get(name)
        label = f"{name} p99 ≤ {P99_FACTOR:g}× quiet p99 and < {P99_LIMIT_MS:g} ms"
        if not quiet or not r:
            out.append((label, "not measured", None))
            continue
        limit = min(P99_FACTOR * quiet["p99"], P99_LIMIT_MS)
        out.append((label, f"{r['p99']:.1f} ms (quiet {quiet['p99']:.1f} ms)", r["p99"] <= limit and r["p99"] < 50))
    editor = raw.get("editor")
    if editor:
        times = [p["visible"].get(page) for p in editor["publications"] for page in PAGES]
        times += [p["corrected"] for p in editor["publications"]]
        never = sum(1 for t in times if t is None)
        worst = max((t["seen_s"] for t in times if t is not None), default=None)
        measured = f"worst {worst:.2f} s" if worst is not None else "—"
        if never:
            measured += f"; {never} of {len(times)} never within {POLL_FOR_S:g} s"
        met = bool(editor["publications"]) and not never and worst is not None and worst <= VISIBLE_WITHIN_S
        out.append(
            (
                f"every publication (and correction) visible within {VISIBLE_WITHIN_S:g} s on home, latest, "
                "section, article",
                f"{measured} ({len(editor['publications'])} publications)",
                met,
            )
        )
        gone = [u["gone"] for u in editor["unpublications"]]
        stays = [u.get("stays_gone", True) for u in editor["unpublications"]]
        measured = f"{sum(gone)} of {len(gone)} gone, {sum(stays)} stayed gone" if gone else "none unpublished"
        out.append(
            (
                "every unpublished article gone on the next request (and after)",
                measured,
                bool(gone) and all(gone) and all(stays),
            )
        )
    else:
        out.append((f"every publication visible within {VISIBLE_WITHIN_S:g} s", "not measured", None))
        out.append(("every unpublished article gone on the next request", "not measured", None))
    varnish = raw.get("varnish", {})
    for name in ("home", "article"):
        label = f"Varnish: cached {name} ≥ {VARNISH_RATIO:g}× trivial Django view"
        if name not in varnish or not varnish.get("trivial"):
            out.append((label, f"skipped: {varnish.get('skipped', 'not measured')}", None))
            continue
        ratio = varnish[name]["rps"] / varnish["trivial"]["rps"]
        out.append((label, f"{ratio:.2f}×", ratio >= VARNISH_RATIO))
    bad = sum(r["non_2xx"] + r["socket_errors"] for r in phases.values())
    out.append(("(also) no non-2xx/3xx or socket errors for readers", str(bad), bad == 0))
    return out


def render(raw, settings):
    heading = "## News day (issue 13, point 4)"
    if "skipped" in raw:
        return f"{heading}\n\nNot run: {raw['skipped']}.\n"
    m = raw["machine"]
    lines = [
        heading,
        "",
        f"Run {raw['date']} by bench/newsday.py, commit `{raw['commit']}` ({raw['tree']}). Machine: "
        f"{m['nproc']} CPUs ({m['cpu']}), {m['memory']} RAM, load average at start {m['load']}; Python "
        f"{m['python']}, Django {m['django']}. PostgreSQL `{raw['database']}` ({raw['pages']['articles_in_db']:,} "
        f"articles, {raw['pages']['published_in_db']:,} published), Redis page cache (PAGE_CACHE_SECONDS=300).",
        "",
        f"gunicorn (newsroom/gunicorn.conf.py): {settings['workers']} sync workers, DEBUG=0. Readers: wrk, "
        f"{settings['threads']} threads, {settings['connections']} connections, round-robin over "
        f"{raw['pages']['total']} pages (home, /latest/, {raw['pages']['sections']} sections, "
        f"{raw['pages']['articles']} articles), {settings['phase']} s per phase, on the same machine. "
        "Last, readers alone again (*quiet again*). "
        f"*drafts*: a writer saves drafts and an article in review {SAVES_PER_SECOND}×/s through the ORM. "
        f"*publishing*: an editor publishes a new article every {PUBLISH_EVERY_S:g} s (admin workflow, "
        f"reversion), corrects its headline {CORRECT_AFTER_S:g} s later, and unpublishes two; its pollers add a "
        "few requests a second. Ratios are to the quiet phase of the same run.",
        "",
        "| phase | req/s | ratio to quiet | p50 ms | p90 ms | p99 ms | max ms | requests | non-2xx | socket errors | "
        "page cache misses | workers' CPU ms per request | load average after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    phases = raw.get("phases", {})
    quiet = phases.get("quiet")
    for name, r in phases.items():
        ratio = f"{r['rps'] / quiet['rps']:.3f}×" if quiet and quiet["rps"] else "—"
        lines.append(
            f"| {name} | {r['rps']:,.0f} | {ratio} | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} | "
            f"{r['max']:.1f} | {r['requests']:,} | {r['non_2xx']} | {r['socket_errors']} | {miss_cell(r)} | "
            f"{r.get('worker_cpu_ms_per_request', '—')} | {r.get('load_after', '—')} |"
        )
    again = phases.get("quiet again")
    if quiet and again and quiet["rps"]:
        drift = again["rps"] / quiet["rps"] - 1
        lines += [
            "",
            f"*quiet again*, after the busy phases, is the drift check: {drift:+.0%} against the first quiet phase"
            + (
                ". More than ±10%: the machine's other load changed during the run, and the ratios above carry "
                "that much error."
                if abs(drift) > 0.10
                else " (within ±10%)."
            ),
        ]
    editor = raw.get("editor")
    if editor and "publishing" in phases and quiet and editor.get("poller_requests"):
        r = phases["publishing"]
        extra = editor["poller_requests"] / editor["seconds"]
        lines += [
            "",
            f"Besides wrk's readers, the editor's pollers made {editor['poller_requests']:,} requests in the "
            f"publishing phase ({extra:,.0f}/s over {editor['seconds']:.0f} s, in bursts after each change); "
            f"counting them, readers were served {r['rps'] + extra:,.0f} req/s, "
            f"{(r['rps'] + extra) / quiet['rps']:.3f}× the quiet phase. The target below counts wrk's alone.",
        ]
    writer = raw.get("writer")
    if writer:
        lines += [
            "",
            f"Writer: {writer['saves']} saves in {writer['seconds']} s ({writer['saves_per_second']}/s), save p50 "
            f"{writer['save_ms_p50']} ms, max {writer['save_ms_max']} ms; the drafts stayed "
            f"{', '.join(writer['statuses'])}; errors: {len(writer['errors'])}"
            + (f" ({'; '.join(writer['errors'])})" if writer["errors"] else "")
            + f". The writer process itself used {writer.get('cpu_s', '?')} CPU-seconds"
            + (f", the editor (with its pollers) {editor.get('cpu_s', '?')}" if editor else "")
            + f", of the {2 * settings['phase']} a phase has on 2 cores (PostgreSQL's work for them not counted). "
            "*workers' CPU ms per request*: gunicorn's workers' CPU time in the phase ÷ wrk's requests (in the "
            "publishing phase the pollers' few requests are in the numerator only).",
        ]
    if editor:
        lines += [
            "",
            "### Publications: seconds from the commit until the headline shows",
            "",
            f"One poller per page asks every {POLL_EVERY_S * 1000:.0f} ms from the commit on, under the readers' "
            f"load; shown: when the first answer of a steady run (every answer for {CONFIRM_S:g} s after it showed "
            "it too) was received, in brackets when that request was sent, and *flaps*: answers that showed the "
            "old page again after a new one. The new article is the newest and not featured, so home lists it in its "
            "“Latest” column (and its section block). *correction*: the fixed headline on the article's own page, "
            "from the correction's commit.",
            "",
            "| # | article | home | latest | section | article page | correction |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]

        def cell(t):
            if t is None:
                return f"**never** ({POLL_FOR_S:g} s)"
            flaps = f", {t['flaps']} flaps" if t.get("flaps") else ""
            return f"{t['seen_s']:.2f} ({t['sent_s']:.2f}{flaps})"

        for p in editor["publications"]:
            lines.append(
                f"| {p['cycle'] + 1} | `{p['path']}` | "
                + " | ".join(cell(p["visible"].get(page)) for page in PAGES)
                + f" | {cell(p['corrected'])} |"
            )
        lines += [
            "",
            "### Unpublications: the first request to each page after the commit",
            "",
            "The first request to each page, all sent at once right after the commit: does it still show the "
            f"article? Then each page again every {POLL_EVERY_S * 1000:.0f} ms for {CONFIRM_S:g} s: *shown again* "
            "counts answers that brought it back.",
            "",
            "| article | article page status | still on article page | on latest | on home | on section | gone | "
            "shown again |",
            "| --- | ---: | --- | --- | --- | --- | --- | ---: |",
        ]
        for u in editor["unpublications"]:
            again = sum(u[page].get("shown_again", 0) for page in ("article", "latest", "home", "section"))
            lines.append(
                f"| `{u['path']}` | {u['article']['status']} | "
                + " | ".join(yes_no(u[page]["shows"]) for page in ("article", "latest", "home", "section"))
                + f" | {'yes' if u['gone'] else '**no**'} | {again if not again else f'**{again}**'} |"
            )
        if editor["errors"]:
            lines += ["", "Editor errors: " + "; ".join(editor["errors"])]
    varnish = raw.get("varnish", {})
    lines += ["", "### Through Varnish", ""]
    if "trivial" in varnish:
        t = varnish["trivial"]
        lines += [
            f"Plain wrk (no script), {settings['duration']} s each, {settings['threads']} threads, "
            f"{settings['connections']} connections; ratios to the trivial Django view on gunicorn in this run.",
            "",
            "| what | req/s | ratio to trivial | p50 ms | p99 ms | non-2xx | after the run: Age, X-Varnish |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| trivial Django view, gunicorn directly | {t['rps']:,.0f} | 1 | {t['p50']:.1f} | {t['p99']:.1f} | "
            f"{t['non_2xx'] + t['socket_errors']} | — |",
        ]
        for name in ("home", "article"):
            if name in varnish:
                r = varnish[name]
                lines.append(
                    f"| {name} `{r['path']}` through Varnish | {r['rps']:,.0f} | {r['rps'] / t['rps']:.2f}× | "
                    f"{r['p50']:.1f} | {r['p99']:.1f} | {r['non_2xx'] + r['socket_errors']} | "
                    f"{r['headers'].get('age', '—')}, {r['headers'].get('x-varnish', '—')} |"
                )
    if "skipped" in varnish:
        lines += ["", f"Varnish step skipped: {varnish['skipped']}."]
    lines += ["", "### Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    misses = []
    for label, measured, met in targets(raw):
        lines.append(f"| {label} | {measured} | {'PASS' if met else ('n/a' if met is None else '**MISS**')} |")
        if met is False:
            misses.append(label)
    lines += ["", ("Missed: " + "; ".join(misses) + ".") if misses else "Every target measured was met."]
    return "\n".join(lines) + "\n"


def miss_cell(r):
    """Page-cache misses (pages rendered) of a phase, and their share of the answers that said hit or miss."""
    hits, missed = r.get("cache_hits"), r.get("cache_misses")
    if hits is None or missed is None or not hits + missed:
        return "—"
    return f"{missed:,} ({missed / (hits + missed):.1%})"


def yes_no(value):
    return "—" if value is None else ("**yes**" if value else "no")


def main():
    started = time.monotonic()
    settings = settings_from_env()
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-newsday-"))

    def terminate(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        raw = run(settings, tmp)
    finally:
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(tmp, ignore_errors=True)
    report = render(raw, settings)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "newsday.md").write_text(report)
    (RESULTS / "newsday.json").write_text(json.dumps({**raw, "targets": targets(raw)}, indent=2, default=str))
    sys.stdout.write("\n" + report)
    log(f"done in {time.monotonic() - started:.0f} s; written to {RESULTS / 'newsday.md'}")
    return report


def child_main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.newsday --child")
    parser.add_argument("role", choices=["prepare", "writer", "editor", "cleanup"])
    parser.add_argument("args", nargs="*")
    args = parser.parse_args(argv)
    if args.role == "prepare":
        child_prepare(args.args[0])
    elif args.role == "writer":
        child_writer(args.args[0], float(args.args[1]))
    elif args.role == "editor":
        child_editor(args.args[0], float(args.args[1]), int(args.args[2]))
    else:
        child_cleanup()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child_main(sys.argv[2:])
    else:
        main()
