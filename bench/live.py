"""The live-coverage step of `make bench` (issue 17): what counting views costs, and 64 readers on a live page.

    python -m bench.live                    # alone (PostgreSQL newsroom_livebench, Redis db 10)
    BENCH_ONLY_LIVE=1 make bench            # the same, through `make bench`

gunicorn (newsroom/gunicorn.conf.py, 2 sync workers, DEBUG=0, REDIS_URL set, PAGE_CACHE_SECONDS=300) on a free
loopback port (8750-8799), the database seeded by `seed_demo` when empty (it has a live blog).

1. *Counting cost.* wrk (BENCH_THREADS 2, BENCH_CONNECTIONS 16, a browser's User-Agent so every view counts)
   on the trivial Django view and on a cached article page (a page-cache hit), BENCH_DURATION seconds each
   (default 10), with MOST_READ_COUNTING on, then off, then on again (a server start each; the two "on" runs
   bracket the "off" one, so drift on the shared machine shows). The views Redis received during the article
   runs are compared with wrk's requests. Then, in one process, the ViewCountMiddleware's own time per counted
   request (20,000 calls, the real Redis-backed counter, nothing sent meanwhile) and one flush of a second's
   worth of views.
2. *Readers polling a live page.* 64 reader threads ask the live page's update endpoint every 10 s (each with
   If-None-Match, as static/js/live.js does; starts spread over the first 10 s) while a child process posts an
   entry every 10 s for BENCH_LIVE_SECONDS (default 60) through the ORM; a watcher also asks the live page
   itself every 50 ms until the entry shows. Reported: statuses (zero 5xx), poll latency p50/p99, for each
   entry how soon after its commit the first poll showed it, whether any poll sent ≥ 2 s after the commit
   missed it, and when the cached live page showed it.

Environment (all optional): DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsroom_livebench; created,
migrated and seeded when missing), BENCH_REDIS_URL (default redis://127.0.0.1:6379/10; db 0 refused; flushed),
BENCH_DURATION, BENCH_THREADS, BENCH_CONNECTIONS, BENCH_LIVE_SECONDS, BENCH_LIVE_READERS (64).

Written to bench/results/live.md (the Markdown also printed) and bench/results/live.json; gunicorn's log to
bench/results/live-gunicorn.raw. The entries the step posts are deleted at the end.
"""

import datetime
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.__main__ import PYTHON, RESULTS, ROOT, Server, ensure_postgres_database, machine, manage, parse_wrk
from bench.newsday import Child, commit_of_tree

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_livebench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
READER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
ENTRY_TITLE = "Bench entry"

# Issue 17, point 3 and point 5.
COUNTING_BUDGET_MS = 0.2
HIT_RATIO = 0.8
VISIBLE_WITHIN_S = 2.0
POLL_EVERY_S = 10.0
POST_EVERY_S = 10.0
PAGE_WATCH_EVERY_S = 0.05


def log(message):
    sys.stdout.write(f"[live {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stdout.flush()


def free_port():
    for port in range(8750, 8800):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit("live: no free port in 8750-8799")


def request(port, path, headers=None, timeout=10.0):
    """One GET on loopback; (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in {"User-Agent": READER_AGENT, **(headers or {})}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def wrk(port, path, settings):
    output = subprocess.run(
        [
            "wrk",
            f"-t{settings['threads']}",
            f"-c{settings['connections']}",
            f"-d{settings['duration']}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            f"User-Agent: {READER_AGENT}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=settings["duration"] + 60,
    ).stdout
    return parse_wrk(output)


# Children: Django through the ORM, with the server's DATABASE_URL and REDIS_URL ----------------------------


def django_setup():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()


def child_prepare(out):
    """The live blog, a plain published article; leftovers of an interrupted run deleted. JSON to `out`."""
    django_setup()
    from articles.models import Article
    from live.models import Entry, LiveBlog

    Entry.objects.filter(title__startswith=ENTRY_TITLE).delete()
    blog = LiveBlog.objects.public().select_related("article").order_by("pk").first()
    plain = Article.objects.published().filter(live_blog__isnull=True).order_by("-published_at").first()
    Path(out).write_text(
        json.dumps(
            {
                "published": Article.objects.published().count(),
                "live_article_id": blog.article_id if blog else None,
                "live_path": blog.article.get_absolute_url() if blog else None,
                "updates_path": blog.get_updates_url() if blog else None,
                "article_path": plain.get_absolute_url() if plain else None,
            }
        )
    )


def child_poster(out, seconds, article_id):
    """Posts an entry every POST_EVERY_S s as the posting screen does (Entry.save, in a revision); prints each
    entry's id and commit time (wall clock, as the pollers measure) as a JSON line."""
    django_setup()
    import reversion
    from django.contrib.auth import get_user_model

    from live.models import Entry, LiveBlog

    blog = LiveBlog.objects.get(article_id=article_id)
    user = get_user_model().objects.filter(is_superuser=True).first()
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    posted = []
    started = time.monotonic()
    n = 0
    while started + n * POST_EVERY_S < started + seconds:
        time.sleep(max(0.0, started + n * POST_EVERY_S + 1 - time.monotonic()))  # first entry 1 s in
        entry = Entry(
            live_blog=blog,
            title=f"{ENTRY_TITLE} {n + 1}",
            body=f"<p>Count update {n + 1}: turnout reported at {60 + n}% in the northern districts.</p>",
            posted_by=user,
        )
        with reversion.create_revision():
            reversion.set_user(user)
            entry.save()  # autocommit: committed when save returns
        committed = time.time()
        posted.append({"id": entry.pk, "committed": committed, "anchor": f'id="{entry.anchor}"'})
        sys.stdout.write(json.dumps(posted[-1]) + "\n")
        sys.stdout.flush()
        n += 1
    Path(out).write_text(json.dumps(posted))


def child_cleanup():
    django_setup()
    from live.models import Entry

    deleted, _ = Entry.objects.filter(title__startswith=ENTRY_TITLE).delete()
    sys.stdout.write(f"{deleted}\n")


def child_cost(out, path):
    """ViewCountMiddleware's time per counted request, in this process, with the real Redis-backed counter."""
    django_setup()
    from django.conf import settings
    from django.test import RequestFactory

    from live.counting import BufferedCounter, RedisCounter, ViewCountMiddleware

    response = type("Response", (), {"status_code": 200})()
    request = RequestFactory().get(path, headers={"User-Agent": READER_AGENT})
    middleware = ViewCountMiddleware(lambda request: response)
    runs = 20_000
    figures = {}
    for counting in (False, True):
        settings.MOST_READ_COUNTING = counting
        for _ in range(1000):  # warm: the counter, its thread, the regular expressions
            middleware(request)
        best = None
        for _ in range(5):  # best of five: the shared machine's other load only ever adds time
            started = time.perf_counter()
            for _ in range(runs):
                middleware(request)
            took = (time.perf_counter() - started) / runs
            best = took if best is None else min(best, took)
        figures["on" if counting else "off"] = best * 1e6
    figures["counting_us"] = figures["on"] - figures["off"]
    # One flush of a busy second: 1,000 views over 300 pages, one pipelined call.
    buffered = BufferedCounter(RedisCounter(settings.REDIS_URL), interval=3600, batch=10**9)
    rng = random.Random(17)
    for _ in range(1000):
        buffered.add(f"/2000/01/01/bench-flush-{rng.randrange(300)}/")
    started = time.perf_counter()
    buffered.flush()
    figures["flush_1000_views_300_pages_ms"] = (time.perf_counter() - started) * 1000
    figures["runs"] = runs
    Path(out).write_text(json.dumps(figures))


class LiveChild(Child):
    """bench.newsday's child process (own process group, READY line), running this module's children."""

    def __init__(self, env, *args):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.live", "--child", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )


def run_child(env, *args, timeout=600):
    return subprocess.run(
        [PYTHON, "-m", "bench.live", "--child", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    ).stdout


# Part 1: counting on the cached hit path ----------------------------------------------------------------------


def views_in_redis(redis_url, path):
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = client.keys("newsroom:views:[0-9]*")  # a few hourly keys in the bench's own db
    return int(sum(client.zscore(key, path) or 0 for key in keys))


def combine(parts):
    """wrk runs of one page taken in turns, as one: requests and time added, the worse percentiles kept."""
    requests = sum(r["requests"] for r in parts)
    seconds = sum(r["requests"] / r["rps"] for r in parts if r["rps"])
    return {
        "requests": requests,
        "rps": requests / seconds if seconds else 0.0,
        "p50": max(r["p50"] for r in parts),
        "p99": max(r["p99"] for r in parts),
        "non_2xx": sum(r["non_2xx"] for r in parts),
        "socket_errors": sum(r["socket_errors"] for r in parts),
    }


def counting_runs(env, port, prepared, settings, log_path):
    """Counting on, off, on, off (a server start each); in each, the trivial view and the cached article in turns
    (TURNS × BENCH_DURATION/TURNS s each), so both see the shared machine's load of the same moments."""
    article, out = prepared["article_path"], {"runs": []}
    turns = 3
    slice_settings = {**settings, "duration": max(1, round(settings["duration"] / turns))}
    for counting in ("1", "0", "1", "0"):
        label = "on" if counting == "1" else "off"
        with Server({**env, "MOST_READ_COUNTING": counting}, port, log_path):
            for _ in range(3):  # fill the page cache; each worker then answers from it
                status, headers, _body = request(port, article)
            out["x_page_cache"] = headers.get("x-page-cache")
            for path in ("/bench/trivial/", article):  # warm every worker
                wrk(port, path, {**settings, "duration": 2})
            time.sleep(settings["flush_wait"])
            before = views_in_redis(settings["redis_url"], article)
            trivial, hit = [], []
            for _ in range(turns):
                trivial.append(wrk(port, "/bench/trivial/", slice_settings))
                hit.append(wrk(port, article, slice_settings))
            trivial, hit = combine(trivial), combine(hit)
            time.sleep(settings["flush_wait"])  # the workers' threads send their last second
            counted = views_in_redis(settings["redis_url"], article) - before
        # Worker time an article hit takes beyond a trivial view (2 workers busy all along: workers / rps).
        extra_ms = (settings["workers"] / hit["rps"] - settings["workers"] / trivial["rps"]) * 1000
        run = {
            "counting": label,
            "trivial": trivial,
            "article_hit": hit,
            "views_counted": counted,
            "extra_ms_over_trivial": extra_ms,
            "load_after": round(os.getloadavg()[0], 2),
        }
        out["runs"].append(run)
        log(
            f"counting {label}: trivial {trivial['rps']:,.0f} req/s, cached article {hit['rps']:,.0f} req/s "
            f"({hit['rps'] / trivial['rps']:.3f}×, p99 {hit['p99']:.1f} ms); views counted {counted:,} of "
            f"{hit['requests']:,} requests; load {run['load_after']}"
        )
    return out


# Part 2: 64 readers polling a live page while entries are posted -----------------------------------------------


class Poller(threading.Thread):
    """One reader's page script: asks the update endpoint every POLL_EVERY_S s with If-None-Match."""

    def __init__(self, port, path, etag, first_delay, stop):
        super().__init__(daemon=True)
        self.port, self.path, self.etag, self.first_delay, self.stop = port, path, etag, first_delay, stop
        self.polls = []  # (sent, received, status, entry ids shown or None for a 304)

    def run(self):
        if self.stop.wait(self.first_delay):
            return
        while not self.stop.is_set():
            sent = time.time()
            try:
                status, headers, body = request(self.port, self.path, {"If-None-Match": self.etag})
            except (OSError, http.client.HTTPException) as exc:
                self.polls.append((sent, time.time(), exc.__class__.__name__, None))
            else:
                shown = None
                if status == 200:
                    self.etag = headers.get("etag", self.etag)
                    shown = [entry["id"] for entry in json.loads(body)["entries"]]
                self.polls.append((sent, time.time(), status, shown))
            self.stop.wait(max(0.0, sent + POLL_EVERY_S - time.time()))


def watch_page(port, path, anchor, committed, results):
    """The live page itself (page cache on): seconds from the commit until the entry's anchor shows."""
    deadline = committed + 10
    while time.time() < deadline:
        try:
            status, _headers, body = request(port, path)
        except (OSError, http.client.HTTPException):
            status, body = None, b""
        if status == 200 and anchor.encode() in body:
            results[anchor] = round(time.time() - committed, 3)
            return
        time.sleep(PAGE_WATCH_EVERY_S)
    results[anchor] = None


def polling_run(env, port, prepared, settings, log_path, tmp):
    out = {}
    with Server(env, port, log_path):
        status, headers, _body = request(port, prepared["updates_path"])
        if status != 200:
            return {"skipped": f"{prepared['updates_path']} answered {status}"}
        request(port, prepared["live_path"])  # the live page into the page cache
        etag, stop = headers["etag"], threading.Event()
        readers = settings["readers"]
        pollers = [
            Poller(port, prepared["updates_path"], etag, POLL_EVERY_S * n / readers, stop) for n in range(readers)
        ]
        for poller in pollers:
            poller.start()
        time.sleep(POLL_EVERY_S)  # every reader has polled once
        poster_out = tmp / "poster.json"
        poster = LiveChild(
            env, "poster", str(poster_out), str(settings["live_seconds"]), str(prepared["live_article_id"])
        )
        page_seen, watchers, posted = {}, [], []
        poster.wait_ready()
        started = time.time()
        for line in poster.process.stdout:
            entry = json.loads(line)
            posted.append(entry)
            watcher = threading.Thread(
                target=watch_page,
                args=(port, prepared["live_path"], entry["anchor"], entry["committed"], page_seen),
                daemon=True,
            )
            watcher.start()
            watchers.append(watcher)
            log(f"entry {entry['id']} posted")
        poster.wait(timeout=60)
        time.sleep(POLL_EVERY_S + 1)  # every reader polls once more after the last entry
        stop.set()
        for thread in [*pollers, *watchers]:
            thread.join(timeout=15)
        out["seconds"] = round(time.time() - started, 1)
    polls = [poll for poller in pollers for poll in poller.polls]
    out["polls"] = len(polls)
    out["statuses"] = {}
    for _sent, _received, status, _shown in polls:
        out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1
    out["server_errors"] = sum(n for status, n in out["statuses"].items() if status.startswith("5"))
    out["connection_errors"] = sum(n for status, n in out["statuses"].items() if not status.isdigit())
    latencies = sorted((received - sent) * 1000 for sent, received, status, _ in polls if isinstance(status, int))
    out["latency_ms"] = {
        "p50": round(latencies[len(latencies) // 2], 1),
        "p99": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "max": round(latencies[-1], 1),
    }
    out["entries"] = []
    for entry in posted:
        committed, seen_first, stale_late, answered_after = entry["committed"], None, 0, 0
        for poller in pollers:
            shown = None  # what this reader's page holds, poll after poll
            for sent, received, status, ids in poller.polls:
                if ids is not None:
                    shown = ids
                if sent < committed or status not in (200, 304):
                    continue
                answered_after += 1
                has_it = shown is not None and entry["id"] in shown
                if has_it and (seen_first is None or received - committed < seen_first):
                    seen_first = received - committed
                if not has_it and sent - committed >= VISIBLE_WITHIN_S:
                    stale_late += 1
                break  # the first answer to a poll sent after the commit: did it carry the entry?
        out["entries"].append(
            {
                "id": entry["id"],
                "first_poll_showing_it_s": round(seen_first, 3) if seen_first is not None else None,
                "readers_who_polled_after": answered_after,
                "late_stale_answers": stale_late,
                "live_page_shows_it_s": page_seen.get(entry["anchor"]),
            }
        )
    return out


# Report -----------------------------------------------------------------------------------------------------


def targets(raw):
    out = []
    cost = raw.get("cost")
    if cost:
        out.append(
            (
                f"counting < {COUNTING_BUDGET_MS} ms per request (in-process, the middleware)",
                f"{cost['counting_us']:.1f} µs",
                cost["counting_us"] / 1000 < COUNTING_BUDGET_MS,
            )
        )
    runs = raw.get("counting", {}).get("runs", [])
    on = [r for r in runs if r["counting"] == "on"]
    off = [r for r in runs if r["counting"] == "off"]
    if on:
        worst = min(r["article_hit"]["rps"] / r["trivial"]["rps"] for r in on)
        out.append(
            (
                f"cached article hit ≥ {HIT_RATIO}× trivial view (counting on)",
                f"{worst:.3f}× (worse run)",
                worst >= HIT_RATIO,
            )
        )
    if on and off:
        per_on = sum(r["extra_ms_over_trivial"] for r in on) / len(on)
        per_off = sum(r["extra_ms_over_trivial"] for r in off) / len(off)
        diff = per_on - per_off  # what counting adds to a cached hit, by wrk (the shared machine's noise included)
        out.append(
            (
                f"counting < {COUNTING_BUDGET_MS} ms per cached hit (wrk: hit's extra time over trivial, on − off)",
                f"{diff:+.3f} ms",
                diff < COUNTING_BUDGET_MS,
            )
        )
        lost = [r["article_hit"]["requests"] - r["views_counted"] for r in on]
        out.append(("(also) every view of the on-runs reached Redis", f"missing {lost}", all(n <= 0 for n in lost)))
    polling = raw.get("polling", {})
    if "entries" in polling:
        out.append(("zero 5xx while polling", str(polling["server_errors"]), polling["server_errors"] == 0))
        firsts = [e["first_poll_showing_it_s"] for e in polling["entries"]]
        late = sum(e["late_stale_answers"] for e in polling["entries"])
        worst = max((f for f in firsts if f is not None), default=None)
        met = bool(firsts) and None not in firsts and late == 0 and worst <= VISIBLE_WITHIN_S
        out.append(
            (
                f"each entry visible to pollers within {VISIBLE_WITHIN_S:g} s of its commit",
                f"first poll showing it: worst {worst:.2f} s; answers to polls sent ≥ {VISIBLE_WITHIN_S:g} s after "
                f"the commit without it: {late}"
                if worst is not None
                else "never seen",
                met,
            )
        )
        out.append(("poll latency p99 reported", f"{polling['latency_ms']['p99']} ms", True))
    return out


def render(raw, settings):
    heading = "## Live coverage (issue 17)"
    if "skipped" in raw:
        return f"{heading}\n\nNot run: {raw['skipped']}.\n"
    m = raw["machine"]
    lines = [
        heading,
        "",
        f"Run {raw['date']} by bench/live.py, commit `{raw['commit']}`. Machine: {m['nproc']} CPUs ({m['cpu']}), "
        f"{m['memory']} RAM, load average at start {m['load']}; Python {m['python']}, Django {m['django']}. "
        f"PostgreSQL `{raw['database']}` ({raw['prepared']['published']:,} published articles), Redis page cache "
        f"(PAGE_CACHE_SECONDS=300), gunicorn (newsroom/gunicorn.conf.py) with {settings['workers']} sync workers, "
        "DEBUG=0.",
        "",
        "### Counting views on the cached hit path",
        "",
        f"wrk, {settings['threads']} threads, {settings['connections']} connections, {settings['duration']} s per "
        f"page, a browser's User-Agent (so each article request is a counted view). Article: "
        f"`{raw['prepared']['article_path']}` (X-Page-Cache: {raw['counting'].get('x_page_cache')}). A server "
        "start per row, the two pages measured in turns; *views counted*: what Redis received for the article "
        "during its run (after the workers' last flush; a few more than wrk's requests: those still in flight when "
        "wrk stopped). The machine is shared with other work: compare rows by their ratio, not their req/s.",
        "",
        "| MOST_READ_COUNTING | trivial req/s | cached article req/s | ratio | article p50 / p99 ms | article "
        "requests | views counted | article's extra worker ms over trivial | load average after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in raw["counting"]["runs"]:
        t, a = r["trivial"], r["article_hit"]
        lines.append(
            f"| {r['counting']} | {t['rps']:,.0f} | {a['rps']:,.0f} | {a['rps'] / t['rps']:.3f}× | "
            f"{a['p50']:.2f} / {a['p99']:.2f} | {a['requests']:,} | {r['views_counted']:,} | "
            f"{r['extra_ms_over_trivial']:.3f} | {r['load_after']} |"
        )
    load = float(m["load"].split()[0])
    if load > m["nproc"]:
        lines += [
            "",
            f"**The machine was busy** (load average {load:.1f} on {m['nproc']} CPUs at the start; see the last "
            "column): the req/s, the ratios and the on − off difference carry that noise (a negative difference "
            "is noise, counting cannot speed a page up). The in-process figure below is the one to trust for what "
            "counting costs; run again on a quiet machine for the ratios.",
        ]
    cost = raw.get("cost")
    if cost:
        lines += [
            "",
            f"In one process (bench/live.py `cost`): ViewCountMiddleware on a counted article request, best of 5 × "
            f"{cost['runs']:,} calls: {cost['on']:.2f} µs with counting on, {cost['off']:.2f} µs off — "
            f"**{cost['counting_us']:.2f} µs per counted view**. One flush of 1,000 views over 300 pages (one "
            f"pipelined Redis call, on the counter's thread, once a second at most): "
            f"{cost['flush_1000_views_300_pages_ms']:.2f} ms.",
        ]
    polling = raw.get("polling", {})
    lines += ["", "### Readers polling a live page", ""]
    if "entries" in polling:
        lines += [
            f"{settings['readers']} reader threads ask `{raw['prepared']['updates_path']}` every "
            f"{POLL_EVERY_S:g} s with If-None-Match (starts spread over {POLL_EVERY_S:g} s) while an entry is posted "
            f"every {POST_EVERY_S:g} s for {settings['live_seconds']} s (ORM, in a revision, as the posting screen "
            f"saves). {polling['polls']:,} polls in {polling['seconds']} s; statuses "
            + ", ".join(f"{s}: {n:,}" for s, n in sorted(polling["statuses"].items()))
            + f"; latency p50 {polling['latency_ms']['p50']} ms, **p99 {polling['latency_ms']['p99']} ms**, max "
            f"{polling['latency_ms']['max']} ms.",
            "",
            "*first poll showing it*: seconds from the commit until the first answer carrying the entry (to a poll "
            "sent after the commit). *late stale answers*: answers without it to polls sent ≥ "
            f"{VISIBLE_WITHIN_S:g} s after the commit (should be 0). *live page*: the cached article page itself, "
            f"asked every {PAGE_WATCH_EVERY_S * 1000:.0f} ms from the commit.",
            "",
            "| entry | first poll showing it s | readers who polled after the commit | late stale answers | live page "
            "shows it s |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ]
        for e in polling["entries"]:
            first = e["first_poll_showing_it_s"]
            page = e["live_page_shows_it_s"]
            lines.append(
                f"| {e['id']} | {first if first is not None else '**never**'} | {e['readers_who_polled_after']} | "
                f"{e['late_stale_answers']} | {page if page is not None else '**never (10 s)**'} |"
            )
    else:
        lines.append(f"Not run: {polling.get('skipped', 'no live blog')}.")
    lines += ["", "### Targets", "", "| target | measured | met |", "| --- | --- | --- |"]
    for label, measured, met in targets(raw):
        lines.append(f"| {label} | {measured} | {'PASS' if met else ('n/a' if met is None else '**MISS**')} |")
    return "\n".join(lines) + "\n"


def run(settings, tmp):
    parts = urlsplit(settings["database_url"])
    if not parts.scheme.startswith("postgres"):
        return {"skipped": f"the live step needs PostgreSQL (DATABASE_URL is {parts.scheme})"}
    name = parts.path.lstrip("/")
    if name in ("", "test", "postgres", "template0", "template1"):
        sys.exit(f"live: refusing to use the database {name!r}; point DATABASE_URL at a benchmark database")
    if urlsplit(settings["redis_url"]).path.strip("/") in ("", "0"):
        sys.exit("live: BENCH_REDIS_URL must name a Redis database other than 0 (it is flushed)")
    if shutil.which("wrk") is None:
        sys.exit("live: wrk is not installed (Debian: apt-get install wrk); `make bench` installs it")
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
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PAGE_CACHE_SECONDS", "DATABASE_URL")},
        "DATABASE_URL": settings["database_url"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": "livebench-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain http on loopback, as behind a TLS-terminating proxy
        "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "newsroom-bench-media" / name),
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
        "machine": machine(),
        "settings": {k: v for k, v in settings.items() if k != "database_url"},
        "database": name,
    }
    log(f"database {name} (PostgreSQL), Redis {settings['redis_url']}, port {port}; commit {raw['commit']}")
    manage(env, "migrate", "--noinput", "-v0")
    prepare = tmp / "prepare.json"
    run_child(env, "prepare", str(prepare))
    prepared = json.loads(prepare.read_text())
    if not prepared["live_article_id"] or not prepared["article_path"]:
        log("seeding the demo newsroom (seed_demo --articles 300; it has a live blog)")
        manage(env, "seed_demo", "--articles", "300", "-v0")
        run_child(env, "prepare", str(prepare))
        prepared = json.loads(prepare.read_text())
    if not prepared["live_article_id"]:
        return {**raw, "skipped": "no published live blog in the database after seed_demo"}
    raw["prepared"] = prepared
    manage(env, "collectstatic", "--noinput", "-v0")
    redis.Redis.from_url(settings["redis_url"]).flushdb()
    log_path = RESULTS / "live-gunicorn.raw"
    log_path.write_bytes(b"")
    try:
        raw["counting"] = counting_runs(env, port, prepared, settings, log_path)
        cost = tmp / "cost.json"
        run_child(env, "cost", str(cost), prepared["article_path"])
        raw["cost"] = json.loads(cost.read_text())
        log(f"in-process: {raw['cost']['counting_us']:.2f} µs per counted view")
        raw["polling"] = polling_run(env, port, prepared, settings, log_path, tmp)
    finally:
        run_child(env, "cleanup")
    return raw


def settings_from_env():
    return {
        "database_url": os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        "redis_url": os.environ.get("BENCH_REDIS_URL", "").strip() or DEFAULT_REDIS_URL,
        "duration": max(1, int(os.environ.get("BENCH_DURATION", "10"))),
        "threads": int(os.environ.get("BENCH_THREADS", "2")),
        "connections": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "live_seconds": max(10, int(os.environ.get("BENCH_LIVE_SECONDS", "60"))),
        "readers": max(1, int(os.environ.get("BENCH_LIVE_READERS", "64"))),
        "workers": 2,
        "flush_wait": 2.5,  # > MOST_READ_FLUSH_SECONDS: every worker has sent its buffer
    }


def main():
    started = time.monotonic()
    settings = settings_from_env()
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-live-"))
    try:
        raw = run(settings, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = render(raw, settings)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "live.md").write_text(report)
    (RESULTS / "live.json").write_text(json.dumps({**raw, "targets": targets(raw)}, indent=2, default=str))
    sys.stdout.write("\n" + report)
    log(f"done in {time.monotonic() - started:.0f} s; written to {RESULTS / 'live.md'}")
    return report


def child_main(argv):
    role, *args = argv
    if role == "prepare":
        child_prepare(args[0])
    elif role == "poster":
        child_poster(args[0], float(args[1]), int(args[2]))
    elif role == "cost":
        child_cost(args[0], args[1])
    elif role == "cleanup":
        child_cleanup()
    else:
        sys.exit(f"live: unknown child {role!r}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child_main(sys.argv[2:])
    else:
        main()
