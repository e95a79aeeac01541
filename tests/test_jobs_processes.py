"""The export job in real ``pserve`` processes: one killed half-way and the job finished by
the next, and two processes on one PostgreSQL where one shows the job the other runs."""

from __future__ import annotations

import io
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import pytest

from pleio_core.content import ContentAdded
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import CONTENT_TYPES, SITE_DATABASES
from pleio_core.testing import PleioTestSetup

HOST = "kia.localhost"
PAGES = 3000


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Requests to one process as the signed-in admin: her cookies, made by another
    process (signed cookies: any process of the platform takes them)."""

    def __init__(self, cookies: dict[str, str]) -> None:
        self.cookies = cookies
        self.opener = urllib.request.build_opener(NoRedirect)

    def call(self, process, path: str, data: dict[str, str] | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            process.url(path),
            data=body,
            headers={
                "Host": HOST,
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            },
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.headers, answer.read()

    def start_export(self, process) -> None:
        status, headers, _ = self.call(
            process, "/@@export", {"csrf_token": self.cookies["pleio_csrf"]}
        )
        assert status == 303, status
        assert headers["Location"].endswith("/@@export")

    def job(self, process) -> dict[str, str]:
        """What the export page says of the job: its state, progress, status, download."""
        status, _, body = self.call(process, "/@@export")
        assert status == 200, status
        page = body.decode()
        found = {"state": re.search(r'data-state="(\w+)"', page).group(1)}
        if progress := re.search(r'<progress id="export-progress" max="100" value="(\d+)"', page):
            found["percent"] = progress.group(1)
        if link := re.search(r'href="[^"]*(/@@export-archive\?job=[^"]+)"', page):
            found["download"] = link.group(1)
        found["status"] = re.search(r'id="export-status"[^>]*>(.*?)</div>', page, re.S).group(1)
        found["restarted"] = "opnieuw mee begonnen" in page
        return found

    def wait(self, process, check, timeout: float = 120.0) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(process)
            if check(job):
                return job
            time.sleep(0.1)
        pytest.fail(f"the job did not get there in {timeout} s: {job}\n{process.log_text()}")


def seed(setup: PleioTestSetup, pages: int) -> dict[str, str]:
    """A wiki of ``pages`` pages and its admin, signed in; her cookies."""
    setup.write_site("kia", modules=("wiki",))
    setup.create_account("anne@example.nl", "Anne", kia="admin")
    app = setup.make_app()
    anne = setup.signed_in(app, "anne@example.nl", HOST)
    anne.get("/@@export")  # the CSRF cookie
    registry = app.registry
    with SITE_DATABASES(registry).get("kia").transaction() as conn:
        wiki = conn.root()[ROOT_KEY]["wiki"]
        for n in range(pages):
            page = CONTENT_TYPES(registry)["page"].factory(owner=None)
            page.title = f"Pagina {n}"
            page.set_body("Tekst " * 200)
            page.access = "public"
            wiki.add(f"p{n}", page)
            registry.notify(ContentAdded(page))
    cookies = dict(anne.testapp.cookies)
    setup.close()
    return cookies


def archive_of(browser: Browser, process, download: str) -> dict:
    status, headers, body = browser.call(process, download)
    assert status == 200 and headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        return json.loads(zf.read("manifest.json"))


def test_a_process_killed_mid_export_and_the_next_one_finishes_the_job(
    pleio_setup, server_processes
) -> None:
    browser = Browser(seed(pleio_setup, PAGES))
    first = server_processes("first")
    browser.start_export(first)
    # killed the moment its log says it claimed the job: asking the page for the progress
    # first let a quick machine finish the export before the kill
    deadline = time.monotonic() + 120
    while "claimed, attempt 1" not in first.log_text():
        assert time.monotonic() < deadline, first.log_text()
        time.sleep(0.01)
    assert " done" not in first.log_text().split("claimed, attempt 1", 1)[1], "too fast to kill"
    first.kill()  # SIGKILL: no goodbye, the job is left running under its lease
    second = server_processes("second")
    seen = browser.wait(second, lambda j: j["state"] != "running" or j["restarted"])
    assert seen["state"] in ("running", "done")
    done = browser.wait(second, lambda j: j["state"] == "done")
    assert "Het archief is klaar" in done["status"]
    manifest = archive_of(browser, second, done["download"])
    assert manifest["counts"]["content"] == PAGES
    assert "was left by" in second.log_text()  # taken over at once: the pid is gone
    assert "attempt 2" in second.log_text()


def test_two_processes_on_postgresql_one_shows_the_job_the_other_runs(
    pleio_setup, server_processes, postgres_server, tmp_path
) -> None:
    settings = pleio_setup.settings
    settings["pleio.storage_uri"] = postgres_server.uri("jobs_{site}")

    def platform(cache: str) -> str:
        blobs = tmp_path / cache
        return postgres_server.uri("jobs_platform") + f"?blob_dir={blobs}&shared_blob_dir=false"

    settings["pleio.platform_storage_uri"] = platform("seed-blobs")
    browser = Browser(seed(pleio_setup, PAGES // 3))
    settings["pleio.platform_storage_uri"] = platform("one-blobs")
    one = server_processes("one")
    settings["pleio.platform_storage_uri"] = platform("two-blobs")
    two = server_processes("two")
    browser.start_export(one)
    # whichever claimed it (the one asked, woken at its commit, nearly always), the other
    # shows its progress and then offers the archive from the database
    browser.wait(one, lambda j: j["state"] in ("running", "done"))
    claimed = [p for p in (one, two) if "claimed, attempt 1" in p.log_text()]
    assert len(claimed) == 1
    runner = claimed[0]
    other = two if runner is one else one
    seen: list[dict[str, str]] = []
    done = browser.wait(other, lambda j: seen.append(j) or j["state"] == "done")
    assert any(j["state"] == "running" for j in seen), seen  # its progress, as it went
    manifest = archive_of(browser, other, done["download"])
    assert manifest["counts"]["content"] == PAGES // 3
    assert "claimed" not in other.log_text()
