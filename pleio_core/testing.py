"""Pytest fixtures for Pleio and its plugins (registered as the ``pleio`` pytest plugin).

Everything is real: FileStorage files in a temporary directory, a waitress server on
loopback, Debian's Chromium driven by Playwright, axe-core for accessibility, and a
PostgreSQL server started for the session when a test asks for it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pleio_core.clock import ManualClock, use_clock

CHROMIUM = os.environ.get("PLEIO_CHROMIUM", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (375, 768, 1280)
SECRET = "test-secret-0123456789-0123456789-0123456789"
TEST_PASSWORD = "correct horse battery"


# -- sites and the application -------------------------------------------------------------


class PleioTestSetup:
    """A temporary installation: its settings, its site files, and apps built from them."""

    def __init__(self, root: Path, storage_uri: str | None = None) -> None:
        self.root = root
        self.site_configs = root / "site_configs"
        self.site_configs.mkdir(parents=True, exist_ok=True)
        self.settings: dict[str, str] = {
            "here": str(root),
            "pleio.site_configs": str(self.site_configs),
            "pleio.platform_host": "localhost",
            "pleio.secret": SECRET,
            "pleio.config_check_interval": "0.2",
        }
        if storage_uri:
            self.settings["pleio.storage_uri"] = storage_uri
        self._apps: list[Any] = []

    def write_site(
        self,
        name: str,
        modules: tuple[str, ...] | list[str] = (),
        hosts: tuple[str, ...] | list[str] | None = None,
        **fields: Any,
    ) -> Path:
        """Write ``site_configs/NAME.toml`` (atomically), as an operator would."""
        from pleio_core.sites.config import SiteConfig, write_site_config

        config = SiteConfig(
            name=name,
            title=fields.pop("title", name.capitalize()),
            hosts=tuple(hosts or (f"{name}.localhost",)),
            modules=tuple(modules),
            **fields,
        )
        return write_site_config(self.site_configs, config)

    def create_account(
        self,
        email: str,
        name: str | None = None,
        password: str = TEST_PASSWORD,
        operator: bool = False,
        **roles: str,
    ) -> None:
        """``pleio user create`` (the password on stdin), then ``user grant`` per site=role.

        Like every command that writes, it needs the FileStorages free: call it before
        ``make_app``, or after ``close``.
        """
        import io
        import sys

        args = ["user", "create", email, "--name", name or email.split("@")[0]]
        stdin, sys.stdin = sys.stdin, io.StringIO(password + "\n")
        try:
            assert self.pleio(*args, *(["--operator"] if operator else [])) == 0
        finally:
            sys.stdin = stdin
        for site, role in roles.items():
            assert self.pleio("user", "grant", email, site, role) == 0

    def make_app(self, configure: Callable[[Any], None] | None = None, **settings: str) -> Any:
        """Build the WSGI application from the current files (as ``pserve`` would).

        ``configure(config)`` may add test views before the application is made.
        """
        from pleio_core import make_configurator

        config = make_configurator({**self.settings, **settings})
        if configure is not None:
            configure(config)
        app = config.make_wsgi_app()
        self._apps.append(app)
        return app

    def ini_file(self) -> Path:
        """An ``.ini`` file with these settings, for the ``pleio`` command."""
        path = self.root / "test.ini"
        lines = ["[app:main]", "use = egg:pleio_core"]
        lines += [f"{k} = {v}" for k, v in self.settings.items() if k != "here"]
        path.write_text("\n".join(lines) + "\n")
        return path

    def pleio(self, *args: str) -> int:
        """Run ``pleio -c <this setup's ini> ARGS...`` in this process; its exit status."""
        from pleio_core.cli import main

        return main(["-c", str(self.ini_file()), *args])

    def client(self, app: Any = None, host: str = "localhost") -> Any:
        """A WebTest client that talks to ``host``; ``client.get(url, host=…)`` overrides it."""
        return PleioTestApp(app if app is not None else self.make_app(), host)

    def signed_in(self, app: Any, email: str, host: str, password: str = TEST_PASSWORD) -> Any:
        """A client signed in as ``email`` on ``host``, through the platform's sign-in form
        and the single sign-on ticket, as a browser would be."""
        client = self.client(app, host=host)
        start = client.get("/@@login", status=303)
        login = client.get(start.location.split("://localhost", 1)[1], host="localhost")
        form = login.forms["login-form"]
        form["email"], form["password"] = email, password
        ticket = form.submit(headers={"Host": "localhost"}, status=303)
        client.get(ticket.location.split(host, 1)[1], status=303)
        return client

    def signed_in_on_platform(self, app: Any, email: str, password: str = TEST_PASSWORD) -> Any:
        """A client signed in on the platform host itself, through its sign-in form."""
        client = self.client(app, host="localhost")
        form = client.get("/login").forms["login-form"]
        form["email"], form["password"] = email, password
        form.submit(status=303)
        return client

    def close(self) -> None:
        for app in self._apps:
            app.registry.pleio_databases.close_all()
            app.registry.pleio_platform_db.close()
        self._apps.clear()


class PleioTestApp:
    """A thin WebTest wrapper that sets the Host header of every request."""

    def __init__(self, app: Any, host: str) -> None:
        from webtest import TestApp

        self.app = app
        self.registry = app.registry
        self.host = host
        self.testapp = TestApp(app)

    def __getattr__(self, verb: str) -> Callable[..., Any]:
        method = getattr(self.testapp, verb)

        def call(url: str, *args: Any, host: str | None = None, **kw: Any) -> Any:
            headers = dict(kw.pop("headers", None) or {})
            headers.setdefault("Host", self.host if host is None else host)
            return method(url, *args, headers=headers, **kw)

        return call


@pytest.fixture
def pleio_storage_uri() -> str | None:
    """The ``pleio.storage_uri`` of ``pleio_setup``; None means FileStorage under tmp."""
    return None


@pytest.fixture
def pleio_setup(tmp_path: Path, pleio_storage_uri: str | None) -> Iterator[PleioTestSetup]:
    setup = PleioTestSetup(tmp_path / "pleio", pleio_storage_uri)
    yield setup
    setup.close()


@pytest.fixture
def plugin_installer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``install(name, code)``: a plugin distribution ``pleio_test_<name>`` on sys.path, with
    a real ``.dist-info`` and entry point, found by the next app made (as if pip-installed)."""
    import sys
    import textwrap

    def install(name: str, code: str) -> None:
        package = f"pleio_test_{name}"
        base = tmp_path / "site-packages"
        (base / package).mkdir(parents=True)
        (base / package / "__init__.py").write_text(textwrap.dedent(code))
        info = base / f"{package}-1.2.3.dist-info"
        info.mkdir()
        metadata = f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.2.3\n"
        (info / "METADATA").write_text(metadata)
        (info / "entry_points.txt").write_text(f"[pleio.plugins]\n{name} = {package}\n")
        monkeypatch.syspath_prepend(str(base))
        monkeypatch.delitem(sys.modules, package, raising=False)

    yield install
    for module in [m for m in sys.modules if m.startswith("pleio_test_")]:
        del sys.modules[module]


def content_type_plugin(module: str, type_name: str, revisions: bool = False) -> str:
    """The code of a plugin ``module`` that declares one content type and nothing else: the
    core gives it the rest (forms, permissions, search, API, export)."""
    title = type_name.capitalize()
    return f"""
from pleio_core.content import Content
from pleio_core.plugins import hookimpl
from pleio_core.plugins.module import ModulePlugin

class {title}(Content):
    pass

plugin = ModulePlugin(
    name={module!r}, package="pleio_core", title={module.capitalize()!r},
    description={module.capitalize()!r}, requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info
pleio_menu_items = plugin.pleio_menu_items

@hookimpl
def pleio_configure(config):
    config.add_module_folder({module!r}, {module.capitalize()!r})
    config.add_content_type({type_name!r}, {title}, title={title!r}, revisions={revisions})
"""


NOTE_PLUGIN = content_type_plugin("notes", "note", revisions=True)


@pytest.fixture
def notes_plugin(plugin_installer: Any) -> str:
    """Install the ``notes`` test plugin (one content type, ``note``, with revisions)."""
    plugin_installer("notes", NOTE_PLUGIN)
    return "notes"


@pytest.fixture
def memos_plugin(plugin_installer: Any) -> str:
    """Install the ``memos`` test plugin (one content type, ``memo``, without revisions)."""
    plugin_installer("memos", content_type_plugin("memos", "memo"))
    return "memos"


# -- a live server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app: Any) -> None:
        from waitress.server import create_server

        self.app = app
        self.port = free_port()
        self.server = create_server(app, host="127.0.0.1", port=self.port, threads=4)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except OSError:  # the loop notices its sockets were closed by close()
            pass

    def url(self, host: str = "localhost", path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        """Stop accepting, close every channel, then let running requests finish."""
        for channel in list(self.server._map.values()):
            channel.handle_close()
        self.server.task_dispatcher.shutdown(cancel_pending=False, timeout=10)
        self.thread.join(timeout=5)


@pytest.fixture
def live_server_factory() -> Iterator[Callable[[Any], LiveServer]]:
    servers: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        server = LiveServer(app)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


# -- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, with every ``*.localhost`` resolving to loopback."""
    if not os.path.exists(CHROMIUM):
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


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


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
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in_page(page, server, host, email)
    return page


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def assert_accessible(page: Any, url: str, widths: tuple[int, ...] = WIDTHS) -> None:
    """Load ``url`` at each width: no axe violations and no horizontal scrolling."""
    problems: list[str] = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response is not None and response.ok, (
            f"{url} answered {response and response.status}"
        )
        for violation in axe_violations(page):
            targets = [", ".join(n["target"]) for n in violation["nodes"]]
            problems.append(f"{width}px {violation['id']}: {violation['help']} at {targets}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{width}px: scrolls horizontally by {overflow}px")
    assert not problems, f"{url}:\n" + "\n".join(problems)


# -- PostgreSQL ------------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    pytest.fail(
        f"PostgreSQL's {name} was not found (looked on PATH and in /usr/lib/postgresql/*/bin): "
        "install the postgresql package; the RelStorage tests are never skipped",
        pytrace=False,
    )


class PostgresServer:
    """A throw-away PostgreSQL cluster on loopback, run as ``postgres`` when we are root."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        base.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(base, "postgres", "postgres")
        self._run(
            _pg_bin("initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        )
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(base / "server.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off",
            "start",
        )

    def _run(self, *cmd: str) -> None:
        if self.as_postgres:
            cmd = ("runuser", "-u", "postgres", "--", *cmd)
        result = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
        if result.returncode:
            log = self.base / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            pytest.fail(
                f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}{tail}", pytrace=False
            )

    def uri(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="pleio-postgres-"))
    server = PostgresServer(base)
    yield server
    server.stop()
    shutil.rmtree(base, ignore_errors=True)


# -- mail -----------------------------------------------------------------------------------


class SMTPServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    @property
    def settings(self) -> dict[str, str]:
        return {
            "mail.host": "127.0.0.1",
            "mail.port": str(self.port),
            "mail.default_sender": "Pleio <noreply@pleio.test>",
        }

    def to(self, address: str) -> list[Any]:
        """The messages received for ``address``."""
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    def link(self, address: str, contains: str) -> str:
        """The last link in the last message to ``address`` whose URL contains ``contains``."""
        import re

        for message in reversed(self.to(address)):
            body = message.get_body(("plain",)).get_content()
            links = [u for u in re.findall(r"https?://\S+", body) if contains in u]
            if links:
                return links[-1]
        raise AssertionError(f"no message to {address} with a link containing {contains!r}")

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    yield server
    server.close()


# -- waiting ---------------------------------------------------------------------------------


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    """The platform's clock, stopped at the real moment; ``clock.advance(seconds)`` moves it
    (for everything: scheduling, the page cache, tokens, the site files' check). Put back
    after the test."""
    manual = ManualClock()
    previous = use_clock(manual)
    try:
        yield manual
    finally:
        use_clock(previous)


def wait_for(check: Callable[[], Any], timeout: float = 5.0, interval: float = 0.05) -> Any:
    """Call ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {check}")
        time.sleep(interval)


# -- the JSON API -----------------------------------------------------------------------------


class SiteWorld:
    """One deelsite under test: WebTest clients on it, anonymous or signed in as
    ``<who>@example.nl`` (each kept, so a test signs a person in once), and its committed
    content, read in a connection of its own."""

    def __init__(self, setup: PleioTestSetup, app: Any, site: str, host: str) -> None:
        self.setup, self.app, self.site, self.host = setup, app, site, host
        self._clients: dict[str, Any] = {}

    def client(self, who: str | None = None) -> Any:
        if who is None:
            return self.setup.client(self.app, host=self.host)
        if who not in self._clients:
            email = f"{who}@example.nl"
            self._clients[who] = self.setup.signed_in(self.app, email, self.host)
        return self._clients[who]

    def switch_module(self, module: str, enabled: bool) -> None:
        """Switch ``module`` on or off, as the control panel does."""
        from pleio_core.content.site import ROOT_KEY
        from pleio_core.sites.lifecycle import disable_module, enable_module

        registry = self.app.registry
        with registry.pleio_databases.get(self.site).transaction() as conn:
            site = conn.root()[ROOT_KEY]
            (enable_module if enabled else disable_module)(site, module, registry)

    @contextlib.contextmanager
    def committed(self, path: str = "/") -> Iterator[Any]:
        """The object at ``path`` (the SiteRoot for ``/``) as committed."""
        from pleio_core.content.site import ROOT_KEY

        conn = self.app.registry.pleio_databases.get(self.site).open()
        try:
            node = conn.root()[ROOT_KEY]
            for name in path.strip("/").split("/") if path.strip("/") else ():
                node = node[name]
            yield node
        finally:
            conn.close()


def rebuild_archive(
    good: Path,
    change: dict[str, bytes | None] | None = None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    extra: tuple = (),
    checksums: bool = True,
) -> bytes:
    """A site export ``good`` with members changed (name → bytes, or None to drop), the
    manifest changed by ``manifest(dict)``, ``extra`` (ZipInfo or name, bytes) added; the
    checksums of the changed members recomputed unless ``checksums`` is False."""
    import hashlib
    import io
    import zipfile

    out = io.BytesIO()
    change = change or {}
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w") as target:
        data = json.loads(source.read("manifest.json"))
        for info in source.infolist():
            if info.filename == "manifest.json":
                continue
            raw = change.get(info.filename, source.read(info.filename))
            if raw is None:
                continue
            target.writestr(info.filename, raw, zipfile.ZIP_DEFLATED)
            if checksums:
                data["checksums"][info.filename] = hashlib.sha256(raw).hexdigest()
        for info, raw in extra:
            target.writestr(info, raw)
        if manifest:
            manifest(data)
        target.writestr("manifest.json", json.dumps(data))
    return out.getvalue()


def sign_in_client(setup: PleioTestSetup, app: Any, email: str, host: str) -> Any:
    """``setup.signed_in`` on ``host``, but a client whose requests go to the platform host
    unless a test names another (the API tests talk to both)."""
    client = setup.signed_in(app, email, host)
    client.host = "localhost"
    return client


def page_csrf(page: Any) -> str:
    """The CSRF token in a WebTest page's forms (the sign-out form has one)."""
    return next(f for f in page.forms.values() if "csrf_token" in f.fields)["csrf_token"].value


def fill_form(form: Any, fields: dict[str, Any]) -> None:
    """Set a WebTest form's fields; a radio field takes any value (to send a bad one too)."""
    from webtest.forms import Radio

    for key, value in fields.items():
        if isinstance(form[key], Radio):
            form[key].force_value(value)
        else:
            form[key] = value


def add_through_form(client: Any, where: str, type_name: str, status: int = 303, **fields: Any):
    """Add content through the core's add form in ``where`` (a path ending in /); the new
    content's path, or the response when ``status`` is not 303."""
    from urllib.parse import urlsplit

    form = client.get(f"{where}@@add?type={type_name}").forms["content-form"]
    fill_form(form, fields)
    response = form.submit("save", status=status)
    return urlsplit(response.location).path if status == 303 else response


def csrf_token(client: Any, host: str) -> str:
    """The CSRF token a page of ``host`` carries (what a script in the page would send)."""
    page = client.get("/", host=host)
    return page.html.find("input", attrs={"name": "csrf_token"})["value"]


def make_token(client: Any, site: str, name: str = "script") -> str:
    """Make a token on the account page, as its holder would; the token shown once."""
    form = client.get("/account", host="localhost").forms["token-form"]
    form["token_name"], form["token_site"] = name, site
    made = form.submit(headers={"Host": "localhost"}, status=200)
    return made.html.find(id="new-token").text.strip()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class ApiConformance:
    """Checks an answer's body against the response schema the OpenAPI document gives it."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def check(self, path: str, method: str, response: Any) -> None:
        operation = self.document["paths"][path][method.lower()]
        declared = operation["responses"].get(str(response.status_int))
        assert declared is not None, f"{method} {path}: {response.status_int} is not documented"
        content = declared.get("content")
        if content is None:
            assert not response.body, f"{method} {path}: {response.status_int} has a body"
            return
        assert response.content_type == "application/json"
        schema = {
            **content["application/json"]["schema"],
            "components": self.document["components"],
        }
        import jsonschema_rs  # comes with schemathesis (the test extra)

        validator = jsonschema_rs.validator_for(schema)
        errors = [str(e) for e in validator.iter_errors(json.loads(response.body))]
        assert not errors, f"{method} {path} {response.status_int}: {errors}"
