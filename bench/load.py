"""Requests per second with ``wrk`` (one thread, 8 connections), parsed from its report."""

from __future__ import annotations

import re
import shlex
import subprocess

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk_command(
    url: str,
    host: str | None,
    duration: str,
    connections: int = 8,
    headers: dict[str, str] | None = None,
) -> list[str]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency"]
    if host:
        cmd += ["-H", f"Host: {host}"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    return [*cmd, url]


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> dict[str, float | int]:
    """Requests/s, request count, latency (avg, p50, p90, p99 in ms) and error counts."""
    result: dict[str, float | int] = {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "latency_avg_ms": _ms(re.search(r"Latency\s+(\S+)", output).group(1)),
        "non_2xx_3xx": 0,
        "socket_errors": 0,
    }
    for pct in ("50", "90", "99"):
        match = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.MULTILINE)
        result[f"latency_p{pct}_ms"] = _ms(match.group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        result["non_2xx_3xx"] = int(non_2xx.group(1))
    errors = re.search(r"Socket errors: (.*)", output)
    if errors:
        result["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", errors.group(1)))
    return result


def run_wrk(
    url: str, host: str | None, duration: str, headers: dict[str, str] | None = None
) -> dict:
    """Run wrk against ``url`` (with ``Host: host`` and ``headers``); its parsed report plus
    the command."""
    cmd = wrk_command(url, host, duration, headers=headers)
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return {**parse_wrk(done.stdout), "command": shlex.join(cmd)}
