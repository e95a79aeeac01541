"""Make the screenshots in docs/screenshots: the demo platform as people see it.

    .venv/bin/python docs/screenshots/make.py

Sets up the demo (``pleio demo``) in a folder of its own, serves it with waitress on a free
port, and photographs the pages below in Debian's Chromium at a phone's and a desktop's
width, in Dutch. Nothing of a running ``make run`` is touched.
"""

from __future__ import annotations

import configparser
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
SITE = "rijksportaal"
WIDTHS = {375: 812, 1280: 900}

#: (file name, path on the demo site, signed in as the site's admin)
PAGES = (
    ("home", "/", False),
    ("sign-in", "/@@login", False),
    ("wiki-page", "/wiki/welcome/", True),
    ("group", "/community/sample-group/", True),
    ("control-panel", "/@@control-panel", True),
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_ini(folder: Path, port: int) -> Path:
    """development.ini with its data in ``folder`` and waitress on ``port``."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "development.ini")
    config["server:main"]["listen"] = f"127.0.0.1:{port}"
    config["app:main"]["pyramid.reload_templates"] = "false"
    ini = folder / "screenshots.ini"
    with ini.open("w") as out:
        config.write(out)
    return ini


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the demo server did not answer at {url}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        ini = demo_ini(Path(folder), port)
        demo = subprocess.run(
            [BIN / "pleio", "-c", ini, "demo"], check=True, capture_output=True, text=True
        )
        login = re.search(rf"^\s+{SITE}\s+(\S+)\s+(\S+)\s*$", demo.stdout, re.M)
        if login is None:
            raise SystemExit(f"no demo admin for {SITE} in:\n{demo.stdout}")
        email, password = login.groups()
        server = subprocess.Popen([BIN / "pserve", ini], stderr=subprocess.DEVNULL)
        base = f"http://{SITE}.localhost:{port}"
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            photograph(base, email, password)
        finally:
            server.terminate()
            server.wait(timeout=30)


def photograph(base: str, email: str, password: str) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--host-resolver-rules=MAP *.localhost 127.0.0.1"],
        )
        for width, height in WIDTHS.items():
            viewport = {"width": width, "height": height}
            anonymous = browser.new_context(viewport=viewport, locale="nl-NL").new_page()
            admin = browser.new_context(viewport=viewport, locale="nl-NL").new_page()
            admin.goto(base + "/@@login")
            admin.get_by_label("E-mailadres").fill(email)
            admin.get_by_label("Wachtwoord").fill(password)
            admin.get_by_role("button", name="Inloggen").click()
            admin.wait_for_url(base + "/")
            for name, path, signed_in in PAGES:
                page = admin if signed_in else anonymous
                response = page.goto(base + path)
                if response is None or not response.ok:
                    raise SystemExit(f"{path} answered {response and response.status}")
                page.wait_for_load_state("networkidle")
                target = HERE / f"{name}-{width}.png"
                page.screenshot(path=target, full_page=width > 400)
                print(f"wrote {target.relative_to(ROOT)}")
        browser.close()


if __name__ == "__main__":
    main()
