"""The wiki's costs on a long page: 5,000 words with 200 wiki links (half to pages that exist).

    .venv/bin/python bench/wiki.py [--rounds 20]

Measured, each the median of the rounds, in one process with a real app over FileStorage
(``pleio_core.testing.PleioTestSetup``, as the tests build it):

* rendering the links (``links.render_page``: Markdown, sanitising, resolving 200 links);
* the page view for a signed-in member (no page cache): cold (the page was just saved, so
  its rendering is made again) and cached (the rendering is reused);
* the diff of two of its revisions (``diff_html``), and the whole ``@@diff`` page.

The page-view throughput against hello world is ``bench/run.py --only throughput``
(its ``content`` target is an anonymous 1,000-word wiki page).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from timing import median_ms

from pleio_core.content import ContentAdded
from pleio_core.content.diff import diff_html
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import CONTENT_TYPES, SITE_DATABASES
from pleio_core.testing import PleioTestSetup

HOST = "bench.localhost"
WORDS = (
    "de het een gemeente beleid archief informatie burger wet besluit openbaar register "
    "document termijn provincie rijk dienst overleg project kennis platform samenwerking"
).split()
TARGETS = 100  # pages that exist; the other 100 links lead to missing pages


def long_page(rng: random.Random, words: int = 5000, links: int = 200) -> str:
    out = [rng.choice(WORDS) for _ in range(words)]
    for n, at in enumerate(rng.sample(range(len(out)), links)):
        out[at] = f"[[Doel {n % TARGETS}]]" if n % 2 == 0 else f"[[Ontbreekt {n}|{out[at]}]]"
    paragraphs = [" ".join(out[i : i + 100]) for i in range(0, len(out), 100)]
    return "\n\n".join(
        f"## Deel {i}\n\n{p}" if i % 10 == 0 else p for i, p in enumerate(paragraphs)
    )


def build(root: Path, body: str) -> tuple:
    setup = PleioTestSetup(root)
    setup.write_site("bench", modules=("wiki",))
    setup.create_account("anne@example.nl", "Anne", bench="member")
    app = setup.make_app()
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    form = anne.get("/wiki/@@add?type=page").forms["content-form"]
    form["title"], form["body"] = "Lang", body
    form["access"].force_value("members")
    form.submit("save", status=303)
    registry = app.registry
    with SITE_DATABASES(registry).get("bench").transaction() as conn:
        folder = conn.root()[ROOT_KEY]["wiki"]
        content_type = CONTENT_TYPES(registry)["page"]
        for n in range(TARGETS):
            page = content_type.factory(f"Doel {n}")
            page.set_body("Een doel.")
            folder.add(f"doel-{n}", page)
            registry.notify(ContentAdded(page))
    return setup, app, anne


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    from pleio_wiki.links import Target, render_page

    rng = random.Random(6)
    body = long_page(rng)
    edited = body.replace(" archief ", " ARCHIEF ", 25)
    print(f"{len(body.split())} words, {body.count('[[')} wiki links; median of {rounds} rounds")
    results = {}
    results["render_page (links resolved, no cache)"] = median_ms(
        rounds, lambda: render_page(body, lambda t: Target(f"/wiki/{t}", t < "E"), "ontbreekt")
    )
    with tempfile.TemporaryDirectory() as tmp:
        setup, _app, anne = build(Path(tmp), body)
        try:
            anne.get("/wiki/lang/")
            state = {"n": 0}

            def cold() -> None:  # a save between views: the rendering is made anew
                form = anne.get("/wiki/lang/@@edit").forms["content-form"]
                state["n"] += 1
                form["body"] = body + f"\n\nRonde {state['n']}."
                form.submit("save", status=303)

            times = []
            for _ in range(rounds):
                cold()
                start = time.perf_counter()
                page = anne.get("/wiki/lang/")
                times.append((time.perf_counter() - start) * 1000)
            assert len(page.html.select("a.wiki-link")) == 200
            results["page view, signed in, cold"] = statistics.median(times)
            results["page view, signed in, cached"] = median_ms(
                rounds, lambda: anne.get("/wiki/lang/")
            )
            results["diff_html of two revisions"] = median_ms(
                rounds, lambda: diff_html(body, edited)
            )
            form = anne.get("/wiki/lang/@@edit").forms["content-form"]
            form["body"] = edited
            form.submit("save", status=303)
            latest = anne.get("/wiki/lang/@@history").html.select("ol.revision-list > li")
            top = int(latest[0]["value"])
            results["@@diff page (two revisions)"] = median_ms(
                rounds, lambda: anne.get(f"/wiki/lang/@@diff?a={top - 1}&b={top}")
            )
        finally:
            setup.close()
    width = max(map(len, results))
    for name, ms in results.items():
        print(f"{name:<{width}}  {ms:8.1f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
