"""The renderer: one process per app server that renders stale pages again, at a lower CPU priority.

After an edit or a publication, one worker re-renders each stale page while readers get the previous copy
(articles/cache.py). Rendered in a thread of the serving worker, a 30 ms listing halves that worker's speed for
its duration (the two threads take turns holding the GIL), and readers queued behind it wait: that was the p99
of the news-day benchmark's publishing phase. Here the gunicorn master starts this process before it forks its
workers (`on_starting` in newsroom/gunicorn.conf.py); each worker inherits the write end of a pipe and sends it
jobs, a few hundred bytes each, so a worker never waits for a render. The process runs `nice`
(`PAGE_CACHE_RENDER_NICE`), so the operating system gives serving workers the CPU first.

It also keeps out of readers' way in time. A change brings its own burst of work (the commit, every worker
learning of it, readers' first requests for a new page), so the renderer starts each job
`PAGE_CACHE_RENDER_DELAY_MS` after it was asked for, not at once; and after each render it rests for
`PAGE_CACHE_RENDER_REST_PERCENT` of the CPU time the render took, so a publication's few listings are rendered
again over a few hundred milliseconds instead of all at once. Readers get the previous copies meanwhile, at the
cost of a fresh hit (articles/cache.py, `_stale_while_rendered`). A job older than the render lock
(`PAGE_CACHE_STALE_SECONDS`) is dropped: its lock has run out, so the next reader asks for it again.

Where there is no renderer (runserver, tests, a full pipe, a dead renderer) the job runs in the worker's
background thread, as before. `python -m articles.renderer` is the process itself: it reads jobs on stdin
until the master goes away.
"""

import logging
import os
import pickle
import struct
import subprocess
import sys
import time
from pathlib import Path

logger = logging.getLogger("newsroom.cache")

HEADER = struct.Struct("!I")
# A write of at most PIPE_BUF bytes to a pipe is atomic: jobs from several workers never interleave, and a
# full pipe refuses the whole job (the worker renders it itself) rather than taking half of it.
MAX_JOB = 4096
# What a render needs of the reader's request: where it went and how it asked (host, scheme, ESI).
_ENVIRON = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT",
            "SERVER_PROTOCOL", "REMOTE_ADDR", "wsgi.url_scheme")  # fmt: skip

_pipe = None  # the write end, in the master and (inherited) in every worker
_process = None  # in the master


def start(env=None):
    """Start the renderer and keep the pipe's write end for the workers this process forks. True when started.

    `env`: the renderer's environment (default: this process's), e.g. a test's database and cache.
    """
    global _pipe, _process
    read_end, write_end = os.pipe()
    try:
        _process = subprocess.Popen(
            [sys.executable, "-m", "articles.renderer"],
            stdin=read_end,
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
        )
    except OSError:
        logger.exception("The renderer could not start; stale pages are rendered again in the workers")
        os.close(write_end)
        return False
    finally:
        os.close(read_end)
    os.set_blocking(write_end, False)
    _pipe = write_end
    return True


def stop():
    """Close the pipe (the renderer ends when every worker has closed it too) and wait for the process."""
    global _pipe, _process
    if _pipe is not None:
        os.close(_pipe)
        _pipe = None
    if _process is not None:
        try:
            _process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _process.kill()
        _process = None


def running():
    return _pipe is not None


def submit(job, *args):
    """Hand `job` (a name in JOBS) to the renderer; False when it cannot take it (run it here instead)."""
    if _pipe is None:
        return False
    try:
        # With the moment it was asked for (CLOCK_MONOTONIC is the same in every process of the machine).
        data = pickle.dumps((job, args, time.monotonic()), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    frame = HEADER.pack(len(data)) + data
    if len(frame) > MAX_JOB:
        return False
    try:
        return os.write(_pipe, frame) == len(frame)
    except (BlockingIOError, BrokenPipeError, OSError):
        return False  # the renderer is behind (a full pipe) or gone


def request_environ(meta):
    """The parts of a reader's request a render needs: its address and its headers, but no cookies."""
    environ = {name: meta[name] for name in _ENVIRON if name in meta}
    environ.update(
        (name, value) for name, value in meta.items()
        if name.startswith("HTTP_") and name != "HTTP_COOKIE" and isinstance(value, str)
    )  # fmt: skip
    return environ


def _jobs():
    from . import cache

    return {"page": cache.refresh_page, "fragment": cache.refresh_fragment}


def _read_exactly(stream, size):
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.conf import settings

    os.nice(settings.PAGE_CACHE_RENDER_NICE)
    from . import cache

    cache.KEEP_CONNECTIONS = True

    jobs = _jobs()
    stream = sys.stdin.buffer
    while (header := _read_exactly(stream, HEADER.size)) is not None:
        data = _read_exactly(stream, HEADER.unpack(header)[0])
        if data is None:
            break
        job, args, asked_at = pickle.loads(data)  # from the workers of this app server only (an inherited pipe)
        if time.monotonic() - asked_at > settings.PAGE_CACHE_STALE_SECONDS:
            continue  # its render lock has run out: the next reader of that page asks again
        time.sleep(max(0.0, asked_at + settings.PAGE_CACHE_RENDER_DELAY_MS / 1000 - time.monotonic()))
        started = time.process_time()
        try:
            cache.sync_changes()
            jobs[job](*args)
        except Exception:  # one bad job must not stop the renderer
            logger.exception("The renderer could not run a %s job", job)
        time.sleep((time.process_time() - started) * settings.PAGE_CACHE_RENDER_REST_PERCENT / 100)


if __name__ == "__main__":
    main()
