"""Readers under load while an editor publishes: the shared load script (issue 9, point 6; used by `make bench`).

    python -m bench.load --base-url http://127.0.0.1:8000 --readers 64 --duration 60 --editor

N reader threads fetch reader pages (home, latest, sections, articles found on /latest/) in a loop for T
seconds, each over its own keep-alive connection, and count every status and every connection error.
With `--editor`, one more thread publishes a new article every few seconds through the ORM (so it needs
the server's DATABASE_URL and REDIS_URL in its environment), then edits its headline. For each, it reports
how long readers could still get the old page: the latest *sending* time, after the change, of a request to
/latest/ (or the article) whose answer lacked it. Queueing on a busy server does not count against the
news; serving a stale page to someone who asked after the change does.

Bounded: only 127.0.0.1/localhost, a deadline, a per-request timeout, optionally a request count per reader.
Standard library only (plus Django for the editor). Exit status 1 with `--check` when any 5xx, any
connection error, or any publication took longer than `--visible-within` seconds to show.
"""

import argparse
import collections
import http.client
import itertools
import os
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
ARTICLE_LINK = re.compile(r'href="(/\d{4}/\d{2}/\d{2}/[-\w]+/)"')
SECTION_LINK = re.compile(r'href="(/section/[-\w]+/)"')


@dataclass
class Tally:
    statuses: collections.Counter = field(default_factory=collections.Counter)
    errors: collections.Counter = field(default_factory=collections.Counter)
    latencies: list = field(default_factory=list)
    editor_errors: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # News being watched: (key, path, text, since). A response to `path` from a request *sent* `lag` seconds
    # after `since` either shows `text` or is stale; the news took as long to show as its stalest response.
    watch: tuple | None = None
    stale_for: dict = field(default_factory=dict)  # key → longest lag of a response still without the news
    seen: set = field(default_factory=set)
    watched: list = field(default_factory=list)

    def observe(self, path, sent, body):
        watch = self.watch
        if watch is None or path != watch[1] or sent < watch[3]:
            return
        key, _, text, since = watch
        with self.lock:
            if text in body.decode(errors="replace"):
                self.seen.add(key)
            else:
                self.stale_for[key] = max(self.stale_for.get(key, 0.0), sent - since)

    def visibility(self):
        """Per piece of news: seconds until every later request saw it (None: never seen)."""
        return [self.stale_for.get(key, 0.0) if key in self.seen else None for key in self.watched]

    def record(self, status=None, error=None, seconds=None):
        with self.lock:
            if status is not None:
                self.statuses[status] += 1
            if error is not None:
                self.errors[error] += 1
            if seconds is not None:
                self.latencies.append(seconds)


class Reader:
    """One keep-alive connection; reconnects when the server closes it (sync gunicorn workers do)."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.connection = None

    def get(self, path):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.connection.request("GET", path, headers={"User-Agent": "newsroom-load/1"})
            response = self.connection.getresponse()
            body = response.read()
        except Exception:
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, body

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def discover_paths(reader):
    """Reader pages to load: the home page, /latest/, sections and articles linked from them."""
    paths = ["/", "/latest/", "/authors/"]
    for page in ("/", "/latest/"):
        status, body = reader.get(page)
        if status == 200:
            html = body.decode(errors="replace")
            paths += SECTION_LINK.findall(html) + ARTICLE_LINK.findall(html)
    return list(dict.fromkeys(paths))


def read_loop(host, port, paths, tally, deadline, timeout, max_requests, offset):
    reader = Reader(host, port, timeout)
    cycle = itertools.islice(itertools.cycle(paths), offset, None)
    done = 0
    try:
        while time.monotonic() < deadline and (max_requests is None or done < max_requests):
            path = next(cycle)
            started = time.monotonic()
            try:
                status, body = reader.get(path)
            except (OSError, http.client.HTTPException) as exc:
                tally.record(error=exc.__class__.__name__)
            else:
                tally.record(status=status, seconds=time.monotonic() - started)
                if status == 200:
                    tally.observe(path, started, body)
            done += 1
    finally:
        reader.close()


class Editor:
    """Publishes and edits articles through the ORM while readers load the site."""

    def __init__(self, host, port, timeout, every, visible_within, publications=None):
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        django.setup()
        self.reader = Reader(host, port, timeout)
        self.every = every
        self.visible_within = visible_within
        self.publications = publications
        self.created = []

    def watch(self, tally, key, path, text, since, deadline):
        """Watch `path` for `text` (the readers do too) until someone sees it, or give up after a while."""
        with tally.lock:
            tally.watched.append(key)
            tally.watch = (key, path, text, since)
        limit = max(deadline, since + 30)
        while key not in tally.seen and time.monotonic() < limit:
            sent = time.monotonic()
            try:
                status, body = self.reader.get(path)
            except (OSError, http.client.HTTPException):
                continue
            if status == 200:
                tally.observe(path, sent, body)
            time.sleep(0.02)

    def publish_one(self, tally, deadline):
        from django.db import close_old_connections
        from django.utils import timezone

        from articles.models import Article, Section

        close_old_connections()
        section = Section.objects.filter(is_active=True).order_by("position").first()
        if section is None:
            section = Section.objects.create(name="Load test")
        marker = uuid.uuid4().hex[:10]
        article = Article.objects.create(
            headline=f"Load test story {marker}",
            dek="Published by bench/load.py while readers load the site.",
            body="<p>Published while readers load the site.</p>",
            section=section,
        )
        self.created.append(article.pk)
        article.publish(at=timezone.now())
        self.watch(tally, f"{marker} published", "/latest/", marker, time.monotonic(), deadline)
        article.headline = f"Load test story {marker} (edited)"
        article.save()
        self.watch(tally, f"{marker} edited", article.get_absolute_url(), "(edited)", time.monotonic(), deadline)

    def loop(self, tally, deadline):
        try:
            for done in itertools.count(1):
                next_round = time.monotonic() + self.every
                self.publish_one(tally, deadline)
                if done == self.publications or next_round + self.every >= deadline:
                    break
                time.sleep(max(0.0, next_round - time.monotonic()))
        except Exception as exc:  # reported, not raised: the readers' numbers still count
            tally.editor_errors.append(f"{exc.__class__.__name__}: {exc}")
        finally:
            self.reader.close()
            from django.db import connections

            # This thread's own database connection: left open, it would keep (test) databases from being dropped.
            connections.close_all()

    def clean_up(self):
        from articles.models import Article

        Article.objects.filter(pk__in=self.created).delete()


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(
    base_url,
    readers=64,
    duration=60.0,
    editor=False,
    publish_every=3.0,
    visible_within=1.0,
    timeout=10.0,
    requests_per_reader=None,
    publications=None,
    keep_articles=False,
):
    """Load the site; returns a summary dict (also what `main` prints)."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"load tests run only against http://127.0.0.1 (got {base_url!r})")
    host, port = parts.hostname, parts.port or 80
    readers = max(1, min(int(readers), 512))
    duration = max(0.1, min(float(duration), 3600.0))

    paths = discover_paths(Reader(host, port, timeout))
    tally = Tally()
    started = time.monotonic()
    deadline = started + duration
    threads = [
        threading.Thread(
            target=read_loop,
            args=(host, port, paths, tally, deadline, timeout, requests_per_reader, n),
            daemon=True,
        )
        for n in range(readers)
    ]
    the_editor = None
    if editor:
        the_editor = Editor(host, port, timeout, publish_every, visible_within, publications)
        threads.append(threading.Thread(target=the_editor.loop, args=(tally, deadline), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + timeout + 30)
    elapsed = time.monotonic() - started
    if the_editor is not None and not keep_articles:
        the_editor.clean_up()

    total = sum(tally.statuses.values())
    visibility = tally.visibility()
    shown = [v for v in visibility if v is not None]
    return {
        "readers": readers,
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_second": round(total / elapsed, 1) if elapsed else 0,
        "statuses": dict(sorted(tally.statuses.items())),
        "server_errors": sum(n for status, n in tally.statuses.items() if status >= 500),
        "connection_errors": dict(tally.errors),
        "latency_ms": {
            name: round(value * 1000, 1) if value is not None else None
            for name, value in (
                ("p50", percentile(tally.latencies, 0.5)),
                ("p95", percentile(tally.latencies, 0.95)),
                ("p99", percentile(tally.latencies, 0.99)),
                ("max", max(tally.latencies, default=None)),
            )
        },
        "paths": len(paths),
        "publications": len(visibility) // 2 if editor else None,
        "visible_within_s": round(max(shown), 3) if shown else None,
        "never_visible": len(visibility) - len(shown),
        "late": sum(1 for v in shown if v > visible_within),
        "editor_errors": tally.editor_errors,
    }


def problems(summary, visible_within):
    found = []
    if summary["server_errors"]:
        found.append(f"{summary['server_errors']} responses were 5xx")
    if summary["connection_errors"]:
        found.append(f"connection errors: {summary['connection_errors']}")
    if summary["never_visible"]:
        found.append(f"{summary['never_visible']} publications or edits never showed")
    if summary["late"]:
        found.append(f"{summary['late']} publications or edits took longer than {visible_within}s to show")
    if summary["editor_errors"]:
        found.append(f"editor errors: {summary['editor_errors']}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (at most 3600)")
    parser.add_argument("--requests-per-reader", type=int, default=None, help="stop each reader after N requests")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--editor", action="store_true", help="publish and edit articles meanwhile (needs Django)")
    parser.add_argument("--publish-every", type=float, default=3.0, help="seconds between publications")
    parser.add_argument("--publications", type=int, default=None, help="stop the editor after N publications")
    parser.add_argument("--visible-within", type=float, default=1.0, help="seconds readers may wait for news")
    parser.add_argument("--keep-articles", action="store_true", help="keep the editor's articles afterwards")
    parser.add_argument("--check", action="store_true", help="exit 1 on any 5xx, connection error or slow news")
    args = parser.parse_args(argv)
    try:
        summary = run(
            args.base_url,
            readers=args.readers,
            duration=args.duration,
            editor=args.editor,
            publish_every=args.publish_every,
            visible_within=args.visible_within,
            timeout=args.timeout,
            requests_per_reader=args.requests_per_reader,
            publications=args.publications,
            keep_articles=args.keep_articles,
        )
    except (ValueError, OSError, http.client.HTTPException) as exc:
        sys.stderr.write(f"load: {exc}\n")
        return 2
    for key, value in summary.items():
        sys.stdout.write(f"{key:>20}: {value}\n")
    found = problems(summary, args.visible_within)
    for problem in found:
        sys.stdout.write(f"PROBLEM: {problem}\n")
    return 1 if args.check and found else 0


if __name__ == "__main__":
    sys.exit(main())
