"""Start a throw-away Varnish with deploy/varnish/newsroom.vcl in front of a backend (tests, benchmark).

    from scripts.varnishd import start_varnish

    with start_varnish(backend_port=8000, workdir=tmp_path) as varnish:
        requests.get(varnish.url + "/")

The VCL is copied with the backend's host and port (and the admin path) substituted, into a temporary directory
the `varnish` user can read (varnishd started as root reads its VCL after dropping privileges, and pytest's
tmp_path is private to root). varnishd runs in the foreground (`-F`) in its own process group, listens on
127.0.0.1 only, and is stopped by `stop()`, by leaving the `with` block, or at interpreter exit at the latest.
(A SIGKILLed caller leaves it running: PR_SET_PDEATHSIG would not survive varnishd's switch to its jail user.)
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

VCL_PATH = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "newsroom.vcl"
LOOPBACK = "127.0.0.1"
# Debian installs varnishd in /usr/sbin, which is not on every user's PATH.
_SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")
_BACKEND_RE = re.compile(r'(backend default \{.*?\.host = )"[^"]*"(;.*?\.port = )"[^"]*"(;)', re.DOTALL)
_ADMIN_RE = re.compile(r'req\.url ~ "\^/admin/"')
_running: set[Varnish] = set()


class VarnishUnavailable(RuntimeError):
    """varnishd is missing, the xkey vmod is missing, the VCL does not compile or varnishd did not start."""


class Varnish:
    def __init__(self, process: subprocess.Popen, *, port: int, workdir: Path, vcl_path: Path, log_path: Path):
        self.process = process
        self.port = port
        self.url = f"http://{LOOPBACK}:{port}"
        self.workdir = workdir
        self.vcl_path = vcl_path
        self.log_path = log_path

    def __repr__(self):
        return f"<Varnish {self.url} pid={self.process.pid}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def log(self) -> str:
        """What varnishd wrote on stdout and stderr."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 10) -> None:
        """Stop the manager and its cache child; idempotent."""
        _running.discard(self)
        if self.process.poll() is None:
            # SIGTERM lets the manager stop its child cleanly; the group kill catches anything left.
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.vcl_path.parent, ignore_errors=True)


def find_varnishd() -> str | None:
    return shutil.which("varnishd") or shutil.which("varnishd", path=os.pathsep.join(_SBIN_DIRS))


def render_vcl(*, backend_port: int, backend_host: str = LOOPBACK, admin_path: str = "admin/") -> str:
    """newsroom.vcl with `backend default` pointing at backend_host:backend_port and the admin path replaced."""
    source = VCL_PATH.read_text()
    source, found = _BACKEND_RE.subn(rf'\g<1>"{backend_host}"\g<2>"{int(backend_port)}"\g<3>', source, count=1)
    if not found:
        raise VarnishUnavailable(f"{VCL_PATH}: no `backend default {{ .host = ...; .port = ...; }}` to substitute")
    admin = re.escape(admin_path.strip("/") + "/").replace("\\", "\\\\")
    source, found = _ADMIN_RE.subn(f'req.url ~ "^/{admin}"', source, count=1)
    if not found:
        raise VarnishUnavailable(f'{VCL_PATH}: no `req.url ~ "^/admin/"` to substitute')
    return source


def _write_vcl(source: str) -> Path:
    """Write the VCL where varnishd's unprivileged user can read it; the caller removes the directory."""
    directory = Path(tempfile.mkdtemp(prefix="newsroom-vcl-"))
    directory.chmod(0o755)
    vcl_path = directory / "newsroom.vcl"
    vcl_path.write_text(source)
    vcl_path.chmod(0o644)
    return vcl_path


def _explain(message: str, vcl_path: Path) -> str:
    if "xkey" in message and ("Could not find VMOD" in message or "Could not open VMOD" in message):
        return f"the xkey vmod is missing (install Debian's varnish-modules): {message}"
    if "VCL compilation failed" in message or "Cannot read -f file" in message:
        return f"{vcl_path} does not compile: {message}"
    return message


def _compile_error(varnishd: str, vcl_path: Path, instance_dir: Path) -> str | None:
    """None when the VCL compiles (`varnishd -C`), else the reason."""
    result = subprocess.run(
        [varnishd, "-C", "-n", str(instance_dir), "-f", str(vcl_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode == 0:
        return None
    return _explain(result.stderr.strip() or result.stdout.strip()[-2000:], vcl_path)


@functools.cache
def varnish_available() -> tuple[bool, str]:
    """(True, version) when varnishd is installed and newsroom.vcl compiles with the xkey vmod, else (False, why)."""
    varnishd = find_varnishd()
    if varnishd is None:
        return False, "varnishd is not installed (apt-get install varnish varnish-modules)"
    version = subprocess.run([varnishd, "-V"], capture_output=True, text=True).stderr.splitlines()[:1]
    vcl_path = _write_vcl(render_vcl(backend_port=8000))
    try:
        error = _compile_error(varnishd, vcl_path, vcl_path.parent / "instance")
    finally:
        shutil.rmtree(vcl_path.parent, ignore_errors=True)
    if error:
        return False, error
    return True, version[0] if version else varnishd


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), timeout=0.2):
        return True
    return False


def _child_running(varnishd: str, instance_dir: Path) -> bool:
    varnishadm = shutil.which("varnishadm", path=os.pathsep.join([str(Path(varnishd).parent), os.defpath]))
    if varnishadm is None:
        return True  # the open port has to do
    result = subprocess.run(
        [varnishadm, "-n", str(instance_dir), "-t", "2", "status"], capture_output=True, text=True, timeout=5
    )
    return "running" in result.stdout


def start_varnish(
    *,
    backend_port: int,
    backend_host: str = LOOPBACK,
    port: int | None = None,
    workdir: str | os.PathLike,
    admin_path: str = "admin/",
    storage: str = "malloc,64m",
    timeout: float = 30,
) -> Varnish:
    """Start varnishd on 127.0.0.1:`port` (a free one when None) in front of backend_host:backend_port.

    Raises VarnishUnavailable, with the reason, when varnishd or the xkey vmod is missing, the VCL does not
    compile or varnishd does not answer within `timeout` seconds.
    """
    varnishd = find_varnishd()
    if varnishd is None:
        raise VarnishUnavailable("varnishd is not installed (apt-get install varnish varnish-modules)")
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    instance_dir = workdir / "instance"
    source = render_vcl(backend_port=backend_port, backend_host=backend_host, admin_path=admin_path)

    # A free port found by binding port 0 can be taken by someone else before varnishd binds it: retry.
    attempts = 1 if port is not None else 3
    for attempt in range(attempts):
        vcl_path = _write_vcl(source)  # stop() removes it
        listen_port = port if port is not None else _free_port()
        log_path = workdir / "varnishd.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    varnishd,
                    "-F",
                    "-n", str(instance_dir),
                    "-a", f"{LOOPBACK}:{listen_port}",
                    "-T", f"{LOOPBACK}:0",
                    "-f", str(vcl_path),
                    "-s", storage,
                    # Fragments and JSON/text pages need not start with "<" to be ESI-processed.
                    "-p", "feature=+esi_disable_xml_check",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        varnish = Varnish(process, port=listen_port, workdir=workdir, vcl_path=vcl_path, log_path=log_path)
        _running.add(varnish)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(listen_port) and _child_running(varnishd, instance_dir):
                return varnish
            time.sleep(0.05)
        log_text = varnish.log()
        varnish.stop()
        port_taken = "Address already in use" in log_text or "Could not get socket" in log_text
        if port_taken and attempt + 1 < attempts:
            continue
        reason = "exited" if process.returncode is not None else f"did not answer within {timeout:g} s"
        explained = _explain(log_text.strip()[-2000:], vcl_path)
        raise VarnishUnavailable(f"varnishd {reason} (port {listen_port}): {explained}")
    raise AssertionError("unreachable")


@atexit.register
def _stop_all() -> None:
    for varnish in list(_running):
        varnish.stop()
