"""The browser for tests of what only a browser shows: Debian's Chromium driven by
Playwright, sign-in through the Dutch form, and axe-core's WCAG 2.1 A/AA check at phone,
tablet and desktop widths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pleio_core.testing.server import LiveServer
from pleio_core.testing.sites import TEST_PASSWORD

CHROMIUM = os.environ.get("PLEIO_CHROMIUM", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (320, 375, 768, 1280)
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, with every ``*.localhost`` resolving to loopback."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) "
            "or set PLEIO_CHROMIUM; browser tests are part of the suite and are never skipped",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1",
            ],
        )
        yield browser
        browser.close()


def new_page(browser: Any) -> Any:
    """A page in a browser context of its own (its own cookies), at desktop width."""
    return browser.new_context(viewport=dict(VIEWPORT)).new_page()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = new_page(browser)
    yield page
    page.context.close()


def sign_in_page(page: Any, server: LiveServer, host: str, email: str) -> None:
    """Sign ``page`` in on ``host`` with the Dutch sign-in form, as a person would."""
    page.goto(server.url(host, "/@@login"))
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url(host, "/"))


def signed_in_page(browser: Any, server: LiveServer, host: str, email: str) -> Any:
    """A page in a browser context of its own (its own cookies), signed in as ``email``;
    close it with ``page.context.close()``."""
    page = new_page(browser)
    sign_in_page(page, server, host, email)
    return page


def personal_menu(page: Any) -> Any:
    """The signed-in person's menu in the header, opened (as a click on the name does)."""
    menu = page.locator(".personal-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return menu


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now.

    axe-core (half a megabyte of script) goes into a document once; a page checked again
    after a resize is checked with the copy it has."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options)", options)["violations"]


def assert_accessible(page: Any, url: str, widths: tuple[int, ...] = WIDTHS) -> None:
    """``url`` at each width: no axe violations and no horizontal scrolling.

    The page is loaded once, at the first width, and resized to the others: the stylesheets'
    media queries apply on a resize as on a load, and the suite runs this for every page at
    four widths."""
    problems: list[str] = []
    for index, width in enumerate(widths):
        page.set_viewport_size({"width": width, "height": 900})
        if index == 0:
            response = page.goto(url)
            assert response is not None and response.ok, (
                f"{url} answered {response and response.status}"
            )
        for violation in axe_violations(page):
            targets = [", ".join(n["target"]) for n in violation["nodes"]]
            why = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")
            problems.append(
                f"{width}px {violation['id']}: {violation['help']} at {targets} ({why})"
            )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{width}px: scrolls horizontally by {overflow}px")
    assert not problems, f"{url}:\n" + "\n".join(problems)
