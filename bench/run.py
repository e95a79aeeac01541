"""Pleio's benchmarks in one run: throughput against hello world (anonymous and signed in),
sign-in latency, and 1,000 deelsites.

    .venv/bin/python bench/run.py [--duration 10s] [--rounds 2] [--sites 1000]
    .venv/bin/python bench/run.py --only signed-in

Prints a table and writes everything measured to bench/results/latest.json. What each
figure means is in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from provenance import environment
from report import figures, format_table
from scale import run_scale
from throughput import run_throughput

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="10s", help="wrk -d per target (default 10s)")
    parser.add_argument("--rounds", type=int, default=2, help="wrk runs per target (median)")
    parser.add_argument("--sites", type=int, default=1000, help="deelsites of the scale test")
    parser.add_argument("--startup-repeats", type=int, default=3, help="start-ups (median)")
    parser.add_argument("--reopen", type=int, default=200, help="closed sites to reopen")
    parser.add_argument("--sign-ins", type=int, default=20, help="timed sign-ins (median)")
    parser.add_argument(
        "--only",
        choices=("throughput", "signed-in", "scale"),
        help="run one part (throughput and signed-in both include hello world)",
    )
    parser.add_argument("--output", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    results: dict = {"environment": environment("bench/run.py", argv)}
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="pleio-bench-"))
    try:
        anonymous = args.only in (None, "throughput")
        signed_in = args.only in (None, "signed-in")
        if anonymous or signed_in:
            what = "throughput" if anonymous else "signed-in"
            print(f"{what}: wrk -t1 -c8 -d{args.duration} x {args.rounds} ...", flush=True)
            results["throughput"] = run_throughput(
                tmp / "throughput",
                args.duration,
                args.rounds,
                anonymous=anonymous,
                signed_in=signed_in,
                sign_ins=args.sign_ins,
            )
        if args.only in (None, "scale"):
            print(f"scale: {args.sites} deelsites ...", flush=True)
            results["scale"] = run_scale(
                tmp / "scale", tmp, args.sites, args.startup_repeats, args.reopen
            )
    except Exception:
        print(f"failed; server logs are in {tmp}", file=sys.stderr)
        raise
    else:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    with Path("/proc/loadavg").open() as f:
        results["environment"]["loadavg_after"] = f.read().split()[:3]
    results["environment"]["elapsed_s"] = time.perf_counter() - started
    results["figures"] = figures(results)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(format_table(results))
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
