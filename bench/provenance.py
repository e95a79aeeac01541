"""What a bench result records of the run that made it: when, by which command, on which
commit, with how busy a machine."""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip()


def loadavg() -> list[str]:
    with Path("/proc/loadavg").open() as f:
        return f.read().split()[:3]


def environment(script: str, argv: list[str]) -> dict:
    """The run of ``script`` (``bench/run.py``) with ``argv``, as it starts."""
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": shlex.join([os.path.relpath(sys.executable, REPO), script, *argv]),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": git("status", "--porcelain", "pleio_core", "plugins") != "",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": loadavg(),
    }
