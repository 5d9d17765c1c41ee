"""deploy/varnish/newsroom.vcl against a real Varnish, in front of a stub backend whose answers the tests choose.

Independent of the Django app: the stub plays the app's side of the contract (`xkey` keys, s-maxage,
Surrogate-Control for ESI) and counts what reaches it. Each test uses its own paths, so one Varnish serves
the whole module.
"""

import http.client
import re
import threading
import time
from collections import Counter
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts import varnishd
from scripts.varnishd import VarnishUnavailable, render_vcl, start_varnish
from tests.varnish import start_varnish_or_skip

CACHEABLE = "public, max-age=0, s-maxage=300"


class StubBackend:
    """Serves the pages set with `page()`, counts requests per path and keeps each path's last request headers."""

    def __init__(self):
        self.pages = {}
        self.hits = Counter()
        self.seen = {}
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with stub._lock:
                    stub.hits[self.path] += 1
                    stub.seen[self.path] = self.headers
                    status, headers, body = stub.pages.get(self.path, (404, {"Cache-Control": "no-store"}, "missing"))
                payload = body.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_HEAD = do_POST = answer

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path, body, *, status=200, **headers):
        """Serve `body` at `path`; header names are given with underscores (xkey="a:1", Cache_Control=...)."""
        with self._lock:
            self.pages[path] = (status, {name.replace("_", "-"): value for name, value in headers.items()}, body)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Client:
    def __init__(self, varnish):
        self.port = varnish.port

    def request(self, method, path, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            response.text = response.read().decode()
            return response
        finally:
            connection.close()

    def get(self, path, **headers):
        return self.request("GET", path, {name.replace("_", "-"): value for name, value in headers.items()})

    def purge(self, **headers):
        return self.request("PURGE", "/", {name.replace("_", "-"): value for name, value in headers.items()})


@pytest.fixture(scope="module")
def backend():
    stub = StubBackend()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def varnish(backend, tmp_path_factory):
    varnish = start_varnish_or_skip(backend_port=backend.port, workdir=tmp_path_factory.mktemp("varnish"))
    yield varnish
    varnish.stop()


@pytest.fixture
def client(varnish):
    return Client(varnish)


def test_a_cacheable_page_is_fetched_once_and_then_a_hit(backend, client):
    backend.page("/cached", "front page", Cache_Control=CACHEABLE, xkey="l:home")

    first = client.get("/cached")
    second = client.get("/cached")

    assert (first.status, first.text, first.getheader("X-Cache")) == (200, "front page", "MISS")
    assert (second.status, second.text, second.getheader("X-Cache")) == (200, "front page", "HIT")
    assert second.getheader("Age") is not None
    assert backend.hits["/cached"] == 1


def test_hard_purge_removes_exactly_the_pages_carrying_the_key(backend, client):
    backend.page("/hard/a", "article one", Cache_Control=CACHEABLE, xkey="a:101 l:home")
    backend.page("/hard/b", "article two", Cache_Control=CACHEABLE, xkey="a:102 l:home")
    client.get("/hard/a"), client.get("/hard/b")
    backend.page("/hard/a", "article one, taken down", Cache_Control=CACHEABLE, xkey="a:101 l:home")

    purge = client.purge(xkey_purge="a:101")
    after = client.get("/hard/a")
    other = client.get("/hard/b")

    assert (purge.status, purge.getheader("xkey-purged")) == (200, "1")
    # Never the old copy, not even once while the new one is fetched.
    assert (after.text, after.getheader("X-Cache")) == ("article one, taken down", "MISS")
    assert (other.text, other.getheader("X-Cache")) == ("article two", "HIT")
    assert backend.hits["/hard/a"] == 2
    assert backend.hits["/hard/b"] == 1


def test_a_purge_of_several_keys_counts_every_object(backend, client):
    for n in (1, 2, 3):
        backend.page(f"/many/{n}", "page", Cache_Control=CACHEABLE, xkey=f"a:20{n} s:9")
        client.get(f"/many/{n}")

    purge = client.purge(xkey_purge="a:201 a:202")
    section_purge = client.purge(xkey_purge="s:9")

    assert purge.getheader("xkey-purged") == "2"
    assert section_purge.getheader("xkey-purged") == "1"
    assert purge.text.strip() == "2 objects purged"


def test_soft_purge_serves_the_new_page_within_two_seconds(backend, client):
    # The backend allows a long stale-while-revalidate; the VCL caps grace at 2 s anyway.
    backend.page("/soft", "old", Cache_Control=CACHEABLE + ", stale-while-revalidate=60", xkey="a:301")
    client.get("/soft")
    backend.page("/soft", "new", Cache_Control=CACHEABLE, xkey="a:301")

    purge = client.purge(xkey_softpurge="a:301")
    purged_at = time.monotonic()
    bodies = []
    while time.monotonic() - purged_at < 2:
        bodies.append(client.get("/soft").text)
        if bodies[-1] == "new":
            break
        time.sleep(0.02)

    assert (purge.status, purge.getheader("xkey-purged")) == (200, "1")
    assert bodies[-1] == "new"
    assert set(bodies[:-1]) <= {"old"}
    assert backend.hits["/soft"] == 2


def test_a_soft_purged_page_is_not_served_stale_after_two_seconds(backend, client):
    backend.page("/soft/late", "old", Cache_Control=CACHEABLE + ", stale-while-revalidate=60", xkey="a:302")
    client.get("/soft/late")
    backend.page("/soft/late", "new", Cache_Control=CACHEABLE, xkey="a:302")

    client.purge(xkey_softpurge="a:302")
    time.sleep(2.2)
    response = client.get("/soft/late")

    assert (response.text, response.getheader("X-Cache")) == ("new", "MISS")


def test_a_purge_without_keys_is_refused_and_purges_nothing(backend, client):
    backend.page("/bare", "page", Cache_Control=CACHEABLE, xkey="a:401")
    client.get("/bare")

    purge = client.purge()

    assert purge.status == HTTPStatus.BAD_REQUEST
    assert client.get("/bare").getheader("X-Cache") == "HIT"


@pytest.mark.parametrize(
    "proxy_header",
    [{"X-Forwarded-For": "203.0.113.9"}, {"X-Forwarded-Proto": "https"}],
    ids=["forwarded-for", "forwarded-proto"],
)
def test_a_purge_that_came_through_a_proxy_is_refused(backend, client, proxy_header):
    # Loopback is the only address we may use, so "not in the ACL" is played by a request the TLS
    # terminator forwarded: it comes from 127.0.0.1 but carries the proxy's headers.
    path = "/proxied/" + next(iter(proxy_header))
    backend.page(path, "page", Cache_Control=CACHEABLE, xkey="a:501")
    client.get(path)

    purge = client.request("PURGE", "/", {"xkey-purge": "a:501", **proxy_header})

    assert purge.status == HTTPStatus.FORBIDDEN
    assert client.get(path).getheader("X-Cache") == "HIT"


def test_esi_fragments_are_assembled_and_cached_on_their_own(backend, client):
    backend.page(
        "/esi/page",
        '<main>before <esi:include src="/_esi/latest"/> after</main>',
        Cache_Control=CACHEABLE,
        Surrogate_Control='content="ESI/1.0"',
        xkey="a:601",
    )
    backend.page("/_esi/latest", "<aside>latest one</aside>", Cache_Control=CACHEABLE, xkey="latest-box")

    first = client.get("/esi/page")
    second = client.get("/esi/page")
    backend.page("/_esi/latest", "<aside>latest two</aside>", Cache_Control=CACHEABLE, xkey="latest-box")
    client.purge(xkey_purge="latest-box")
    third = client.get("/esi/page")

    assert first.text == "<main>before <aside>latest one</aside> after</main>"
    assert first.getheader("Surrogate-Control") is None
    assert backend.seen["/esi/page"]["Surrogate-Capability"] == 'varnish="ESI/1.0"'
    assert second.getheader("X-Cache") == "HIT"
    assert third.text == "<main>before <aside>latest two</aside> after</main>"
    assert backend.hits["/esi/page"] == 1
    assert backend.hits["/_esi/latest"] == 2


def test_a_page_without_surrogate_control_is_not_esi_processed(backend, client):
    body = '<main><esi:include src="/_esi/latest"/></main>'
    backend.page("/esi/off", body, Cache_Control=CACHEABLE)

    assert client.get("/esi/off").text == body


def test_requests_with_a_session_pass_with_their_cookies(backend, client):
    backend.page("/session", "page", Cache_Control=CACHEABLE)

    responses = [client.get("/session", Cookie="csrftoken=x; sessionid=abc") for _ in range(2)]

    assert [response.getheader("X-Cache") for response in responses] == ["MISS", "MISS"]
    assert backend.hits["/session"] == 2
    assert backend.seen["/session"]["Cookie"] == "csrftoken=x; sessionid=abc"


def test_other_cookies_are_dropped_and_the_page_is_shared(backend, client):
    backend.page("/cookies", "page", Cache_Control=CACHEABLE)

    client.get("/cookies", Cookie="csrftoken=x; _ga=1")
    response = client.get("/cookies", Cookie="csrftoken=y")

    assert response.getheader("X-Cache") == "HIT"
    assert backend.hits["/cookies"] == 1
    assert "Cookie" not in backend.seen["/cookies"]


@pytest.mark.parametrize("path", ["/admin/", "/admin/articles/article/", "/preview/12/", "/healthz"])
def test_admin_preview_and_health_are_never_cached(backend, client, path):
    backend.page(path, "page", Cache_Control=CACHEABLE)

    client.get(path), client.get(path)

    assert backend.hits[path] == 2


def test_posts_pass(backend, client):
    backend.page("/search/", "results", Cache_Control=CACHEABLE)

    client.request("POST", "/search/", {"Content-Length": "0"})
    client.request("POST", "/search/", {"Content-Length": "0"})

    assert backend.hits["/search/"] == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"Cache_Control": "private, max-age=300"},
        {"Cache_Control": "no-store"},
        {"Cache_Control": CACHEABLE, "Set_Cookie": "csrftoken=abc; Path=/"},
        {"Cache_Control": "private, max-age=300", "Surrogate_Control": 'content="ESI/1.0"'},
        {},
    ],
    ids=["private", "no-store", "set-cookie", "private-with-esi", "no-cache-control"],
)
def test_personal_and_unmarked_responses_are_not_cached(backend, client, headers):
    path = "/uncached/" + "-".join(sorted(headers)) + str(len(str(headers)))
    backend.page(path, "personal", xkey="a:701", **headers)

    client.get(path), client.get(path)

    assert backend.hits[path] == 2


def test_keys_are_hidden_from_readers_unless_a_local_client_asks(backend, client):
    backend.page("/keys", "page", Cache_Control=CACHEABLE, xkey="a:801 l:home")

    plain = client.get("/keys")
    debug = client.get("/keys", X_Cache_Debug="1")

    assert plain.getheader("xkey") is None
    assert debug.getheader("xkey") == "a:801 l:home"


def test_forwarded_proto_reaches_the_backend_and_splits_the_cache(backend, client):
    backend.page("/scheme", "page", Cache_Control=CACHEABLE)

    client.get("/scheme", X_Forwarded_Proto="https")
    forwarded = backend.seen["/scheme"].get("X-Forwarded-Proto")
    https = client.get("/scheme", X_Forwarded_Proto="https")
    http = client.get("/scheme")

    assert forwarded == "https"
    assert https.getheader("X-Cache") == "HIT"
    assert http.getheader("X-Cache") == "MISS"
    assert backend.hits["/scheme"] == 2


def test_varnish_factory_passes_the_admin_path_it_is_given(backend, varnish_factory):
    varnish = Client(varnish_factory(backend_port=backend.port, admin_path="staff/"))
    for path in ("/staff/login/", "/admin/elsewhere/"):
        backend.page(path, "page", Cache_Control=CACHEABLE)

    for _ in range(2):
        varnish.get("/staff/login/"), varnish.get("/admin/elsewhere/")

    assert backend.hits["/staff/login/"] == 2
    assert backend.hits["/admin/elsewhere/"] == 1


def test_the_launcher_substitutes_the_backend_and_the_admin_path():
    vcl = render_vcl(backend_port=8123, backend_host="127.0.0.1", admin_path="/newsroom-staff/")

    url_patterns = re.findall(r'req\.url ~ "([^"]*)"', vcl)
    assert any(re.match(pattern, "/newsroom-staff/articles/") for pattern in url_patterns)
    assert not any(re.match(pattern, "/admin/") for pattern in url_patterns)
    assert '.host = "127.0.0.1";' in vcl
    assert '.port = "8123";' in vcl


@pytest.mark.parametrize(
    ("mistake", "reason"),
    [("import xkey;", "the xkey vmod is missing"), ("sub vcl_recv {", "does not compile")],
    ids=["missing-vmod", "syntax-error"],
)
def test_a_vcl_that_does_not_load_raises_with_the_reason(varnish, tmp_path, monkeypatch, mistake, reason):
    # `varnish` only to skip where varnishd is missing. A vmod that does not exist stands for a missing xkey.
    broken = tmp_path / "broken.vcl"
    replacement = {"import xkey;": "import xkey_not_installed;", "sub vcl_recv {": "sub vcl_recv {{"}[mistake]
    broken.write_text(varnishd.VCL_PATH.read_text().replace(mistake, replacement, 1))
    monkeypatch.setattr(varnishd, "VCL_PATH", broken)

    with pytest.raises(VarnishUnavailable, match=reason):
        start_varnish(backend_port=9, workdir=tmp_path / "varnish")
