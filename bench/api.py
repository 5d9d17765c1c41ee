"""The content-API step of `make bench` (issue 16, point 4): the article list and detail, uncached and cached.

    python -m bench.api                    # alone (PostgreSQL newsroom_apibench, Redis db 13)
    BENCH_ONLY_API=1 make bench            # the same, through `make bench`

gunicorn with newsroom/gunicorn.conf.py (2 sync workers, DEBUG=0) on a free loopback port, loaded by wrk
(BENCH_THREADS 2, BENCH_CONNECTIONS 16, BENCH_DURATION seconds per URL, default 10) on three URLs, in turn:
the trivial view (/bench/trivial/), the article list (/api/v1/articles?limit=20) and one article's detail
(/api/v1/articles/<id>). Three servers, one after the other:

    uncached            no REDIS_URL, PAGE_CACHE_SECONDS=0: every request runs the query and the serialiser
    cached              REDIS_URL set, PAGE_CACHE_SECONDS=300: responses served from the page cache
    cached, no limit    the same with API_RATE_LIMIT=0, to show what the per-IP rate limit costs a hit

The rate limit is on (as in production) in the first two: API_RATE_LIMIT is set so high that wrk's one address
never reaches it, so every request pays for counting and none is answered 429. Ratios are to the trivial view
measured by the same server in the same run. Targets: uncached list ≥ 0.1×, cached list and detail ≥ 0.8×.

Environment (all optional):
    BENCH_API_DATABASE_URL  PostgreSQL database (default postgres://postgres@127.0.0.1:5432/newsroom_apibench;
                            created when missing, migrated, seeded with `seed_demo` when it has no articles)
    BENCH_API_REDIS_URL     Redis for the cached runs (default redis://127.0.0.1:6379/13; db 0 refused; flushed)
    BENCH_DURATION, BENCH_THREADS, BENCH_CONNECTIONS, BENCH_API_ROUNDS (rounds of the three URLs; median, 2)

The machine is often shared, and wrk's figures move with whatever else runs; each server's URLs are therefore
also timed in-process (Django's test client in a child process with the server's environment: CPU time per
request, best of BENCH_API_CPU_ROUNDS (5) runs of 50), which other processes barely disturb.

Written to bench/results/api.md (also printed) and bench/results/api.json; gunicorn's log goes to
bench/results/api-gunicorn.raw.
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
from pathlib import Path
from urllib.parse import urlsplit

from bench.__main__ import PYTHON, RESULTS, ROOT, Server, ensure_postgres_database, fetch, machine, manage, parse_wrk
from bench.newsday import commit_of_tree, free_port

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_apibench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
LIST_PATH = "/api/v1/articles?limit=20"
MODES = {
    "uncached": {"PAGE_CACHE_SECONDS": "0"},
    "cached": {"PAGE_CACHE_SECONDS": "300", "redis": True},
    "cached, no limit": {"PAGE_CACHE_SECONDS": "300", "redis": True, "API_RATE_LIMIT": "0"},
}
URLS = ["trivial", "list", "detail"]
TARGETS = {("uncached", "list"): 0.1, ("cached", "list"): 0.8, ("cached", "detail"): 0.8}
UNREACHABLE_LIMIT = "1000000000"  # requests a minute: counted on every request, never reached


def log(message):
    sys.stdout.write(f"[api {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stdout.flush()


def wrk_one(url, seconds, threads, connections):
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    return parse_wrk(output)


def settings_from_env():
    return {
        "database_url": os.environ.get("BENCH_API_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        "redis_url": os.environ.get("BENCH_API_REDIS_URL", "").strip() or DEFAULT_REDIS_URL,
        "duration": max(1, int(os.environ.get("BENCH_DURATION", "10"))),
        "threads": int(os.environ.get("BENCH_THREADS", "2")),
        "connections": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "rounds": max(1, int(os.environ.get("BENCH_API_ROUNDS", "2"))),
        "cpu_rounds": max(1, int(os.environ.get("BENCH_API_CPU_ROUNDS", "5"))),
        "workers": 2,
    }


def measure(mode, env, port, paths, settings):
    """One server for `mode`: every URL checked (200, JSON), warmed, then loaded in rounds; {url: result}."""
    log_path = RESULTS / "api-gunicorn.raw"
    runs = {name: [] for name in URLS}
    with Server(env, port, log_path):
        for name in URLS:
            status, headers, _body = fetch(port, paths[name])
            if status != 200:
                sys.exit(f"api: {mode}: {paths[name]} answered {status}")
        for name in URLS:  # every worker warm on every URL (and the cache filled)
            wrk_one(f"http://127.0.0.1:{port}{paths[name]}", 2, 1, settings["workers"] * 2)
        for _round in range(settings["rounds"]):
            for name in URLS:
                runs[name].append(
                    wrk_one(
                        f"http://127.0.0.1:{port}{paths[name]}",
                        settings["duration"],
                        settings["threads"],
                        settings["connections"],
                    )
                )
        _status, headers, _body = fetch(port, paths["list"])
    results = {}
    for name, rounds in runs.items():
        median = statistics.median(r["rps"] for r in rounds)
        chosen = min(rounds, key=lambda r: abs(r["rps"] - median))
        results[name] = {**chosen, "rps": median, "rounds": [r["rps"] for r in rounds]}
        results[name]["bad"] = sum(r["non_2xx"] + r["socket_errors"] for r in rounds)
    trivial = results["trivial"]["rps"]
    for name in URLS:
        results[name]["ratio"] = results[name]["rps"] / trivial if trivial else None
        r = results[name]
        log(
            f"{mode}: {name:7} {r['rps']:8.0f} req/s ({r['ratio']:.3f}× trivial)  p50 {r['p50']:.1f} ms  "
            f"p99 {r['p99']:.1f} ms  non-2xx/errors {r['bad']}"
        )
    results["list_headers"] = {k: v for k, v in headers.items() if k.lower().startswith(("x-ratelimit", "cache"))}
    return results


CPU_CHILD = """
import json, sys, time
import django
django.setup()
from django.test import Client
client, paths, rounds = Client(), json.loads(sys.argv[1]), int(sys.argv[2])
out = {}
for name, path in paths.items():
    for _ in range(3):
        client.get(path)
    best = None
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(50):
            client.get(path)
        spent = (time.process_time() - started) / 50 * 1000
        best = spent if best is None else min(best, spent)
    out[name] = best
print(json.dumps(out))
"""


def cpu_per_request(env, paths, rounds):
    """CPU milliseconds per request of each URL, in-process (see the module docstring)."""
    env = {**env, "ALLOWED_HOSTS": "testserver"}
    output = subprocess.run(
        [PYTHON, "-c", CPU_CHILD, json.dumps(paths), str(rounds)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def run(settings):
    parts = urlsplit(settings["database_url"])
    if not parts.scheme.startswith("postgres"):
        return {"skipped": f"the API step needs PostgreSQL (BENCH_API_DATABASE_URL is {parts.scheme})"}
    name = parts.path.lstrip("/")
    if name in ("", "test", "postgres", "template0", "template1"):
        sys.exit(f"api: refusing to use the database {name!r}")
    if urlsplit(settings["redis_url"]).path.strip("/") in ("", "0"):
        sys.exit("api: BENCH_API_REDIS_URL must name a Redis database other than 0 (it is flushed)")
    if shutil.which("wrk") is None:
        sys.exit("api: wrk is not installed (Debian: apt-get install wrk); `make bench` installs it")
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
        "SECRET_KEY": "apibench-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain http on loopback, as behind a TLS-terminating proxy
        "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "newsroom-bench-media" / name),
        "BENCH_TRIVIAL_VIEW": "1",
        "API_RATE_LIMIT": UNREACHABLE_LIMIT,
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
    log(f"database {name} (PostgreSQL), Redis {settings['redis_url']}; commit {raw['commit']}")
    manage(env, "migrate", "--noinput", "-v0")
    found = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", "from articles.models import Article; "
         "print(Article.objects.published().count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()[-1]  # fmt: skip
    if int(found) < 20:
        log("seeding the demo newsroom (seed_demo)")
        manage(env, "seed_demo", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    (RESULTS / "api-gunicorn.raw").write_bytes(b"")

    raw["modes"] = {}
    for mode, options in MODES.items():
        mode_env = {**env, "PAGE_CACHE_SECONDS": options["PAGE_CACHE_SECONDS"]}
        if options.get("redis"):
            mode_env["REDIS_URL"] = settings["redis_url"]
            redis.Redis.from_url(settings["redis_url"]).flushdb()
        if "API_RATE_LIMIT" in options:
            mode_env["API_RATE_LIMIT"] = options["API_RATE_LIMIT"]
        with Server(mode_env, port, RESULTS / "api-gunicorn.raw"):
            _status, _headers, body = fetch(port, LIST_PATH)
        items = json.loads(body)["items"]
        paths = {"trivial": "/bench/trivial/", "list": LIST_PATH, "detail": f"/api/v1/articles/{items[0]['id']}"}
        raw["paths"], raw["list_items"] = paths, len(items)
        log(f"{mode}: gunicorn ({settings['workers']} sync workers) on 127.0.0.1:{port}")
        raw["modes"][mode] = measure(mode, mode_env, port, paths, settings)
        cpu = cpu_per_request(mode_env, paths, settings["cpu_rounds"])
        raw["modes"][mode]["cpu_ms"] = cpu
        log(f"{mode}: in-process CPU per request: " + ", ".join(f"{k} {v:.2f} ms" for k, v in cpu.items()))
    return raw


def targets(raw):
    out = []
    for (mode, name), target in TARGETS.items():
        ratio = raw["modes"][mode][name]["ratio"]
        out.append({"target": f"{mode} {name} ≥ {target}× trivial", "measured": ratio, "met": ratio >= target})
    bad = sum(r["bad"] for mode in raw["modes"].values() for name, r in mode.items() if name in URLS)
    out.append({"target": "no non-2xx or socket errors", "measured": bad, "met": bad == 0})
    return out


def render(raw, settings):
    if "skipped" in raw:
        return f"# Content API benchmark\n\nNot run: {raw['skipped']}.\n"
    m = raw["machine"]
    lines = [
        "# Content API benchmark (issue 16)",
        "",
        f"Run {raw['date']} on commit {raw['commit']} by `BENCH_ONLY_API=1 make bench` (bench/api.py). Machine: "
        f"{m['nproc']} CPUs ({m['cpu']}), {m['memory']} RAM, load average at start {m['load']}; Python "
        f"{m['python']}, Django {m['django']}; PostgreSQL database {raw['database']} (seed_demo).",
        "",
        f"gunicorn with newsroom/gunicorn.conf.py: {settings['workers']} sync workers, DEBUG=0. Load: wrk, "
        f"{settings['threads']} threads, {settings['connections']} connections, {settings['duration']} s per URL, "
        f"{settings['rounds']} rounds (median req/s), on the same machine. List: `{raw['paths']['list']}` "
        f"({raw['list_items']} items); detail: `{raw['paths']['detail']}`. *Uncached*: no Redis, "
        "PAGE_CACHE_SECONDS=0. *Cached*: REDIS_URL set, responses from the page cache. The per-IP rate limit "
        f"is on in both (API_RATE_LIMIT={UNREACHABLE_LIMIT}: counted, never reached); *cached, no limit* turns "
        "it off to show its cost. Ratios are to the trivial view in the same server.",
        "",
        "| mode | URL | req/s | rounds | p50 / p99 ms | ratio to trivial | non-2xx |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for mode, results in raw["modes"].items():
        for name in URLS:
            r = results[name]
            rounds = ", ".join(f"{x:,.0f}" for x in r["rounds"])
            lines.append(
                f"| {mode} | {name} | {r['rps']:,.0f} | {rounds} | {r['p50']:.2f} / {r['p99']:.2f} | "
                f"{r['ratio']:.3f}× | {r['bad']} |"
            )
    lines += [
        "",
        "In-process CPU time per request (test client, best of "
        f"{settings['cpu_rounds']} runs of 50; ratio: the trivial view's time over the URL's, comparable to the "
        "req/s ratios but without wrk, HTTP parsing and the other load on the machine):",
        "",
        "| mode | trivial ms | list ms (ratio) | detail ms (ratio) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for mode, results in raw["modes"].items():
        cpu = results["cpu_ms"]
        lines.append(
            f"| {mode} | {cpu['trivial']:.2f} | {cpu['list']:.2f} ({cpu['trivial'] / cpu['list']:.3f}×) | "
            f"{cpu['detail']:.2f} ({cpu['trivial'] / cpu['detail']:.3f}×) |"
        )
    lines += ["", "| target (wrk req/s ratios) | measured | met |", "| --- | ---: | --- |"]
    for t in targets(raw):
        measured = f"{t['measured']:.3f}×" if isinstance(t["measured"], float) else str(t["measured"])
        lines.append(f"| {t['target']} | {measured} | {'yes' if t['met'] else '**missed**'} |")
    return "\n".join(lines) + "\n"


def main():
    started = time.monotonic()
    settings = settings_from_env()
    RESULTS.mkdir(parents=True, exist_ok=True)
    raw = run(settings)
    report = render(raw, settings)
    (RESULTS / "api.md").write_text(report)
    payload = raw if "skipped" in raw else {**raw, "targets": targets(raw)}
    (RESULTS / "api.json").write_text(json.dumps(payload, indent=2, default=str))
    sys.stdout.write("\n" + report)
    log(f"done in {time.monotonic() - started:.0f} s; written to {RESULTS / 'api.md'}")
    return report


if __name__ == "__main__":
    main()
