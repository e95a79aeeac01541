"""The catalog at scale: one deelsite with N content items, indexing rate and search latency.

    .venv/bin/python bench/search.py [--items 100000] [--queries 200]

Builds a FileStorage site in a temporary directory with N items of four types in four
modules (varied words, tags, access levels, owners, dates, a few drafts and scheduled
items), committing per thousand as an import would; each item is indexed by the
ContentAdded subscriber as it is added. Then ``reindex_site`` rebuilds the catalog (what
``pleio site reindex`` does). Then a member signs in over WebTest and runs the queries:
a text word + one type + the security filter + newest first, page of 20, timed inside the
request (``search()``, loading the page's 20 objects) and as the whole page (``/@@search``,
rendered with snippets).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import transaction
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.catalog.query import search
from pleio_core.catalog.reindex import reindex_site
from pleio_core.cli.catalog import BATCH as CLI_BATCH
from pleio_core.cli.catalog import CACHE_SIZE as CLI_CACHE_SIZE
from pleio_core.content import Content, ContentAdded
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES
from pleio_core.testing import PleioTestSetup

TYPES = {"article": "intranet", "discussion": "community", "file": "workspace", "page": "wiki"}
MEMBER = "lid@example.nl"
BATCH = 1000
rng = random.Random(20260101)


class Article(Content):
    pass


class Discussion(Content):
    pass


class File(Content):
    pass


class Page(Content):
    pass


CLASSES = {"article": Article, "discussion": Discussion, "file": File, "page": Page}


def vocabulary(size: int = 5000) -> tuple[list[str], list[float]]:
    """Made-up Dutch-looking words with Zipf frequencies (the most common is very common)."""
    syllables = ["ver", "ge", "be", "wa", "ter", "stad", "plan", "raad", "zorg", "werk",
                 "ing", "heid", "lijk", "en", "el", "on", "der", "bo", "ka", "mi"]  # fmt: skip
    own = random.Random(size)  # the same words every time it is called
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(own.choices(syllables, k=own.randint(2, 4))))
    ordered = sorted(words)
    own.shuffle(ordered)
    weights = [1 / (rank + 1) for rank in range(size)]
    return ordered, list(_cumulative(weights))


def _cumulative(weights: list[float]):
    total = 0.0
    for w in weights:
        total += w
        yield total


def register_types(config) -> None:
    for name, module in TYPES.items():
        config.add_content_type(name, CLASSES[name], title=name.capitalize(), module=module)

    def timed_search(request):
        params = request.GET
        started = time.perf_counter()
        results = search(
            request, text=params["text"], types=[params["type"]], sort="date", page=1, size=20
        )
        elapsed = time.perf_counter() - started
        return {"ms": elapsed * 1000, "total": results.total, "hits": len(results.hits)}

    config.add_view(
        timed_search, name="bench-search", renderer="json", permission=NO_PERMISSION_REQUIRED
    )


def build(app, items: int, member_id: str) -> float:
    """Add ``items`` items, committing per BATCH; the seconds it took."""
    words, cum = vocabulary()
    tags = [f"thema{n}" for n in range(60)]
    owners = [f"acc{n:04d}" for n in range(300)] + [member_id] * 3
    start_date = datetime(2021, 1, 1, tzinfo=UTC)
    db = SITE_DATABASES(app.registry).get("bench")
    notify = app.registry.notify
    names = list(TYPES)
    began = time.perf_counter()
    for first in range(0, items, BATCH):
        with db.transaction() as conn:
            root = conn.root()[ROOT_KEY]
            for n in range(first, min(first + BATCH, items)):
                type_name = names[n % len(names)]
                content = CLASSES[type_name](owner=rng.choice(owners))
                content.title = " ".join(rng.choices(words, cum_weights=cum, k=rng.randint(3, 8)))
                content.set_body(
                    " ".join(rng.choices(words, cum_weights=cum, k=rng.randint(40, 120)))
                )
                content.tags = tuple(rng.sample(tags, rng.randint(0, 3)))
                roll = rng.random()
                content.access = (
                    "public" if roll < 0.4 else "members" if roll < 0.8 else "private"
                    if roll < 0.9 else "group"
                )  # fmt: skip
                if content.access == "group":
                    content.group = f"group:g{rng.randint(1, 20)}"
                roll = rng.random()
                if roll < 0.03:
                    content.state = "draft"
                elif roll < 0.032:  # scheduled, not yet published: 200 of 100,000
                    content.publish_at = datetime.now(UTC) + timedelta(days=rng.randint(1, 60))
                content.created = content.modified = start_date + timedelta(
                    seconds=rng.randint(0, 5 * 365 * 86400)
                )
                root[TYPES[type_name]].add(f"item-{n}-{rng.random():.6f}", content)
                notify(ContentAdded(content))
        conn.cacheMinimize()
        done = min(first + BATCH, items)
        rate = done / (time.perf_counter() - began)
        print(f"\r  added {done:,}/{items:,} ({rate:,.0f} items/s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    return time.perf_counter() - began


def rebuild(app) -> tuple[int, float]:
    """What ``pleio site reindex`` does, with its connection cache size."""
    db = SITE_DATABASES(app.registry).get("bench")
    server_cache_size = db.getCacheSize()
    db.setCacheSize(CLI_CACHE_SIZE)
    manager = transaction.TransactionManager()
    conn = db.open(transaction_manager=manager)
    began = time.perf_counter()
    root = conn.root()[ROOT_KEY]

    def checkpoint(done: int) -> None:
        manager.commit()
        conn.cacheGC()

    done = reindex_site(root, app.registry, checkpoint, every=CLI_BATCH)
    manager.commit()
    seconds = time.perf_counter() - began
    conn.cacheMinimize()
    conn.close()
    db.setCacheSize(server_cache_size)  # the queries run with a server's cache
    return done, seconds


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-reindex", action="store_true", help="skip the rebuild timing")
    parser.add_argument(
        "--cache-size", type=int, help="the site's connection_cache_size (default: Pleio's)"
    )
    parser.add_argument(
        "--keep", metavar="DIR", help="build in DIR and keep it; reuse it next time"
    )
    args = parser.parse_args()
    root = Path(args.keep or tempfile.mkdtemp(prefix="pleio-search-bench-"))
    fresh = not (root / "built").exists()
    try:
        setup = PleioTestSetup(root)
        if args.cache_size:
            var = root / "var" / "sites" / "{site}"
            setup.settings["pleio.storage_uri"] = (
                f"file://{var}/Data.fs?blobstorage_dir={var}/blobs"
                f"&connection_cache_size={args.cache_size}"
            )
        if fresh:
            setup.write_site("bench", modules=tuple(sorted(set(TYPES.values()))))
            setup.create_account(MEMBER, bench="member")
        app = setup.make_app(configure=register_types)
        client = setup.signed_in(app, MEMBER, "bench.localhost")
        with PLATFORM_DATABASE(app.registry).transaction() as conn:
            member_id = conn.root()["pleio_platform"]["accounts"].by_email(MEMBER).id

        added_rate = reindexed = None
        if fresh:
            print(f"adding {args.items:,} items, indexed as they are added…", file=sys.stderr)
            added_rate = args.items / build(app, args.items, member_id)
            (root / "built").write_text(str(args.items))
        args.items = int((root / "built").read_text())
        if not args.no_reindex:
            print("rebuilding the catalog (reindex_site)…", file=sys.stderr)
            count, seconds = rebuild(app)
            reindexed = count / seconds

        words, _ = vocabulary()
        common = words[20:1000]  # from fairly common to rare; the top 20 are like "de"
        queries = [(rng.choice(common), rng.choice(list(TYPES))) for _ in range(args.queries)]
        for word, type_name in queries[:20]:  # warm the connection's cache
            client.get(f"/@@bench-search?text={word}&type={type_name}")
        inside, pages, totals = [], [], []
        for word, type_name in queries:
            answer = client.get(f"/@@bench-search?text={word}&type={type_name}").json
            inside.append(answer["ms"])
            totals.append(answer["total"])
        for _ in queries:  # other words: not what the loop above just loaded
            word, type_name = rng.choice(common), rng.choice(list(TYPES))
            began = time.perf_counter()
            client.get(f"/@@search?text={word}&type={type_name}&order=date")
            pages.append((time.perf_counter() - began) * 1000)
        setup.close()
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print(f"items:                         {args.items:,}")
    if added_rate is not None:
        print(f"indexing while adding:         {added_rate:,.0f} items/s (create + index + commit)")
    print(f"connection cache:              {args.cache_size or 'Pleio default'} objects")
    if reindexed is not None:
        print(f"reindex_site:                  {reindexed:,.0f} items/s")
    hits = statistics.median(totals)
    print(f"queries:                       {len(queries)} (median hits {hits:,.0f})")
    print(
        f"search() p50 / p99:            {percentile(inside, 50):.1f} ms / "
        f"{percentile(inside, 99):.1f} ms  (target 20 / 100)"
    )
    print(
        f"whole /@@search page p50/p99:  {percentile(pages, 50):.1f} ms / "
        f"{percentile(pages, 99):.1f} ms"
    )


if __name__ == "__main__":
    main()
