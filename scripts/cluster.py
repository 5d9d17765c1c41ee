"""`make cluster`: on one machine, what a multi-server Newsroom runs (docs/cluster.md has the diagram).

    HAProxy :8580 ──► gunicorn node A :8581 ─┐
        (health-checks /healthz)             ├──► PostgreSQL (shared)   Redis (cache, sessions' locks, jobs)
                  └─► gunicorn node B :8582 ─┘    SeaweedFS S3 :8590 (every file)
    RQ job worker (renditions, purges, deletions) ──► the same PostgreSQL, Redis and SeaweedFS

Nodes keep nothing of their own: sessions live in PostgreSQL, messages in cookies, caches and locks in Redis,
files in SeaweedFS, and every node reads the same SECRET_KEY (var/cluster/secret_key, made on the first run).
`Cluster` is also what bench/cluster.py drives (kill a node, restart it, stop the storage…).

Environment: CLUSTER_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/newsroom_cluster), CLUSTER_REDIS_URL
(default redis://127.0.0.1:6379/12), CLUSTER_PORT (8580; the nodes take the next two, SeaweedFS 8590-8594),
CLUSTER_ARTICLES (demo articles on the first run, 300), CLUSTER_WORKERS (gunicorn workers per node, 2).
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from scripts.seaweedfs import SeaweedUnavailable, start_seaweedfs  # noqa: E402

VAR = BASE_DIR / "var" / "cluster"
PYTHON = sys.executable
HAPROXY_CONFIG = """\
global
    log stderr format short local0 info
    maxconn 4096

defaults
    mode http
    log global
    option httplog
    option dontlognull
    # Only requests that went wrong are logged (with HAProxy's termination flags), plus the servers' ups and downs.
    option dontlog-normal
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # Requests wait for a free worker rather than getting a 503 (one node alone, under load).
    timeout queue 30s
    # A node that dies mid-request, or refuses the connection while it restarts: the request goes to the other
    # node (readers' GETs are safe to send twice; HAProxy sends nothing twice once a response has started).
    retries 3
    retry-on all-retryable-errors
    option redispatch 1
    http-reuse safe

frontend newsroom
    bind 127.0.0.1:{port}
    # The cluster stands in for a TLS-terminating balancer: Django sees HTTPS (secure cookies, no redirect).
    http-request set-header X-Forwarded-Proto https
    option forwardfor
    default_backend nodes

backend nodes
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    # A node gets a few requests per worker at once; the rest wait here, so the node's own backlog stays short
    # and its health check is answered within `timeout check` even under load. A refused or dropped connection
    # takes the node out at once (observe layer4), so the retries of the requests it failed go to the other one
    # instead of to the free-looking dead node.
    timeout check 3s
    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2 maxconn {maxconn}
{servers}
"""


def haproxy_binary():
    return shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


def ensure_haproxy():
    if haproxy_binary():
        return haproxy_binary()
    sys.stdout.write("== installing HAProxy from Debian's packages\n")
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=False,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})  # fmt: skip
    if not haproxy_binary():
        sys.exit("HAProxy is not installed and could not be installed (apt-get install haproxy).")
    return haproxy_binary()


def wait_for(url, timeout=60, expect=200):
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == expect:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


class Cluster:
    def __init__(self, *, port=None, database_url=None, redis_url=None, workers=None, var=VAR):
        self.port = int(port or os.environ.get("CLUSTER_PORT", 8580))
        self.node_ports = {"a": self.port + 1, "b": self.port + 2}
        self.database_url = database_url or os.environ.get(
            "CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_cluster"
        )
        self.redis_url = redis_url or os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/12")
        self.workers = int(workers or os.environ.get("CLUSTER_WORKERS", 2))
        self.var = Path(var)
        self.var.mkdir(parents=True, exist_ok=True)
        self.processes = {}
        self.seaweed = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def node_url(self, name):
        return f"http://127.0.0.1:{self.node_ports[name]}"

    def secret_key(self):
        path = self.var / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()

    def env(self):
        """The environment every node, the worker and the management commands share."""
        origins = f"http://127.0.0.1:{self.port},http://localhost:{self.port},https://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": self.secret_key(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": origins,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "TRUSTED_PROXY_COUNT": "1",
            "SECURE_HSTS_SECONDS": "0",
            # Plain http on this machine: browsers must not ask for https copies of the pages' files.
            "CSP_UPGRADE_INSECURE_REQUESTS": "0",
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_WORKERS": str(self.workers),
            "GUNICORN_LOGLEVEL": "warning",
            "PYTHONUNBUFFERED": "1",
        }
        if self.seaweed:
            env |= self.seaweed.settings_env()
        return env

    def manage(self, *args, env=None, check=True):
        return subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env or self.env(), check=check)

    def _spawn(self, name, command, env=None):
        log = open(self.var / f"{name}.log", "ab")  # handed to the child process
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env or self.env(), stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        log.close()
        self.processes[name] = process
        return process

    # The parts ------------------------------------------------------------------------------------------------

    def start_storage(self):
        try:
            self.seaweed = start_seaweedfs(workdir=self.var / "seaweedfs", bucket="newsroom", port=self.port + 10)
        except SeaweedUnavailable as error:
            sys.exit(f"SeaweedFS could not start: {error}")
        self.processes["seaweedfs"] = self.seaweed.process

    def stop_storage(self):
        if self.seaweed:
            self.seaweed.stop()

    def restart_storage(self):
        self.start_storage()

    def prepare_database(self, articles):
        import psycopg
        from dj_database_url import parse

        config = parse(self.database_url)
        admin = {
            "host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432,
            "user": config["USER"] or "postgres",
            "password": config["PASSWORD"] or None, "dbname": "postgres",
        }  # fmt: skip
        with psycopg.connect(**admin, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage("media_bucket")
        self.manage("seed_demo", "--articles", str(articles))

    def start_node(self, name, wait=True):
        env = self.env() | {"GUNICORN_BIND": f"127.0.0.1:{self.node_ports[name]}"}
        self._spawn(f"node-{name}", [PYTHON, "-m", "gunicorn", "--config", "newsroom/gunicorn.conf.py",
                                     "newsroom.wsgi"], env=env)  # fmt: skip
        if wait and not wait_for(f"{self.node_url(name)}/healthz"):
            raise RuntimeError(f"node {name} did not become healthy (see {self.var}/node-{name}.log)")

    def stop_node(self, name, *, kill=False):
        process = self.processes.get(f"node-{name}")
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
            process.wait(timeout=60)

    def start_worker(self):
        self._spawn("worker", [PYTHON, "manage.py", "jobs_worker", "--name", f"cluster-{time.time_ns()}"])

    def stop_worker(self, *, kill=False):
        process = self.processes.get("worker")
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
            process.wait(timeout=60)

    def start_balancer(self):
        servers = "\n".join(
            f"    server node-{name} 127.0.0.1:{port} check observe layer4 error-limit 1 on-error mark-down"
            for name, port in self.node_ports.items()
        )
        config = self.var / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=self.port, servers=servers, maxconn=self.workers * 8))
        self._spawn("haproxy", [ensure_haproxy(), "-W", "-db", "-f", str(config)])
        if not wait_for(f"{self.url}/healthz"):
            raise RuntimeError(f"HAProxy did not answer (see {self.var}/haproxy.log)")

    def start(self, *, articles=300):
        self.start_storage()
        self.prepare_database(articles)
        for name in self.node_ports:
            self.start_node(name)
        self.start_worker()
        self.start_balancer()

    def stop(self):
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(process.pid, signal.SIGKILL)


def main():
    cluster = Cluster()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        cluster.start(articles=int(os.environ.get("CLUSTER_ARTICLES", 300)))
        env = cluster.env() | {"DEBUG": "1"}  # demo logins exist only where DEBUG allows them
        cluster.manage("demo_accounts", "--print", env=env, check=False)
        sys.stdout.write(
            f"\nNewsroom cluster: open {cluster.url}/  (admin: {cluster.url}/admin/)\n"
            f"  load balancer HAProxy {cluster.url} → node A {cluster.node_url('a')}, node B {cluster.node_url('b')}\n"
            f"  job worker: rqworker (log {cluster.var}/worker.log); SeaweedFS S3 {cluster.seaweed.endpoint}\n"
            f"  PostgreSQL {cluster.database_url}, Redis {cluster.redis_url}; logs in {cluster.var}/\n"
            "Ctrl+C stops everything.\n"
        )
        sys.stdout.flush()
        while all(process.poll() is None for process in cluster.processes.values()):
            time.sleep(1)
        stopped = [name for name, process in cluster.processes.items() if process.poll() is not None]
        sys.stdout.write(f"Stopped unexpectedly: {', '.join(stopped)} (see {cluster.var}/*.log)\n")
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
