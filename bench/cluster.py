"""The cluster step of `make bench` (issue 15): `make cluster`'s arrangement under the tests that need whole processes.

    BENCH_ONLY_CLUSTER=1 make bench        (writes bench/results/cluster.md and cluster.json)

Starts scripts/cluster.py's Cluster (two gunicorn nodes behind HAProxy, a job worker, SeaweedFS, PostgreSQL
`newsroom_cluster`, Redis db 12 — not while `make cluster` runs) and checks, in order:
  1. a login made on node A is logged in on node B;
  2. a 40-megapixel photo uploaded through node A returns in under a second, and renders on node B's page;
  3. 64 readers for BENCH_CLUSTER_SECONDS (60) through HAProxy while node A is killed (SIGKILL) and started again:
     failed requests at the load balancer;
  4. a rolling restart (SIGTERM, start, healthy; then the other node) under the same load: 5xx;
  5. the job worker killed in the middle of a rendition job: the job runs again and leaves exactly one full-size
     copy and one set of renditions, each a whole image;
  6. SeaweedFS stopped: an upload is a form error, pages still serve; started again: uploads work;
  7. throughput through HAProxy with both nodes, then with one (wrk, 64 connections).
"""

import http.client
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from scripts.cluster import Cluster

RESULTS = Path(__file__).resolve().parent / "results"
USERNAME, PASSWORD = "bench-picture-desk", f"bench-{uuid.uuid4().hex[:12]}-pass"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message):
    sys.stdout.write(f"[cluster] {message}\n")
    sys.stdout.flush()


class Browser:
    """An editor's browser talking to one address (a node or the balancer), keeping its own cookies."""

    def __init__(self, base_url, cookies=None):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = cookies if cookies is not None else {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {
            "Host": "127.0.0.1:8580", "X-Forwarded-Proto": "https", "Origin": "https://127.0.0.1:8580",
            "Referer": f"https://127.0.0.1:8580{path}", **(headers or {}),
        }  # fmt: skip
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, dict(response.getheaders()), data.decode("utf-8", "replace")

    def token(self, path):
        status, _headers, html = self.request("GET", path)
        found = TOKEN.search(html)
        if not found:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return found.group(1)

    def login(self):
        token = self.token("/admin/login/")
        body = f"csrfmiddlewaretoken={token}&username={USERNAME}&password={PASSWORD}&next=/admin/"
        status, headers, _ = self.request(
            "POST", "/admin/login/?next=/admin/", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        return status, headers.get("Location", "")

    def upload(self, data, title):
        token = self.token("/admin/articles/image/add/")
        boundary = uuid.uuid4().hex
        fields = {"csrfmiddlewaretoken": token, "title": title, "alt_text": "A photo from the bench",
                  "crop_anchor": "center", "caption": "", "credit": ""}  # fmt: skip
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]  # fmt: skip
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{title}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        started = time.perf_counter()
        status, _headers, html = self.request(
            "POST", "/admin/articles/image/add/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        return status, time.perf_counter() - started, html


def forty_megapixels():
    from PIL import Image

    picture = Image.effect_noise((912, 684), 60).convert("RGB").resize((7296, 5472), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def setup_django(cluster):
    os.environ.update(cluster.env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()


def load(base_url, seconds, readers=64, during=None):
    """bench.load readers through the balancer; `during(elapsed_fraction_callback)` runs meanwhile."""
    from bench import load as reader_load

    result = {}
    thread = threading.Thread(
        target=lambda: result.update(reader_load.run(base_url, readers=readers, duration=seconds)), daemon=True
    )
    thread.start()
    if during:
        during()
    thread.join()
    return result


def failures(summary):
    fivexx = sum(count for status, count in summary["statuses"].items() if int(status) >= 500)
    return fivexx, sum(summary["connection_errors"].values())


def wrk(url, seconds=20):
    output = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=False
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": float(rate.group(1)) if rate else None,
        "p99": p99.group(1) if p99 else None,
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
    }


def run(results):
    """Fills `results` step by step (what was measured survives a step that fails)."""
    seconds = float(os.environ.get("BENCH_CLUSTER_SECONDS", 60))
    steps = set(os.environ.get("BENCH_CLUSTER_STEPS", "1234567"))
    results |= {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_seconds": seconds}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    results.setdefault("runs", []).append({"date": results["date"], "commit": commit, "steps": "".join(sorted(steps))})
    cluster = Cluster()
    try:
        log("starting the cluster (first run: seeds the demo newsroom)")
        cluster.start(articles=int(os.environ.get("CLUSTER_ARTICLES", 60)))
        setup_django(cluster)
        from django.contrib.auth import get_user_model

        from articles.images import renditions_are_current
        from articles.models import Article, Image

        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(PASSWORD)
        user.save()

        # 1. A login on node A, used on node B.
        a = Browser(cluster.node_url("a"))
        status, location = a.login()
        b = Browser(cluster.node_url("b"), cookies=dict(a.cookies))
        b_status, _h, b_html = b.request("GET", "/admin/")
        results["login_a_then_b"] = {
            "login_status_on_a": status, "redirect": location, "admin_status_on_b": b_status,
            "logged_in_on_b": b_status == 200 and "Log out" in b_html,
        }  # fmt: skip
        log(f"1. login on A ({status} → {location}); node B admin: {b_status}")

        # 2. A 40-MP upload through node A, on node B's page.
        photo = forty_megapixels()
        article = Article.objects.published().first()
        if "2" in steps:
            results["upload_40mp"] = upload_40mp(cluster, a, b, photo, article, user)
            log(f"2. {results['upload_40mp']}")

        # 3. Readers while node A is killed and started again.
        def kill_and_restart():
            time.sleep(seconds * 0.25)
            cluster.stop_node("a", kill=True)
            log("3. node A killed")
            time.sleep(seconds * 0.25)
            cluster.start_node("a")
            log("3. node A back")

        if "3" in steps:
            summary = load(cluster.url, seconds, during=kill_and_restart)
            fivexx, errors = failures(summary)
            results["kill_node_a"] = {"requests": summary["requests"], "statuses": summary["statuses"],
                                  "connection_errors": summary["connection_errors"], "failed": fivexx + errors,
                                  "requests_per_second": summary["requests_per_second"]}  # fmt: skip
            log(f"3. {summary['requests']} requests, 5xx {fivexx}, connection errors {errors}")

        # 4. Rolling restart under load.
        def rolling():
            time.sleep(seconds * 0.15)
            for name in ("a", "b"):
                cluster.stop_node(name)
                cluster.start_node(name)
                time.sleep(3)  # HAProxy sees it healthy again (rise 2 × 1 s)
            log("4. rolling restart done")

        if "4" in steps:
            summary = load(cluster.url, seconds, during=rolling)
            fivexx, errors = failures(summary)
            results["rolling_restart"] = {"requests": summary["requests"], "statuses": summary["statuses"],
                                      "connection_errors": summary["connection_errors"], "fivexx": fivexx}  # fmt: skip
            log(f"4. {summary['requests']} requests, 5xx {fivexx}, connection errors {errors}")

        # 5. The worker killed in the middle of a rendition job.
        if "5" in steps:
            results["worker_killed"] = worker_killed(cluster, a, photo, Image, renditions_are_current)
            log(f"5. {results['worker_killed']}")

        # 6. Storage down.
        if "6" in steps:
            cluster.stop_storage()
            status, took, html = a.upload(small_photo(), "Bench while storage is down")
            pages = [
                Browser(cluster.url).request("GET", path)[0] for path in ("/", "/latest/", article.get_absolute_url())
            ]
            cluster.restart_storage()
            after_status, _t, _html = a.upload(small_photo(), "Bench after storage is back")
            results["storage_down"] = {
                "upload_status": status, "form_error_shown": "media storage is not answering" in html,
                "title_kept": 'value="Bench while storage is down"' in html, "upload_seconds": round(took, 2),
                "page_statuses": pages, "upload_after_restart_status": after_status,
            }  # fmt: skip
            log(f"6. {results['storage_down']}")

        # 7. Throughput: two nodes, one, two again (the machine's other work moves the figures).
        if "7" in steps:
            path = article.get_absolute_url()
            runs = {"two_nodes": [wrk(f"{cluster.url}{path}", 15)]}
            cluster.stop_node("b")
            time.sleep(3)
            runs["one_node"] = [wrk(f"{cluster.url}{path}", 15)]
            cluster.start_node("b")
            time.sleep(3)
            runs["two_nodes"].append(wrk(f"{cluster.url}{path}", 15))
            results["throughput"] = {**runs, "cpus": os.cpu_count(), "load_average": os.getloadavg()}
            log(f"7. {results['throughput']}")
    finally:
        cluster.stop()
    return results


def upload_40mp(cluster, a, b, photo, article, user):
    """Three uploads through node A (wall time, with the machine's load), one handled in this process (wall and
    CPU time: what the request itself costs, whatever else the machine does), then node B's page."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from articles.images import renditions_are_current
    from articles.models import Image

    through_node_a = []
    for number in range(3):
        load_before = os.getloadavg()[0]
        status, took, _html = a.upload(photo, f"Bench forty megapixels {number}")
        through_node_a.append({"status": status, "seconds": round(took, 3), "load_1min": round(load_before, 1)})
    client = Client()
    client.force_login(user)
    fields = {"title": "Bench in process", "alt_text": "A photo from the bench", "crop_anchor": "center"}
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(
        "/admin/articles/image/add/", {**fields, "file": SimpleUploadedFile("big.jpg", photo, "image/jpeg")},
        secure=True, HTTP_HOST="127.0.0.1",
    )  # fmt: skip
    in_process = {"status": response.status_code, "seconds": round(time.perf_counter() - started, 3),
                  "cpu_seconds": round(time.process_time() - cpu, 3)}  # fmt: skip
    image = Image.objects.filter(title="Bench forty megapixels 0").latest("pk")
    article.lead_image = image
    article.save()
    _s, _h, page = b.request("GET", article.get_absolute_url())
    shown = image.file.url in page
    file_status = http_status(image.file.url)
    started = time.monotonic()
    while time.monotonic() - started < 300:
        image.refresh_from_db()
        if not image.pending_source and renditions_are_current(image):
            break
        time.sleep(0.5)
    finished_after = time.monotonic() - started
    _s, _h, page_later = Browser(cluster.node_url("b")).request("GET", article.get_absolute_url())
    return {
        "bytes": len(photo), "through_node_a": through_node_a, "in_process": in_process,
        "quick_copy_size_on_return": [image.width, image.height] if image.pending_source else None,
        "node_b_page_shows_it": shown, "file_status_from_storage": file_status,
        "full_size_and_renditions_after_seconds": round(finished_after, 1),
        "final_size": [image.width, image.height], "renditions_current": renditions_are_current(image),
        "node_b_page_shows_renditions": "renditions/" + image.file.name in page_later,
    }  # fmt: skip


def small_photo():
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 50).convert("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()


def http_status(url):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path)
    status = connection.getresponse().status
    connection.close()
    return status


def worker_killed(cluster, browser, photo, Image, renditions_are_current):
    import django_rq

    queue = django_rq.get_queue("default")
    status, _took, _html = browser.upload(photo, "Bench worker killed")
    image = Image.objects.latest("pk")
    started = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not started:
        started = queue.started_job_registry.get_job_ids()
        time.sleep(0.05)
    time.sleep(0.5)  # in the middle of the job
    cluster.stop_worker(kill=True)
    killed_at = time.monotonic()
    image.refresh_from_db()
    pending_when_killed = bool(image.pending_source) or not renditions_are_current(image)
    cluster.start_worker()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        image.refresh_from_db()
        if not image.pending_source and renditions_are_current(image):
            break
        time.sleep(1)
    recovered_after = time.monotonic() - killed_at
    keys = cluster.seaweed.keys()
    stem = image.file.name.rsplit("/", 1)[-1].split("-full")[0].rsplit(".", 1)[0]
    folder = image.file.name.rsplit("/", 1)[0]
    copies = [key for key in keys if key.startswith(f"{folder}/{stem}")]
    renditions = {key for key in keys if key.startswith(f"renditions/{image.file.name}.")}
    from articles.images import rendition_names

    listed = rendition_names(image.renditions)
    whole = all(decodes(cluster, name) for name in listed)
    return {
        "upload_status": status, "job_was_running": bool(started), "unfinished_when_killed": pending_when_killed,
        "finished_after_kill_seconds": round(recovered_after, 1), "renditions_current": renditions_are_current(image),
        "copies_of_the_photo": copies, "renditions_stored": len(renditions), "renditions_listed": len(listed),
        "extra_or_missing_renditions": sorted(renditions ^ listed), "all_renditions_decode": whole,
    }  # fmt: skip


def decodes(cluster, name):
    from PIL import Image

    data = cluster.seaweed.client().get_object(Bucket=cluster.seaweed.bucket, Key=name)["Body"].read()
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
        return True
    except OSError:
        return False


def write(results):
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cluster.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    keys = ("upload_40mp", "kill_node_a", "rolling_restart", "worker_killed", "storage_down", "throughput")
    u, k, r, w, s, t = (results.get(key, {}) for key in keys)
    login = results.get("login_a_then_b", {})
    rows = [
        ("login on node A, then node B's admin",
         f"{login.get('admin_status_on_b')} (logged in: {login.get('logged_in_on_b')})"),
        (f"40-MP photo ({u.get('bytes', 0) / 1e6:.1f} MB) uploaded through node A",
         f"through node A: {u.get('through_node_a')}; the same request handled in the bench's own process: "
         f"{u.get('in_process')}; node B's page shows it: {u.get('node_b_page_shows_it')}; full size + renditions "
         f"after {u.get('full_size_and_renditions_after_seconds')} s"),
        (f"64 readers, {results['load_seconds']:.0f} s, node A killed and restarted",
         f"{k.get('requests')} requests, failed at the balancer: {k.get('failed')} (statuses {k.get('statuses')}, "
         f"errors {k.get('connection_errors')})"),
        ("rolling restart of both nodes under the same load",
         f"{r.get('requests')} requests, 5xx: {r.get('fivexx')} (statuses {r.get('statuses')})"),
        ("job worker killed mid-rendition",
         f"job running: {w.get('job_was_running')}; done again after {w.get('finished_after_kill_seconds')} s; "
         f"copies {w.get('copies_of_the_photo')}; renditions stored/listed {w.get('renditions_stored')}/"
         f"{w.get('renditions_listed')}, all decode: {w.get('all_renditions_decode')}"),
        ("SeaweedFS stopped",
         f"upload {s.get('upload_status')} with form error: {s.get('form_error_shown')} (title kept: "
         f"{s.get('title_kept')}); pages {s.get('page_statuses')}; after restart upload "
         f"{s.get('upload_after_restart_status')}"),
        ("throughput, article page through HAProxy (wrk -c64, 15 s each: two nodes, one, two again)",
         f"two nodes {t.get('two_nodes')}; one node {t.get('one_node')}; load average after: {t.get('load_average')}"),
    ]  # fmt: skip
    lines = [
        "# Cluster (BENCH_ONLY_CLUSTER=1)",
        "",
        f"Run {results['date']} by `BENCH_ONLY_CLUSTER=1 make bench` (bench/cluster.py) on `make cluster`'s "
        "arrangement: HAProxy → two gunicorn nodes (2 workers each), one job worker, SeaweedFS, PostgreSQL and Redis, "
        f"all on this machine ({os.cpu_count()} cores, shared with other work). Raw figures: cluster.json.",
        "",
        "Runs (steps numbered as in the table, 1-7 from the top): "
        + "; ".join(f"{run['date']} at {run['commit']}, steps {run['steps']}" for run in results.get("runs", []))
        + ". A later run's steps replace an earlier run's.",
        "",
        "| check | result |",
        "| --- | --- |",
        *(f"| {check} | {result} |" for check, result in rows),
        "",
        "What the throughput figure means: both nodes run on this machine's 2 cores, with PostgreSQL, Redis, HAProxy, "
        "SeaweedFS, the load generator and (while this ran) other tests and benchmarks, so a second node adds "
        "worker processes, not CPU. With 2 sync workers per node, one node leaves the CPU idle while its workers wait "
        "on Redis and PostgreSQL; four workers keep it busier, and on a shared machine more processes also win a "
        "larger share of the CPU from the other work. So the ratio here says that spreading requests over two nodes "
        "costs nothing and that one node's two workers are not enough to saturate the machine; it is not the gain a "
        "second machine would bring (that needs a second machine's cores).",
    ]
    (RESULTS / "cluster.md").write_text("\n".join(lines) + "\n")


def main():
    results = {}
    if os.environ.get("BENCH_CLUSTER_STEPS") and (RESULTS / "cluster.json").exists():
        results = json.loads((RESULTS / "cluster.json").read_text())  # a partial run updates its own steps
    try:
        run(results)
    finally:
        if results:
            write(results)
    log("written to bench/results/cluster.md")


if __name__ == "__main__":
    main()
