"""The intranet at the size of a large organisation: 10,000 items and 1,000 members.

    .venv/bin/python bench/intranet.py [--items 10000] [--members 1000] [--duration 10s]
                                       [--page-kinds]

One deelsite with the four modules, filled before the servers start (as ``sites.
add_content_page`` fills one: the content types' factories and ``ContentAdded``, so the
catalog indexes everything) with ``--items`` items of the intranet's types (news, blog
posts, status updates) and wiki pages, spread over ``--members`` members, each item with
its activity entry. Its files are then copied, so that a second server can serve the same
site without its page cache.

wrk loads, interleaved for ``--rounds`` rounds: a bare Pyramid hello world, the home page
for an anonymous visitor (page cache on and off) and for a signed-in member (made with the
``pleio`` command and signed in over HTTP, as ``throughput.py`` does). Then ``pleio digest
--frequency daily`` runs for the members (each with notifications waiting), timed, with its
peak RSS; and once more, to show that it sends nothing twice.

Prints the figures and writes them to bench/results/intranet.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from load import run_wrk
from servers import Server, warm_up
from signedin import browser_cookie, check_signed_in_page, create_member
from sites import BENCH_HOST, add_members, write_ini, write_site

from pleio_core.services import CONTENT_TYPES

HERE = Path(__file__).resolve().parent
#: (content type, folder) of what the site is filled with, in turn; those not registered
#: (a module not installed) are left out.
KINDS = (("news", "intranet"), ("blog", "intranet"), ("status", "intranet"), ("page", "wiki"))
CHUNK = 1000  # items per transaction while filling
WORDS = "overheid samenwerken informatie archief beleid burger gemeente project".split()


def fill(root: Path, site: str, items: int, members: int) -> dict[str, int]:
    """Make ``members`` accounts, members of ``site``, and ``items`` items by them; the
    count of each kind made."""
    from pleio_core.cli.context import load_platform
    from pleio_core.content import ContentAdded
    from pleio_core.content.activity import activity_log

    platform = load_platform(str(write_ini(root)))
    registry = platform.registry
    types = CONTENT_TYPES(registry)

    people = add_members(platform, site, members)
    kinds = [(name, folder) for name, folder in KINDS if name in types]
    counts = dict.fromkeys((name for name, _folder in kinds), 0)
    for start in range(0, items, CHUNK):

        def add(site_root, start=start) -> None:
            log = activity_log(site_root, create=True)
            for n in range(start, min(start + CHUNK, items)):
                name, folder = kinds[n % len(kinds)]
                owner, owner_name = people[n % len(people)]
                item = types[name].factory(f"Bericht {n}", owner=owner)
                item.owner_name = owner_name
                item.set_body(" ".join(WORDS[(n + i) % len(WORDS)] for i in range(40)))
                item.access = "public" if n % 2 else "members"
                site_root[folder].add(f"item-{n}", item)
                registry.notify(ContentAdded(item))
                log.append("created", owner, owner_name, item)
                counts[name] += 1

        platform.edit_site(platform.sites.get(site), add)
    return counts


def fill_inboxes(root: Path, site: str, per_member: int) -> int:
    """``per_member`` notifications waiting for the digest in every member's inbox (a
    comment on what they follow, on one of the site's items); how many in all."""
    from pleio_core.cli.context import load_platform
    from pleio_core.notifications.store import site_notifications
    from pleio_core.security.membership import site_members

    platform = load_platform(str(write_ini(root)))

    def add(site_root) -> int:
        store = site_notifications(site_root, create=True)
        items = list(site_root["wiki"].values())[:per_member] or [None]
        members = [m.account_id for m in site_members(site_root)]
        for n, account_id in enumerate(members):
            actor = members[(n + 1) % len(members)]
            inbox = store.inbox(account_id, create=True)
            for item in items[:per_member]:
                inbox.add("followed-comment", actor, "Lid", item, "", False)
        return len(members) * len(items[:per_member])

    return platform.edit_site(platform.sites.get(site), add)


def measure_digest(root: Path, site: str, per_member: int) -> dict:
    """``pleio digest --frequency daily`` against a real SMTP server on loopback, then
    once more (it must send nothing twice)."""
    from pleio_core.testing.smtp import SMTPServer

    waiting = fill_inboxes(root, site, per_member)
    smtp = SMTPServer()
    try:
        mail = {"mail.host": "127.0.0.1", "mail.port": str(smtp.port)}
        first = timed_command(root, "digest", "--frequency", "daily", settings=mail)
        received = len(smtp.messages)
        second = timed_command(root, "digest", "--frequency", "daily", settings=mail)
        again = len(smtp.messages) - received
    finally:
        smtp.close()
    return {"notifications": waiting, "first": first, "mails": received,
            "second": second, "mails_second_run": again}  # fmt: skip


#: Runs a command and prints its peak RSS (KiB) last on stderr: a process of its own, so
#: that its children's high-water mark is the command's alone.
PEAK_RSS = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]);"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    " sys.exit(done.returncode)"
)


def timed_command(root: Path, *args: str, settings: dict[str, str] | None = None) -> dict:
    """Run ``pleio ARGS`` on the installation; wall time, peak RSS, exit code, output."""
    pleio = str(Path(sys.executable).with_name("pleio"))
    ini = write_ini(root)
    if settings:
        ini.write_text(ini.read_text() + "".join(f"{k} = {v}\n" for k, v in settings.items()))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, pleio, "-c", str(ini), *args],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    *errors, peak = done.stderr.rstrip().splitlines() or ["0"]
    return {
        "command": "pleio " + " ".join(args),
        "seconds": seconds,
        "peak_rss_kb": int(peak),
        "returncode": done.returncode,
        "output": (done.stdout + "\n".join(errors)).strip()[-2000:],
    }


def page_kinds_of(member: dict[str, str]) -> dict[str, tuple]:
    """The page kinds of the intranet, the people and the notifications, by who asks."""
    return {
        "intranet_anonymous": ("pleio", BENCH_HOST, "/intranet/", None),
        "news_feed_anonymous": ("pleio", BENCH_HOST, "/intranet/@@news-feed", None),
        "intranet_signedin": ("pleio", BENCH_HOST, "/intranet/", member),
        "news_item_signedin": ("pleio", BENCH_HOST, "/intranet/item-0/", member),
        "activity_signedin": ("pleio", BENCH_HOST, "/@@activity", member),
        "people_signedin": ("pleio", BENCH_HOST, "/@@people", member),
        "notifications_signedin": ("pleio", BENCH_HOST, "/@@notifications", member),
    }


def measure_pages(
    tmp: Path,
    root: Path,
    duration: str,
    rounds: int,
    page_kinds: Callable[[dict[str, str]], dict[str, tuple]] | None = None,
) -> dict:
    """wrk hello world and the home page three ways (and the pages ``page_kinds`` names for
    the signed-in member's headers), interleaved; medians and ratios."""
    nocache = tmp / "nocache"
    shutil.copytree(root, nocache)
    create_member(root, "bench")
    servers = {
        "hello": Server("hello", tmp / "hello.log"),
        "pleio": Server("pleio", tmp / "pleio.log", root=root),
        "nocache": Server(
            "pleio", tmp / "nocache.log", root=nocache, settings={"pleio.page_cache": "false"}
        ),
    }
    try:
        cookie, _facts = browser_cookie(servers["pleio"], BENCH_HOST)
        member = {"Cookie": cookie}
        targets = {  # key → (server, host, path, headers)
            "hello": ("hello", None, "/", None),
            "home_anonymous": ("pleio", BENCH_HOST, "/", None),
            "home_anonymous_nocache": ("nocache", BENCH_HOST, "/", None),
            "home_signedin": ("pleio", BENCH_HOST, "/", member),
        }
        if page_kinds is not None:
            targets.update(page_kinds(member))
        for key, (server, host, path, headers) in targets.items():
            seen, body = warm_up(servers[server], path, host or "127.0.0.1", headers=headers)
            if key == "home_signedin":
                check_signed_in_page(200, seen, body.decode(), key)
        runs: dict[str, list[float]] = {key: [] for key in targets}
        for _ in range(rounds):
            for key, (server, host, path, headers) in targets.items():
                url = servers[server].url + path
                runs[key].append(run_wrk(url, host, duration, headers)["requests_per_s"])
        memory = {key: server.memory_kb() for key, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    hello = statistics.median(runs["hello"])
    return {
        "requests_per_s": {key: statistics.median(values) for key, values in runs.items()},
        "ratio_to_hello": {key: statistics.median(v) / hello for key, v in runs.items()},
        "runs": runs,
        "memory_kb": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--per-member", type=int, default=5, help="notifications waiting")
    parser.add_argument("--page-kinds", action="store_true", help="the other new pages too")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "intranet.json")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pleio-intranet-bench-"))
    root = tmp / "pleio"
    results: dict = {"command": " ".join(["bench/intranet.py", *sys.argv[1:]])}
    try:
        write_site(root, "bench", BENCH_HOST)
        started = time.perf_counter()
        results["made"] = fill(root, "bench", args.items, args.members)
        results["fill_s"] = time.perf_counter() - started
        results["pages"] = measure_pages(
            tmp, root, args.duration, args.rounds, page_kinds_of if args.page_kinds else None
        )
        results["digest"] = measure_digest(root, "bench", args.per_member)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: v for k, v in results.items() if k != "pages"}, indent=2))
    for key, ratio in results["pages"]["ratio_to_hello"].items():
        rps = results["pages"]["requests_per_s"][key]
        print(f"{key:26} {rps:9.0f} req/s  {ratio:5.3f} x hello")


if __name__ == "__main__":
    main()
