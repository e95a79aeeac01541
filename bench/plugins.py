"""What 50 installed plugins cost a process: start-up time and memory, 0 against 50.

    .venv/bin/python bench/plugins.py [--plugins 50] [--rounds 5]

Makes ``--plugins`` plugins with ``pleio plugin new`` (``bench_p01``, ...: each a module with
one content type, a start page and its nl/en catalogues) and pip-installs them, built as a
release would be, into one directory of a temporary dir (``--target``; the virtualenv is
left as it is). Then it starts the app in fresh processes, alternately without and with that
directory on ``PYTHONPATH``, ``--rounds`` times each, and reports the medians of:

* start-up: from the process's first line to ``make_wsgi_app()`` returning, imports
  included (a plugin's import is part of what it costs), no site files;
* VmRSS after start-up and VmHWM (the peak), from ``/proc/self/status``.

Both runs have the plugins every process here has (the four bundled modules and
``examples/pleio-faq``); the difference is the generated ones. Not part of ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pleio_core.cli.scaffold import write_plugin

CHILD = """
import time
started = time.perf_counter()
import json, sys
from pleio_core import make_configurator
from pleio_core.services import PLUGINS
config = make_configurator({
    "here": sys.argv[1], "pleio.site_configs": sys.argv[1] + "/site_configs",
    "pleio.platform_host": "localhost", "pleio.secret": "bench-" + "0" * 40,
})
app = config.make_wsgi_app()
startup = time.perf_counter() - started
memory = {}
with open("/proc/self/status") as status:
    for line in status:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            memory[key] = int(value.split()[0])
print(json.dumps({"startup_s": startup, "plugins": len(PLUGINS(app.registry).names()),
                  "rss_kb": memory["VmRSS"], "hwm_kb": memory["VmHWM"]}))
"""


def install_plugins(count: int, tmp: Path) -> tuple[Path, float]:
    projects = tmp / "projects"
    for n in range(1, count + 1):
        write_plugin(f"bench_p{n:02d}", projects / f"pleio-bench_p{n:02d}")
    target = tmp / "site-packages"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--target", str(target), *map(str, sorted(projects.iterdir()))],
        check=True, capture_output=True,
    )  # fmt: skip
    return target, time.perf_counter() - started


def start_once(tmp: Path, target: Path | None) -> dict:
    root = tmp / f"run-{time.monotonic_ns()}"
    (root / "site_configs").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if target is not None:
        env["PYTHONPATH"] = str(target)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)], env=env, cwd=tmp,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugins", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="pleio-bench-plugins-"))
    try:
        target, install_s = install_plugins(args.plugins, tmp)
        start_once(tmp, target)  # compiles the new packages' bytecode once, for both
        runs: dict[str, list[dict]] = {"without": [], "with": []}
        for _ in range(args.rounds):  # alternated, so drift on the machine hits both
            runs["without"].append(start_once(tmp, None))
            runs["with"].append(start_once(tmp, target))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{platform.python_version()}, {os.cpu_count()} cpus, load {os.getloadavg()[0]:.2f};"
          f" {args.plugins} plugins made and pip-installed in {install_s:.1f} s")  # fmt: skip
    print(f"{'':>24} {'plugins':>8} {'start-up ms':>12} {'VmRSS MiB':>10} {'VmHWM MiB':>10}")
    for label, name in (("without", "0 extra"), ("with", f"{args.plugins} extra")):
        rows = runs[label]
        print(
            f"{name:>24} {rows[0]['plugins']:>8}"
            f" {statistics.median(r['startup_s'] for r in rows) * 1000:>12.0f}"
            f" {statistics.median(r['rss_kb'] for r in rows) / 1024:>10.1f}"
            f" {statistics.median(r['hwm_kb'] for r in rows) / 1024:>10.1f}"
        )
    print(json.dumps(runs))


if __name__ == "__main__":
    main()
