"""The community at the size of a large group: 5,000 members and 10,000 items in one group.

    .venv/bin/python bench/community.py [--items 10000] [--members 5000] [--duration 10s]

One deelsite with the four modules and one open, public group, filled before the servers
start (the content types' factories and ``ContentAdded``, so the catalog indexes all) with
``--members`` accounts, all members of the site and of the group, and ``--items`` items in
the group: discussions, questions, polls, events (one in three upcoming) and wiki pages in
turn, half public and half for members. wrk then loads, interleaved: a bare Pyramid hello
world, the home page (as ``intranet.py`` does), the group's page, its members page and its
events, the site's events list and its iCalendar feed — anonymous and signed in.

Prints the figures and writes them to bench/results/community.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from intranet import CHUNK, WORDS, measure_pages
from sites import BENCH_HOST, add_members, write_ini, write_site

from pleio_core.services import CONTENT_TYPES

HERE = Path(__file__).resolve().parent
KINDS = ("discussion", "question", "poll", "event", "page")
GROUP = "werkgroep"


def fill(root: Path, site: str, items: int, members: int) -> dict[str, int]:
    """``members`` accounts in the site and its group, ``items`` items in the group; the
    count of each kind made."""
    from pleio_community.groups import MEMBER, Group, set_member

    from pleio_core.cli.context import load_platform
    from pleio_core.content import ContentAdded

    platform = load_platform(str(write_ini(root)))
    registry = platform.registry
    types = CONTENT_TYPES(registry)

    people = add_members(platform, site, members)
    kinds = [name for name in KINDS if name in types]
    counts = dict.fromkeys(kinds, 0)

    def make_group(site_root) -> None:
        group = Group("Werkgroep", owner=people[0][0])
        group.access = "public"
        site_root["community"].add(GROUP, group)
        registry.notify(ContentAdded(group))
        for account_id, name in people:
            set_member(group, account_id, name, MEMBER if account_id != people[0][0] else "owner")

    platform.edit_site(platform.sites.get(site), make_group)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    for start in range(0, items, CHUNK):

        def add(site_root, start=start) -> None:
            group = site_root["community"][GROUP]
            for n in range(start, min(start + CHUNK, items)):
                name = kinds[n % len(kinds)]
                owner, owner_name = people[n % len(people)]
                item = types[name].factory(owner=owner)
                item.title = f"Onderwerp {n}"
                item.owner_name = owner_name
                item.set_body(" ".join(WORDS[(n + i) % len(WORDS)] for i in range(40)))
                item.access = "public" if n % 2 else "members"
                item.group = group.principal
                if name == "event":  # one in three upcoming, the others past
                    item.start = now + timedelta(days=(n % 3 - 1) * 30 + n % 29, hours=1)
                    item.end = item.start + timedelta(hours=2)
                group.add(f"item-{n}", item)
                registry.notify(ContentAdded(item))
                counts[name] += 1

        platform.edit_site(platform.sites.get(site), add)
    return counts


def page_kinds(member: dict[str, str]) -> dict[str, tuple]:
    group = f"/community/{GROUP}/"
    kinds: dict[str, tuple] = {}
    for who, headers in (("anonymous", None), ("signedin", member)):
        kinds[f"group_{who}"] = ("pleio", BENCH_HOST, group, headers)
        kinds[f"events_{who}"] = ("pleio", BENCH_HOST, "/community/@@events", headers)
    kinds["group_events_signedin"] = ("pleio", BENCH_HOST, f"{group}@@events", member)
    kinds["events_ics_anonymous"] = ("pleio", BENCH_HOST, "/community/@@events.ics", None)
    kinds["members_signedin"] = ("pleio", BENCH_HOST, f"{group}@@members", member)
    kinds["discussion_signedin"] = ("pleio", BENCH_HOST, f"{group}item-0/", member)
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=5_000)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", type=Path, default=HERE / "results" / "community.json")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pleio-community-bench-"))
    root = tmp / "pleio"
    results: dict = {"command": " ".join(["bench/community.py", *sys.argv[1:]])}
    try:
        write_site(root, "bench", BENCH_HOST)
        started = time.perf_counter()
        results["made"] = fill(root, "bench", args.items, args.members)
        results["fill_s"] = time.perf_counter() - started
        results["pages"] = measure_pages(tmp, root, args.duration, args.rounds, page_kinds)
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
