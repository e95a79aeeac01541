"""A signed-in member of the bench deelsite: the account, the real sign-in over HTTP, timings.

* ``create_member``: before the server starts (FileStorage allows one process), the account
  is made with the ``pleio`` command, as an operator would: ``pleio user create`` (password
  on stdin) and ``pleio user grant EMAIL bench member``.
* ``sign_in``: the sign-in flow a browser goes through, over HTTP against the running
  server: ``GET /@@login`` on the deelsite, the platform's ``/login`` form (its CSRF cookie
  and token), ``POST /login`` (timed: password check through to the 303), then the one-time
  ticket at the deelsite's ``/@@sso``, which sets the deelsite's ``pleio_auth`` cookie.
  Nothing is forged: the cookie is whatever the server sets.
* ``check_signed_in_page``: the home page with those cookies is the signed-in page (the
  account's name and the sign-out form, no ``X-Pleio-Cache`` header, no new cookie).
* ``measure_sign_in``: repeated sign-ins, each next to one ``argon2.PasswordHasher().verify``
  of the account's own hash in this process, so the request's cost can be split into the
  password hash and the rest.
"""

from __future__ import annotations

import http.client
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from servers import Server
from sites import write_ini

EMAIL = "bench-member@example.nl"
NAME = "Bench Lid"  # looked for on the signed-in page
PASSWORD = "bench-password-not-secret"
AUTH_COOKIE = "pleio_auth"
PLATFORM_HOST = "localhost"  # pleio.platform_host in sites.base_settings


def create_member(root: Path, site: str) -> str:
    """Create the bench account with the CLI and make it a member of ``site``; its hash.

    The hash is read back from the platform database (read-only, before any server opens
    it) for the Argon2 timing.
    """
    ini = write_ini(root)
    pleio = str(Path(sys.executable).with_name("pleio"))
    for args, stdin in (
        (["user", "create", EMAIL, "--name", NAME], PASSWORD + "\n"),
        (["user", "grant", EMAIL, site, "member"], ""),
    ):
        done = subprocess.run(
            [pleio, "-c", str(ini), *args], input=stdin, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"pleio {' '.join(args)} failed: {done.stderr.strip()}")
    return password_hash(ini)


def password_hash(ini: Path) -> str:
    from pleio_core.cli.context import load_platform
    from pleio_core.security.store import accounts_of

    def read(root) -> str:
        return accounts_of(root).by_email(EMAIL).password_hash

    return load_platform(str(ini)).read_platform(read)


class FormInputs(HTMLParser):
    """The ``<input>`` names and values inside the form with a given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif tag == "input" and self.inside and a.get("name"):
            self.values[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_inputs(html: str, form_id: str) -> dict[str, str]:
    parser = FormInputs(form_id)
    parser.feed(html)
    return parser.values


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Browser:
    """Just enough of a browser: one kept-alive connection to ``server`` for every host
    (the Host header comes from each URL), and cookies kept per host."""

    server: Server
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.conn = self.server.connection()

    def close(self) -> None:
        self.conn.close()

    def cookie_header(self, host: str) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.get(host, {}).items())

    def request(self, method: str, url: str, form: dict[str, str] | None = None) -> Answer:
        parts = urlsplit(url)
        host = parts.netloc
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": host}
        if self.cookies.get(host):
            headers["Cookie"] = self.cookie_header(host)
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        seconds = time.perf_counter() - start
        jar = self.cookies.setdefault(host, {})
        for value in response.headers.get_all("Set-Cookie") or ():
            pair, _, attributes = value.partition(";")
            name, _, cookie = pair.strip().partition("=")
            if "max-age=0" in attributes.replace(" ", "").lower():
                jar.pop(name, None)
            else:
                jar[name] = cookie
        return Answer(response.status, response.headers, content.decode(), seconds)


def expect(answer: Answer, status: int, what: str, location: str | None = None) -> None:
    if answer.status != status or (
        location is not None and not answer.location.startswith(location)
    ):
        raise RuntimeError(
            f"sign-in: {what} answered {answer.status} (Location {answer.location!r}), "
            f"expected {status}" + (f" to {location}…" if location else "")
        )


@dataclass
class SignIn:
    post_s: float  # POST /login: password check through to the 303
    browser: Browser


def sign_in(server: Server, site_host: str) -> SignIn:
    """The whole sign-in flow of a new browser; the deelsite's cookies are in its jar."""
    browser = Browser(server)
    platform = f"http://{PLATFORM_HOST}"
    start = browser.request("GET", f"http://{site_host}/@@login?came_from=/")
    expect(start, 303, "the deelsite's /@@login", f"{platform}/login?")
    form_page = browser.request("GET", start.location)
    expect(form_page, 200, "the platform's /login form")
    fields = form_inputs(form_page.body, "login-form")
    if not fields.get("csrf_token") or fields.get("site") != site_host:
        raise RuntimeError(f"sign-in: the form has no CSRF token or site: {fields}")
    fields.update(email=EMAIL, password=PASSWORD)
    posted = browser.request("POST", f"{platform}/login", fields)
    expect(posted, 303, "POST /login", f"http://{site_host}/@@sso?ticket=")
    landed = browser.request("GET", posted.location)
    expect(landed, 303, "the deelsite's /@@sso", f"http://{site_host}/")
    if AUTH_COOKIE not in browser.cookies.get(site_host, {}):
        raise RuntimeError(f"sign-in: /@@sso set no {AUTH_COOKIE} cookie on {site_host}")
    return SignIn(posted.seconds, browser)


def check_signed_in_page(
    status: int, headers: Mapping[str, str], body: str, what: str, new_cookie: bool = False
) -> None:
    """Fail unless this answer is the signed-in home page of the bench member, and (unless
    ``new_cookie``) sets no cookie."""
    problems = []
    if status != 200:
        problems.append(f"status {status}")
    if NAME not in body:
        problems.append(f"no {NAME!r} on the page")
    if '/@@logout"' not in body or 'class="sign-out"' not in body:
        problems.append("no sign-out form")
    if 'class="sign-in"' in body:
        problems.append("a sign-in link")
    if "X-Pleio-Cache" in headers:
        problems.append(f"X-Pleio-Cache: {headers['X-Pleio-Cache']}")
    if "Set-Cookie" in headers and not new_cookie:
        problems.append(f"Set-Cookie: {headers['Set-Cookie']}")
    if problems:
        raise RuntimeError(f"{what} is not the signed-in page: {', '.join(problems)}")


def browser_cookie(server: Server, site_host: str) -> tuple[str, dict]:
    """Sign in once; the Cookie header the browser sends to the deelsite once settled.

    The first page sets the CSRF cookie (for the sign-out form), as it would in a browser;
    from then on the page sets no cookie, so every request wrk sends is alike.
    """
    done = sign_in(server, site_host)
    try:
        first = done.browser.request("GET", f"http://{site_host}/")
        if first.status != 200 or "pleio_csrf" not in done.browser.cookies[site_host]:
            raise RuntimeError(f"the first signed-in page: {first.status}, {first.headers}")
        second = done.browser.request("GET", f"http://{site_host}/")
        check_signed_in_page(second.status, second.headers, second.body, "the signed-in page")
        cookies = done.browser.cookie_header(site_host)
    finally:
        done.browser.close()
    return cookies, {"cookies": sorted(done.browser.cookies[site_host]), "post_s": done.post_s}


def summary(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "count": len(ms),
        "median_ms": statistics.median(ms),
        "p90_ms": statistics.quantiles(ms, n=10)[-1] if len(ms) > 1 else ms[0],
        "min_ms": ms[0],
        "max_ms": ms[-1],
    }


def measure_sign_in(server: Server, site_host: str, hash_: str, count: int, warm_up: int = 2):
    """``count`` sign-ins (after ``warm_up`` untimed ones), each followed by one Argon2
    verify of the account's hash in this process; both summarised."""
    from argon2 import PasswordHasher, extract_parameters

    hasher = PasswordHasher()  # argon2-cffi's defaults, as pleio_core.security.passwords
    if hasher.check_needs_rehash(hash_):
        raise RuntimeError("the account's hash has other parameters than PasswordHasher()")
    for _ in range(warm_up):
        sign_in(server, site_host).browser.close()
    posts: list[float] = []
    verifies: list[float] = []
    for _ in range(count):
        done = sign_in(server, site_host)
        done.browser.close()
        posts.append(done.post_s)
        start = time.perf_counter()
        hasher.verify(hash_, PASSWORD)
        verifies.append(time.perf_counter() - start)
    params = extract_parameters(hash_)
    post, verify = summary(posts), summary(verifies)
    return {
        "post_login": {**post, "seconds": posts},
        "argon2_verify": {**verify, "seconds": verifies},
        "rest_median_ms": post["median_ms"] - verify["median_ms"],
        # the same from each sign-in and the verify right after it: less hurt by noise
        "rest_paired_median_ms": statistics.median(
            (p - v) * 1000 for p, v in zip(posts, verifies, strict=True)
        ),
        "argon2_parameters": {
            "type": params.type.name,
            "time_cost": params.time_cost,
            "memory_cost_kib": params.memory_cost,
            "parallelism": params.parallelism,
            "hash_len": params.hash_len,
        },
        "warm_up": warm_up,
    }
