"""A temporary Pleio installation for a test, and WebTest clients on its sites.

``PleioTestSetup`` writes site files and accounts as an operator would (real FileStorage
under the test's tmp dir, or another ``pleio.storage_uri``) and builds the application from
them; ``SiteWorld`` is one deelsite of it with clients per person. The form helpers fill
and submit the core's own forms, as a person in a browser would.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pleio_core.services import SITE_DATABASES

SECRET = "test-secret-0123456789-0123456789-0123456789"
TEST_PASSWORD = "correct horse battery"


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

        args = ["user", "create", email, "--name", name or email.split("@", maxsplit=1)[0]]
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
        from pleio_core.server import close_databases

        for app in self._apps:
            close_databases(app)
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
        with SITE_DATABASES(registry).get(self.site).transaction() as conn:
            site = conn.root()[ROOT_KEY]
            (enable_module if enabled else disable_module)(site, module, registry)

    @contextlib.contextmanager
    def changing(self) -> Iterator[Any]:
        """The SiteRoot in a transaction of its own, committed at the end (for a change the
        pages do not make, such as a move by code)."""
        from pleio_core.content.site import ROOT_KEY

        with SITE_DATABASES(self.app.registry).get(self.site).transaction() as conn:
            yield conn.root()[ROOT_KEY]

    @contextlib.contextmanager
    def committed(self, path: str = "/") -> Iterator[Any]:
        """The object at ``path`` (the SiteRoot for ``/``) as committed."""
        from pleio_core.content.site import ROOT_KEY

        conn = SITE_DATABASES(self.app.registry).get(self.site).open()
        try:
            node = conn.root()[ROOT_KEY]
            for name in path.strip("/").split("/") if path.strip("/") else ():
                node = node[name]
            yield node
        finally:
            conn.close()


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
