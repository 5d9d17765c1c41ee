"""`make bench`: build a big newsroom, serve it with the production gunicorn config, load it with wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench make bench   # 100,000 articles
    make bench                                                                 # SQLite, 5,000 articles

Environment (all optional):
    DATABASE_URL          PostgreSQL database to use (created when missing; never the plain `test` database).
                          Unset: SQLite in a temporary folder.
    BENCH_ARTICLES        articles to seed (default 100,000 on PostgreSQL, 5,000 on SQLite)
    BENCH_REDIS_URL       Redis for the cached run (default redis://127.0.0.1:6379/15; db 0 is refused,
                          and the db is flushed)
    BENCH_DURATION        seconds of load per page (default 10), BENCH_THREADS (2), BENCH_CONNECTIONS (16)
    BENCH_PORT            gunicorn port (default 8117)
    BENCH_LOAD_DURATION   seconds of the readers-under-load step (default 60; see below)
    BENCH_ONLY_LOAD       1: only the readers-under-load step. Seeding is skipped when the database already
                          holds BENCH_ARTICLES articles, there are no wrk runs, and the section goes to
                          bench/results/load.md (latest.md is left alone).

Each page is loaded by wrk, a separate process, for BENCH_DURATION seconds: first with no page cache (no
Redis), then with Redis. The table (and whether each target of issue 8 is met) is printed and written to
bench/results/latest.md, with EXPLAIN plans of the listing queries in bench/results/explain.md.

Then (issue 9, point 6) bench/load.py, the shared load script, holds 64 concurrent readers for
BENCH_LOAD_DURATION seconds against gunicorn with Redis while an editor publishes and edits articles through
the ORM (in a child process with the server's DATABASE_URL and REDIS_URL, so its writes reach the same
database and invalidate the same page cache; its articles are deleted afterwards). Its section in
latest.md reports statuses, 5xx, connection errors and how long new articles took to show. It needs
PostgreSQL (concurrent writes); on SQLite the section says so and nothing is run.

The archive-scale step (issue 19, point 4): bench/archive.py loads the same pages on a 300-article and a
100,000-article PostgreSQL database, straight after seeding and settled, and writes bench/results/archive.md
(see its docstring). BENCH_ONLY_ARCHIVE=1 runs only that step.

Last, the news-day step (issue 13, point 4): bench/newsday.py (PostgreSQL: DATABASE_URL, or newsroom_newsday
when unset; Redis db 14; see its docstring), written to bench/results/newsday.md. BENCH_ONLY_NEWSDAY=1 runs
only that step.

And the content-API step (issue 16): bench/api.py (PostgreSQL newsroom_apibench, Redis db 13; see its docstring),
written to bench/results/api.md. BENCH_ONLY_API=1 runs only that step.

And the live-coverage step (issue 17): bench/live.py (PostgreSQL newsroom_livebench, Redis db 10; see its
docstring): what counting views costs on the cached hit path, and 64 readers polling a live page while entries
are posted, written to bench/results/live.md. BENCH_ONLY_LIVE=1 runs only that step.

The cluster step (issue 15) runs only on its own, BENCH_ONLY_CLUSTER=1: bench/cluster.py starts `make cluster`'s
arrangement (so not while `make cluster` runs), kills and restarts its parts under load, and writes
bench/results/cluster.md.
"""

import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PAGES = ["trivial", "home", "article", "section", "tag", "author", "latest", "search", "feed"]

# Issue 8, point 4: ratios to the trivial view in the same run.
TARGETS = {
    ("article", "uncached"): 0.10,
    ("home", "uncached"): 0.06,
    ("article", "cached"): 0.6,
    ("home", "cached"): 0.6,
}
SEARCH_P99_MS = 100


def log(message):
    sys.stdout.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stdout.flush()


# Setup ------------------------------------------------------------------------------------------------------


def database_url(tmp):
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}", "sqlite"
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        name = parts.path.lstrip("/")
        if name in ("", "test", "postgres", "template0", "template1"):
            sys.exit(f"bench: refusing to use the database {name!r}; point DATABASE_URL at a benchmark database")
        ensure_postgres_database(parts, name)
        return url, "postgresql"
    return url, parts.scheme


def ensure_postgres_database(parts, name):
    import psycopg

    admin = parts._replace(path="/postgres").geturl().replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            log(f"creating PostgreSQL database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args, quiet=False):
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) // 1024 // 1024} GiB"
    import django

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": django.get_version(),
        "kernel": platform.release(),
    }


def count_articles(env):
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", "from articles.models import Article; print(Article.objects.count())"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(output.split()[-1])


# Serving ----------------------------------------------------------------------------------------------------


class Server:
    """gunicorn with newsroom/gunicorn.conf.py, in its own process group."""

    def __init__(self, env, port, log_path):
        self.env, self.port, self.log_path = env, port, log_path
        self.process = None

    def __enter__(self):
        self.log_file = open(self.log_path, "ab")  # closed in __exit__
        self.process = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "--config", "newsroom/gunicorn.conf.py", "newsroom.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=self.log_file,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"bench: gunicorn exited; see {self.log_path}")
            try:
                fetch(self.port, "/bench/trivial/")
                return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        sys.exit("bench: gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log_file.close()

    def worker_rss_kb(self):
        """Resident memory of each worker (children of the gunicorn master)."""
        rss = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid) and "VmRSS" in fields:
                rss.append(int(fields["VmRSS"].split()[0]))
        return sorted(rss)


def fetch(port, path, headers=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # our own server, on loopback
        return response.status, dict(response.headers), response.read()


def wrk(port, path, duration, threads, connections):
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            "-H",
            "X-Forwarded-Proto: https",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(output)


def parse_wrk(output):
    def ms(value):
        number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    result["p50"] = ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    result["p99"] = ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    result["socket_errors"] = sum(int(n) for n in errors.groups()) if errors else 0
    return result


def run_mode(mode, env, pages, settings):
    log(f"{mode}: starting gunicorn ({settings['workers']} workers) on 127.0.0.1:{settings['port']}")
    results = {}
    with Server(env, settings["port"], settings["log"]) as server:
        for name in PAGES:  # every page answers 200 (not a redirect) before it is measured
            status, headers, _body = fetch(settings["port"], pages[name])
            if status != 200:
                log(f"{mode}: {name} {pages[name]} answered {status}")
        for name in PAGES:  # warm every worker on every page (templates, ContentTypes, connections)
            wrk(settings["port"], pages[name], 2, 1, settings["workers"] * 2)
        rss_before = server.worker_rss_kb()
        for name in PAGES:
            try:
                fetch(settings["port"], pages[name])
            except urllib.error.HTTPError as exc:
                results[name] = {"error": f"HTTP {exc.code}"}
                log(f"{mode}: {name} {pages[name]} → HTTP {exc.code}; not measured")
                continue
            results[name] = wrk(
                settings["port"], pages[name], settings["duration"], settings["threads"], settings["connections"]
            )
            r = results[name]
            log(f"{mode}: {name:8} {r['rps']:8.0f} req/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms")
        rss_after = server.worker_rss_kb()
        static = static_headers(settings["port"], pages["article"])
        # Search latency without queueing: one connection per worker, so p99 is the server's own time.
        search = wrk(settings["port"], pages["search"], settings["duration"], 1, settings["workers"])
        log(f"{mode}: search unqueued: p50 {search['p50']:.1f} ms, p99 {search['p99']:.1f} ms")
    return {
        "pages": results,
        "rss_before": rss_before,
        "rss_after": rss_after,
        "static": static,
        "search_unqueued": search,
    }


def static_headers(port, article_path):
    """How the stylesheet is served: compression and cache lifetime (WhiteNoise)."""
    _status, _headers, body = fetch(port, article_path)
    href = re.search(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', body)
    if not href:
        return {}
    _status, headers, css = fetch(port, href.group(1).decode(), {"Accept-Encoding": "gzip, br"})
    return {
        "url": href.group(1).decode(),
        "content_encoding": headers.get("Content-Encoding", "none"),
        "cache_control": headers.get("Cache-Control", ""),
        "bytes": len(css),
    }


# Readers under load while an editor publishes (issue 9, point 6) -------------------------------------------

LOAD_READERS = 64
LOAD_VISIBLE_WITHIN = 1.0
LOAD_HEADING = "## Readers under load while an editor publishes (issue 9)"

# In a child process: the editor calls django.setup() with the server's settings (DATABASE_URL, REDIS_URL).
LOAD_CHILD = """
import json, sys
from bench import load
summary = load.run(sys.argv[1], readers=int(sys.argv[2]), duration=float(sys.argv[3]), editor=True,
                   visible_within=float(sys.argv[4]))
summary["problems"] = load.problems(summary, visible_within=float(sys.argv[4]))
with open(sys.argv[5], "w") as out:
    json.dump(summary, out)
"""


def run_load(env, settings, vendor, tmp):
    """bench/load.py against gunicorn with Redis: readers plus an editor; the summary dict (or why not run)."""
    if vendor != "postgresql":
        return {"skipped": "needs PostgreSQL (concurrent writes: the editor writes while readers read)"}
    summary_path = tmp / "load.json"
    log(
        f"load: {LOAD_READERS} readers for {settings['load_duration']:.0f} s while an editor publishes and edits "
        f"(gunicorn, {settings['workers']} workers, Redis)"
    )
    # Plain http on loopback, as behind a proxy that terminates TLS: no redirect to https.
    env = {**env, "SECURE_SSL_REDIRECT": "0", "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    with Server(env, settings["port"], settings["log"]):
        subprocess.run(
            [
                PYTHON,
                "-c",
                LOAD_CHILD,
                f"http://127.0.0.1:{settings['port']}",
                str(LOAD_READERS),
                str(settings["load_duration"]),
                str(LOAD_VISIBLE_WITHIN),
                str(summary_path),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=settings["load_duration"] + 180,
        )
    summary = json.loads(summary_path.read_text())
    log(
        f"load: {summary['requests']:,} requests ({summary['requests_per_second']:,.0f}/s), "
        f"{summary['server_errors']} 5xx, connection errors {summary['connection_errors'] or 0}, "
        f"{summary['publications']} publications, worst time to visible {summary['visible_within_s']} s"
    )
    return summary


def render_load(load, settings):
    lines = [LOAD_HEADING, ""]
    if "skipped" in load:
        return lines + [f"Not run: {load['skipped']}.", ""]
    latency = load["latency_ms"]
    errors = sum(load["connection_errors"].values())
    worst = load["visible_within_s"]
    shown = f"{worst:.3f} s" if worst is not None else "—"
    visible_met = not load["never_visible"] and not load["late"] and not load["editor_errors"] and worst is not None
    lines += [
        f"bench/load.py: {load['readers']} concurrent readers (one keep-alive connection each, {load['paths']} reader "
        f"pages: home, /latest/, /authors/, sections, articles) for {load['seconds']} s against gunicorn "
        f"({settings['workers']} sync workers, REDIS_URL set, page cache on), while an editor published a new "
        "article every 3 s through the ORM and then edited its headline. Time to visible: the latest moment, "
        "after the change, at which a reader *sent* a request whose answer still lacked it (queueing does not "
        "count).",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| requests | {load['requests']:,} |",
        f"| req/s | {load['requests_per_second']:,.1f} |",
        "| statuses | " + ", ".join(f"{code}: {n:,}" for code, n in load["statuses"].items()) + " |",
        f"| 5xx | {load['server_errors']} |",
        "| connection errors | "
        + (", ".join(f"{name}: {n}" for name, n in load["connection_errors"].items()) or "0")
        + " |",
        f"| latency p50 / p95 / p99 / max ms | {latency['p50']} / {latency['p95']} / {latency['p99']} / "
        f"{latency['max']} |",
        f"| publications (each also edited) | {load['publications']} |",
        f"| worst time to visible (publication or edit) | {shown} |",
        f"| never visible / later than {LOAD_VISIBLE_WITHIN:g} s | {load['never_visible']} / {load['late']} |",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
        f"| zero 5xx | {load['server_errors']} | {'yes' if load['server_errors'] == 0 else '**missed**'} |",
        f"| zero connection errors | {errors} | {'yes' if errors == 0 else '**missed**'} |",
        f"| new article visible within {LOAD_VISIBLE_WITHIN:g} s | "
        f"{shown} | {'yes' if visible_met else '**missed**'} |",
        "",
    ]
    if load["editor_errors"]:
        lines += ["Editor errors: " + "; ".join(load["editor_errors"]), ""]
    return lines


# Report -----------------------------------------------------------------------------------------------------


def verdicts(runs, vendor):
    out = []
    trivial = {mode: runs[mode]["pages"].get("trivial", {}).get("rps") for mode in runs}
    for (page, mode), target in TARGETS.items():
        r = runs[mode]["pages"].get(page, {})
        if "rps" not in r or not trivial[mode]:
            out.append((f"{mode} {page} ≥ {target}× trivial", "not measured", False))
            continue
        ratio = r["rps"] / trivial[mode]
        out.append((f"{mode} {page} ≥ {target}× trivial", f"{ratio:.3f}×", ratio >= target))
    search = runs["uncached"].get("search_unqueued", {})
    label = f"search p99 < {SEARCH_P99_MS} ms (uncached, one connection per worker)"
    if "p99" not in search:
        out.append((label, "not measured", False))
    elif vendor == "postgresql":
        out.append((label, f"{search['p99']:.1f} ms", search["p99"] < SEARCH_P99_MS))
    else:
        out.append((label, f"{search['p99']:.1f} ms (SQLite; the target is for PostgreSQL)", None))
    bad = sum(r.get("non_2xx", 0) + r.get("socket_errors", 0) for run in runs.values() for r in run["pages"].values())
    missing = [f"{m}/{p}" for m, run in runs.items() for p, r in run["pages"].items() if "error" in r]
    measured = f"{bad} non-2xx/socket errors" + (f"; not measured: {missing}" if missing else "")
    out.append(("no errors during the runs", measured, bad == 0 and not missing))
    for mode, run in runs.items():
        before, after = sum(run["rss_before"]), sum(run["rss_after"])
        growth = (after - before) / before if before else 0
        measured = f"{before / 1024:.0f} → {after / 1024:.0f} MiB ({growth:+.1%})"
        out.append((f"worker memory flat ({mode}, < +10%)", measured, growth < 0.10))
    return out


def render(info, probe, runs, checks, settings):
    lines = [
        "# Benchmark results",
        "",
        f"Run {info['date']} by `make bench` (bench/__main__.py). Machine: {info['machine']['nproc']} CPUs "
        f"({info['machine']['cpu']}), {info['machine']['memory']} RAM, Linux {info['machine']['kernel']}, load "
        f"average at start {info['machine']['load']}; Python {info['machine']['python']}, Django "
        f"{info['machine']['django']}, database {info['vendor']} ({probe['articles']['total']:,} articles, "
        f"{probe['articles']['published']:,} published).",
        "",
        f"gunicorn with newsroom/gunicorn.conf.py: {settings['workers']} sync workers, DEBUG=0, preload, "
        "GUNICORN_MAX_REQUESTS=0 (no recycling, so memory growth shows), LOG_LEVEL=WARNING (no per-request log "
        f"lines). Load: wrk, {settings['threads']} threads, {settings['connections']} connections, "
        f"{settings['duration']} s per page, on the same machine (wrk and the database share the CPUs). "
        "*Uncached*: no Redis, no page cache. *Cached*: REDIS_URL set, pages served from Redis after the first "
        "request. Ratios are to the trivial view in the same run.",
        "",
        "| page | path | uncached req/s | p50 / p99 ms | ratio | cached req/s | p50 / p99 ms | ratio | "
        "queries (uncached / cached miss / hit) | non-2xx |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    trivial = {mode: runs[mode]["pages"].get("trivial", {}).get("rps") for mode in runs}
    for page in PAGES:
        cells = [page, f"`{probe['pages'][page]}`"]
        bad = 0
        for mode in ("uncached", "cached"):
            r = runs[mode]["pages"].get(page, {})
            if "rps" not in r:
                cells += [r.get("error", "—"), "—", "—"]
                continue
            cells += [f"{r['rps']:,.0f}", f"{r['p50']:.1f} / {r['p99']:.1f}", f"{r['rps'] / trivial[mode]:.3f}×"]
            bad += r["non_2xx"] + r["socket_errors"]
        q = probe["queries"][page]
        cells += [f"{q['uncached']} / {q['cached_miss']} / {q['cached_hit']}", str(bad)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Targets (issue 8)",
        "",
        "Why a target is missed, and what would reach it: [notes.md](notes.md).",
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
    ]
    for label, measured, met in checks:
        lines.append(f"| {label} | {measured} | {'yes' if met else ('n/a' if met is None else '**missed**')} |")
    rss = {mode: (runs[mode]["rss_before"], runs[mode]["rss_after"]) for mode in runs}
    lines += [
        "",
        "Worker RSS (KiB) before → after the run: "
        + "; ".join(f"{mode}: {before} → {after}" for mode, (before, after) in rss.items()),
        "",
        "Search with one connection per worker (no queueing in front of the workers): "
        + "; ".join(
            f"{mode} p50 {run['search_unqueued']['p50']:.1f} ms, p99 {run['search_unqueued']['p99']:.1f} ms"
            for mode, run in runs.items()
        ),
        "",
        "## Article page weight (phone-width first view)",
        "",
    ]
    w = probe["weight"]
    static = runs["cached"].get("static", {})
    lines += [
        f"HTML {w['html']:,} B ({w['html_gzip']:,} B gzipped), CSS {w['css']:,} B ({w['css_gzip']:,} B as served "
        f"compressed), fonts {w['fonts']:,} B, lead image {w['image']:,} B (`{w['image_url']}`), scripts: "
        f"{w['scripts']}. **Total {w['total'] / 1024:.1f} kB** over the wire "
        f"({w['total_uncompressed'] / 1024:.1f} kB uncompressed); budget 300 kB: "
        f"{'met' if w['total'] < 300 * 1024 and w['scripts'] == 0 else '**missed**'}.",
        "",
        f"Stylesheet as served by WhiteNoise: Content-Encoding {static.get('content_encoding', '?')}, "
        f"Cache-Control `{static.get('cache_control', '?')}`.",
        "",
        "## Admin article changelist",
        "",
        "| view | ms (median of 3) | queries | status |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, t in probe["admin"].items():
        lines.append(f"| {label} (`{t['url']}`) | {t['ms']} | {t['queries']} | {t['status']} |")
    if "explain" in probe:
        seq = [name for name, plans in probe["explain"].items() for p in plans if p["seq_scan"]]
        lines += [
            "",
            "## Query plans",
            "",
            "EXPLAIN ANALYZE of every query reading articles_article on each page: see "
            "[explain.md](explain.md). Sequential scans on articles_article: "
            + (", ".join(sorted(set(seq))) if seq else "none") + ".",
        ]  # fmt: skip
    return "\n".join(lines) + "\n"


def render_explain(probe):
    lines = ["# Query plans of the reader pages (PostgreSQL)", ""]
    for name, plans in probe.get("explain", {}).items():
        lines += [f"## {name}", ""]
        for plan in plans:
            lines += ["```sql", plan["sql"], "```", "```", plan["plan"], "```", ""]
    return "\n".join(lines)


# Main -------------------------------------------------------------------------------------------------------


def main():
    if os.environ.get("BENCH_ONLY_CLUSTER", "").strip() == "1":
        from bench import cluster

        cluster.main()
        return
    if os.environ.get("BENCH_ONLY_API", "").strip() == "1":
        from bench import api

        api.main()
        return
    if os.environ.get("BENCH_ONLY_ARCHIVE", "").strip() == "1":
        from bench import archive

        archive.main()
        return
    if os.environ.get("BENCH_ONLY_LIVE", "").strip() == "1":
        from bench import live

        live.main()
        return
    if os.environ.get("BENCH_ONLY_NEWSDAY", "").strip() == "1":
        from bench import newsday

        newsday.main()
        return
    only_load = os.environ.get("BENCH_ONLY_LOAD", "").strip() == "1"
    if shutil.which("wrk") is None and not only_load:
        sys.exit("bench: wrk is not installed (Debian: apt-get install wrk); `make bench` installs it")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    db_url, vendor = database_url(tmp)
    articles = int(os.environ.get("BENCH_ARTICLES") or (100_000 if vendor == "postgresql" else 5_000))
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    if urlsplit(redis_url).path.strip("/") in ("", "0"):
        sys.exit("bench: BENCH_REDIS_URL must name a Redis database other than 0 (it is flushed)")
    settings = {
        "port": int(os.environ.get("BENCH_PORT", "8117")),
        "duration": int(os.environ.get("BENCH_DURATION", "10")),
        "threads": int(os.environ.get("BENCH_THREADS", "2")),
        "connections": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "workers": int(os.environ.get("GUNICORN_WORKERS", "2")),
        "load_duration": float(os.environ.get("BENCH_LOAD_DURATION", "60")),
        "log": RESULTS / "gunicorn.raw",
    }
    media = Path(os.environ.get("BENCH_MEDIA_ROOT", Path(tempfile.gettempdir()) / "newsroom-bench-media"))
    base_env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PAGE_CACHE_SECONDS")},
        "DATABASE_URL": db_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "MEDIA_ROOT": str(media / (urlsplit(db_url).path.strip("/").replace("/", "_") or "sqlite")),
        "BENCH_TRIVIAL_VIEW": "1",
        "GUNICORN_WORKERS": str(settings["workers"]),
        "GUNICORN_BIND": f"127.0.0.1:{settings['port']}",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_ACCESSLOG": "",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOGLEVEL": "warning",
        "CONN_MAX_AGE": "600",
        "AXES_ENABLED": "0",
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    settings["log"].write_bytes(b"")
    info = {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"), "vendor": vendor}
    info["machine"] = machine()
    log(f"database: {vendor}; target {articles:,} articles; load average {info['machine']['load']}")

    manage(base_env, "migrate", "--noinput", "-v0")
    have = count_articles(base_env) if only_load else 0
    if have >= articles:
        log(f"BENCH_ONLY_LOAD: {have:,} articles already there; not seeding")
    else:
        log(f"seeding (seed_demo --articles {articles}; only what is missing)")
        manage(base_env, "seed_demo", "--articles", str(articles), "-v0")
    if vendor == "postgresql" and have < articles:
        import psycopg

        with psycopg.connect(db_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    manage(base_env, "collectstatic", "--noinput", "-v0")
    cached_env = {**base_env, "REDIS_URL": redis_url, "PAGE_CACHE_SECONDS": "300"}
    import redis

    if only_load:
        redis.Redis.from_url(redis_url).flushdb()
        load = run_load(cached_env, settings, vendor, tmp)
        report = "\n".join(
            [
                "# Readers under load (BENCH_ONLY_LOAD=1)",
                "",
                f"Run {info['date']} by `BENCH_ONLY_LOAD=1 make bench` (bench/__main__.py). Machine: "
                f"{info['machine']['nproc']} CPUs ({info['machine']['cpu']}), {info['machine']['memory']} RAM, load "
                f"average at start {info['machine']['load']}; Python {info['machine']['python']}, Django "
                f"{info['machine']['django']}, database {vendor} ({max(have, articles):,} articles). The full "
                "benchmark is in [latest.md](latest.md).",
                "",
                *render_load(load, settings),
            ]
        )
        (RESULTS / "load.md").write_text(report)
        sys.stdout.write("\n" + report)
        log(f"done in {time.monotonic() - started:.0f} s; written to {RESULTS / 'load.md'}")
        shutil.rmtree(tmp, ignore_errors=True)
        return

    log(f"setup done in {time.monotonic() - started:.0f} s; probing pages, queries, weight, admin")

    probe_path = tmp / "probe.json"
    subprocess.run([PYTHON, "-m", "bench.probe", str(probe_path)], cwd=ROOT, env=base_env, check=True)
    probe = json.loads(probe_path.read_text())
    for name, status in probe["statuses"].items():
        if status != 200:
            log(f"note: {name} ({probe['pages'][name]}) answers {status} in the test client")

    runs = {"uncached": run_mode("uncached", {**base_env, "PAGE_CACHE_SECONDS": "0"}, probe["pages"], settings)}
    redis.Redis.from_url(redis_url).flushdb()
    runs["cached"] = run_mode("cached", cached_env, probe["pages"], settings)
    load = run_load(cached_env, settings, vendor, tmp)

    checks = verdicts(runs, vendor)
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = render(info, probe, runs, checks, settings) + "\n" + "\n".join(render_load(load, settings))
    (RESULTS / "latest.md").write_text(report)
    if "explain" in probe:
        (RESULTS / "explain.md").write_text(render_explain(probe))
    raw = {"info": info, "probe": probe, "runs": runs, "load": load}
    (RESULTS / "latest.raw").write_text(json.dumps(raw, indent=2, default=str))
    sys.stdout.write("\n" + report)
    log(f"done in {time.monotonic() - started:.0f} s; written to {RESULTS / 'latest.md'}")
    shutil.rmtree(tmp, ignore_errors=True)
    from bench import archive

    archive.main()
    from bench import newsday

    newsday.main()
    from bench import api

    api.main()
    from bench import live

    live.main()


if __name__ == "__main__":
    main()
