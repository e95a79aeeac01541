"""No English on Dutch pages: Chromium crawls a demo deelsite (``pleio demo``) as an
anonymous visitor, a member, the site's admin and the operator, and reads every page's text.

A page fails when it shows one of the English texts of the catalogues (every message whose
Dutch differs, ``pleio_core.testing.english_texts``), or English prose of any other origin,
outside an element marked ``lang="en"`` (WCAG 3.1.2). The crawl stays on the deelsite and
the platform host, follows only links (never a form), skips signing out, the language
switch and downloads, and visits one address per path and set of query keys, at most
``PER_ROLE`` a role.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from pleio_core.testing import (
    LiveServer,
    PleioTestSetup,
    add_through_form,
    english_pattern,
    english_texts,
    new_page,
    sign_in_page,
)

REPO = Path(__file__).parents[1]
SITE = "rijksportaal.localhost"
PLATFORM = "localhost"
PER_ROLE = 60
#: Addresses a crawl never opens: they sign out, switch the language, or download.
SKIPPED = re.compile(r"@@language|logout|@@export|@@download|-csv$|/api/|\.zip$|@@sso")
#: A page of the demo's group for its members only (``demo`` adds it).
GROUP_PAGE = "/community/sample-group/notulen/"
#: Where each role starts, besides the pages linked from there: the pages no link leads to
#: yet (the account's own pages), and a refusal.
STARTS = {
    "anonymous": [(SITE, "/"), (PLATFORM, "/"), (PLATFORM, "/register"), (PLATFORM, "/reset")],
    "member": [
        (SITE, "/"),
        (SITE, "/@@saved"),
        (SITE, "/@@my-data"),
        (SITE, GROUP_PAGE),
        (PLATFORM, "/account"),
        (PLATFORM, "/two-factor"),
    ],
    "admin": [(SITE, "/"), (SITE, "/@@control-panel"), (PLATFORM, "/account")],
    "operator": [(PLATFORM, "/@@operator-sites"), (PLATFORM, "/account")],
}
#: The hosts each role's crawl stays on: on a deelsite the operator sees what its admins see.
HOSTS = {"operator": (PLATFORM,)}
#: Fewer pages than this, and the crawl itself went wrong (a sign-in, the links it follows).
AT_LEAST = {"anonymous": 15, "member": 20, "admin": 30, "operator": 4}
EMAIL = {
    "member": "lotte@example.nl",
    "admin": "bram@example.nl",
    "operator": "olga@example.nl",
}
#: Words of English prose that Dutch does not use, and of Dutch prose that English does not:
#: a text with several of the first and none of the second is English.
ENGLISH_WORDS = set("the and of to with for this that you your are be was were has have".split())
DUTCH_WORDS = set("de het een en van je met voor dit dat op niet zijn wordt naar bij".split())

#: Every text of the page with the language it is in: text nodes, the names and hints that
#: assistive technology reads out (aria-label, alt, title, placeholder, button values), and
#: the document's title.
PAGE_TEXTS = """() => {
  const found = [];
  const langOf = (el) => (el.closest("[lang]") || document.documentElement).lang;
  const where = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("script, style, noscript, template")) continue;
    const text = node.nodeValue.replace(/\\s+/g, " ").trim();
    if (text) found.push([langOf(el), text, where(el)]);
  }
  const named = "[aria-label], [alt], [title], [placeholder], input[type=submit], "
      + "input[type=button]";
  for (const el of document.body.querySelectorAll(named)) {
    for (const attr of ["aria-label", "alt", "title", "placeholder", "value"]) {
      if (attr === "value" && el.tagName !== "INPUT") continue;
      const text = (el.getAttribute(attr) || "").trim();
      if (text) found.push([langOf(el), text, where(el) + "[" + attr + "]"]);
    }
  }
  found.push([document.documentElement.lang, document.title, "title"]);
  return found;
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Any:
    """The demo deelsites of ``make run`` with a member, an admin and an operator, and what
    people do there: a comment, a page of their own, a page for a group, the site's colours
    changed (for the audit log). Served once, for every crawl of this module."""
    setup = PleioTestSetup(tmp_path_factory.mktemp("dutch"))
    assert setup.pleio("demo") == 0
    setup.create_account(EMAIL["member"], "Lotte de Vries", rijksportaal="member")
    setup.create_account(EMAIL["admin"], "Bram Jansen", rijksportaal="admin")
    setup.create_account(EMAIL["operator"], "Olga Bakker", operator=True)
    app = setup.make_app()
    member = setup.signed_in(app, EMAIL["member"], SITE)
    form = member.get("/wiki/welcome/").forms["comment-form"]
    form["text"] = "Handig, dank je!"
    form.submit(status=303)
    add_through_form(member, "/wiki/", "page", title="Werkafspraken", body="Wie doet wat.")
    admin = setup.signed_in(app, EMAIL["admin"], SITE)
    where = GROUP_PAGE.rsplit("/", 2)[0] + "/"
    add_through_form(admin, where, "page", title="Notulen", body="Kort.", access="group")
    form = admin.get("/@@control-panel-appearance").forms["panel-form"]
    form["primary"] = "#8b0000"
    form.submit(status=303)
    server = LiveServer(app)
    yield server
    server.close()
    setup.close()


@pytest.fixture(scope="module")
def english() -> re.Pattern[str]:
    pos = [REPO / "pleio_core/locale/nl/LC_MESSAGES/pleio.po"]
    pos += sorted(REPO.glob("plugins/*/pleio_*/locale/nl/LC_MESSAGES/*.po"))
    pos += sorted(REPO.glob("examples/*/pleio_*/locale/nl/LC_MESSAGES/*.po"))
    return english_pattern(english_texts(pos))


def looks_english(text: str) -> bool:
    words = re.findall(r"[a-z']+", text.lower())
    english = sum(w in ENGLISH_WORDS for w in words)
    return english >= 3 and not any(w in DUTCH_WORDS for w in words)


def english_on(page: Any, english: re.Pattern[str]) -> list[str]:
    """What is English on the page and not marked as such."""
    problems = []
    for lang, text, where in page.evaluate(PAGE_TEXTS):
        if lang.startswith("en"):
            continue
        known = english.search(text)
        if known:
            problems.append(f"{known.group(0)!r} in {where}: {text[:80]!r}")
        elif looks_english(text):
            problems.append(f"English without lang=en in {where}: {text[:80]!r}")
    return problems


def address_key(url: str) -> tuple[str, str, tuple[str, ...]]:
    """One visit per path and set of query keys: page 2 of a list is the same page kind."""
    parts = urlsplit(url)
    return parts.netloc, parts.path, tuple(sorted({k for k, _ in parse_qsl(parts.query)}))


def crawl(page: Any, server: LiveServer, role: str, english: re.Pattern[str]) -> dict:
    """Breadth first from the role's ``STARTS``; {url: problems} of every page visited."""
    hosts = {urlsplit(server.url(host)).netloc for host in HOSTS.get(role, (SITE, PLATFORM))}
    starts = STARTS[role]
    queue = deque(server.url(host, path) for host, path in starts)
    seen = {address_key(url) for url in queue}
    found: dict[str, list[str]] = {}
    while queue and len(found) < PER_ROLE:
        url = queue.popleft()
        try:
            response = page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:  # a download: no page to read
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert page.locator("html").get_attribute("lang") == "nl", f"{url} is not in Dutch"
        found[url] = english_on(page, english)
        links = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.href)"
        )
        for link in links:
            parts = urlsplit(link)
            link = urlunsplit(parts._replace(fragment=""))
            key = address_key(link)
            if parts.netloc in hosts and not SKIPPED.search(parts.path) and key not in seen:
                seen.add(key)
                queue.append(link)
    return found


@pytest.mark.parametrize("role", list(STARTS))
def test_dutch_pages_show_no_english(demo, browser, english, role: str) -> None:
    page = new_page(browser)
    try:
        if role in EMAIL:
            sign_in_page(page, demo, SITE, EMAIL[role])
        visited = crawl(page, demo, role, english)
    finally:
        page.context.close()
    assert len(visited) >= AT_LEAST[role], f"the crawl as {role} found only {sorted(visited)}"
    problems = [f"{url}\n    " + "\n    ".join(found) for url, found in visited.items() if found]
    assert not problems, f"English on Dutch pages as {role}:\n" + "\n".join(problems)


def test_the_crawl_finds_english_and_accepts_it_marked(demo, browser, english) -> None:
    """The check itself: a known English text, and English prose, fail unless inside
    ``lang="en"``."""
    page = new_page(browser)
    try:
        page.goto(demo.url(SITE, "/"))
        page.evaluate(
            """() => {
              const main = document.querySelector("main");
              main.insertAdjacentHTML("beforeend",
                '<p>Save for later</p><p>We moved the files to the new share for you.</p>');
            }"""
        )
        problems = english_on(page, english)
        assert any("'Save for later'" in p for p in problems)
        assert any("English without lang=en" in p for p in problems)
        page.evaluate("() => document.querySelector('main').setAttribute('lang', 'en')")
        assert english_on(page, english) == []
    finally:
        page.context.close()
