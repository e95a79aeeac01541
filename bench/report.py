"""The summary of a run: named figures with their targets, and the printed table."""

from __future__ import annotations

from typing import Any

LOAD_ROWS = (
    ("hello", "hello world /, req/s"),
    ("home", "deelsite home /, req/s (page cache)"),
    ("wiki", "deelsite /wiki/, req/s (page cache)"),
    ("content", "wiki page, 1,000 words + 10 comments, req/s (page cache)"),
    ("home_nocache", "deelsite home /, req/s (no page cache)"),
    ("wiki_nocache", "deelsite /wiki/, req/s (no page cache)"),
    ("content_nocache", "wiki page, 1,000 words + 10 comments, req/s (no page cache)"),
    ("home_signedin", "deelsite home /, req/s (signed in, member)"),
)
#: ratio targets: the cached home and content page for anonymous visitors, the home page for
#: members
RATIO_TARGETS = {"home": 0.5, "content": 0.5, "home_signedin": 0.2}


def _row(name: str, value: float, unit: str, target: str = "", ok: bool | None = None) -> dict:
    return {"figure": name, "value": value, "unit": unit, "target": target, "ok": ok}


def throughput_figures(load: dict) -> list[dict]:
    rows = []
    for key, label in LOAD_ROWS:
        target = load["targets"].get(key)
        if target is None:  # not measured in this run (--only)
            continue
        if target["errors"]:
            label += f" ({target['errors']} ERRORS)"
        rows.append(_row(label, target["requests_per_s"], "req/s"))
        ratio = target["ratio_to_hello"]
        if key in RATIO_TARGETS:
            goal = RATIO_TARGETS[key]
            rows.append(_row("  ratio to hello world", ratio, "", f">= {goal}", ratio >= goal))
        elif key != "hello":
            rows.append(_row("  ratio to hello world", ratio, ""))
    memory, startup = load["memory_kb"], load["startup"]
    rows += [
        _row("hello world process RSS after load", memory["hello"]["VmRSS"] / 1024, "MB"),
        _row("Pleio (1 site) process RSS after load", memory["pleio"]["VmRSS"] / 1024, "MB"),
        _row("Pleio (1 site) start-up (build)", startup["pleio"]["build_s"], "s"),
    ]
    if "signin" in load:
        rows += signin_figures(load["signin"])
    return rows


def signin_figures(signin: dict) -> list[dict]:
    post, verify = signin["post_login"], signin["argon2_verify"]
    p = signin["argon2_parameters"]
    params = f"t={p['time_cost']}, m={p['memory_cost_kib'] // 1024} MiB, p={p['parallelism']}"
    return [
        _row(f"sign-in POST /login to its 303, median of {post['count']}", post["median_ms"], "ms"),
        _row("  p90", post["p90_ms"], "ms"),
        _row(f"Argon2id verify alone ({params}), median", verify["median_ms"], "ms"),
        _row("  p90", verify["p90_ms"], "ms"),
        _row("the rest of the sign-in (difference of the medians)", signin["rest_median_ms"], "ms"),
        _row("  median of the per-sign-in differences", signin["rest_paired_median_ms"], "ms"),
    ]


def scale_figures(scale: dict, hello_rss_kb: int | None) -> list[dict]:
    n = scale["sites"]
    build = scale["startup"]["build_s"]
    rss = scale["memory_after_cold_kb"]["VmRSS"] / 1024
    cold = scale["cold"]
    rows = [
        _row(f"start-up with {n} site files (build)", build, "s", "<= 3", build <= 3),
        _row("  start-up, interpreter to listening socket", scale["startup"]["ready_s"], "s"),
        _row(f"RSS after 1 request to each of {n} sites", rss, "MB", "<= 400", rss <= 400),
        _row("  peak RSS (VmHWM)", scale["memory_after_cold_kb"]["VmHWM"] / 1024, "MB"),
    ]
    if hello_rss_kb:
        rows.append(_row("  ratio to hello world RSS", rss * 1024 / hello_rss_kb, ""))
    rows += [
        _row(
            "first request to a cold site, median",
            cold["median_ms"],
            "ms",
            "<= 50",
            cold["median_ms"] <= 50,
        ),
        _row("  p90", cold["p90_ms"], "ms"),
        _row("  max", cold["max_ms"], "ms"),
        _row("  the process's first request (compiles templates)", cold["first_ms"], "ms"),
    ]
    if "reopen" in scale:
        reopen = scale["reopen"]
        rows += [
            _row("request to a site closed by the LRU, median", reopen["median_ms"], "ms"),
            _row("  p90", reopen["p90_ms"], "ms"),
        ]
    return rows


def figures(results: dict) -> list[dict]:
    rows: list[dict] = []
    hello_rss = None
    if "throughput" in results:
        rows += throughput_figures(results["throughput"])
        hello_rss = results["throughput"]["memory_kb"]["hello"]["VmRSS"]
    if "scale" in results:
        rows += scale_figures(results["scale"], hello_rss)
    return rows


def _value(value: Any, unit: str) -> str:
    if unit == "req/s":
        return f"{value:,.0f} req/s"
    if unit == "":
        return f"{value:.2f}"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.1f} {unit}"


def format_table(results: dict) -> str:
    rows = results["figures"]
    env = results["environment"]
    width = max(len(r["figure"]) for r in rows)
    lines = [
        f"{env['date']}  {env['command']}  (commit {env['git_commit']}, "
        f"{env['cpus']} CPUs, load {' '.join(env['loadavg_before'])})",
        "",
        f"{'figure'.ljust(width)}  {'value':>14}  {'target':>8}",
        f"{'-' * width}  {'-' * 14}  {'-' * 8}",
    ]
    for r in rows:
        mark = {True: "  ok", False: "  MISSED", None: ""}[r["ok"]]
        value = _value(r["value"], r["unit"])
        lines.append(f"{r['figure'].ljust(width)}  {value:>14}  {r['target']:>8}{mark}")
    return "\n".join(lines)
