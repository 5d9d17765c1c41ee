import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    """manage.py in a clean environment. Variables given here win over a developer's .env file."""
    return run_python("manage.py", *args, **env)


def run_python(*args, **env):
    """The project's Python in a clean environment, from the project root."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
