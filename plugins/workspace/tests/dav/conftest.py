"""A deelsite with the workspace and WebDAV, people with app passwords, and WebDAV requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from pleio_core.testing import (
    PleioTestSetup,
    SiteWorld,
    basic,
    make_app_password,
    sign_in_client,
)

HOST = "ws.localhost"
OTHER_HOST = "two.localhost"
#: What rclone and cadaver can reach (they do not resolve *.localhost): a host of ``ws``.
LOOPBACK = "127.0.0.1"
PEOPLE = {"anne": "member", "bert": "member", "editor": "editor", "admin": "admin"}


def with_dav(config: Any) -> None:
    """The WebDAV include, while the plugin's configure hook does not include it yet."""
    if not config.registry.introspector.get("pleio app password paths", "/dav/"):
        config.include("pleio_workspace.dav")


class DavWorld(SiteWorld):
    """``ws`` (workspace on) and ``two`` (workspace on too: another site to MOVE to);
    ``anne`` and ``bert`` members, ``editor``, ``admin``, all members of ``two`` too;
    ``outsider`` a member of ``two`` only."""

    loopback = LOOPBACK

    def __init__(self, setup: PleioTestSetup, quota: int | None = None, **settings: str) -> None:
        extra = {"quota": quota} if quota else {}
        setup.write_site("ws", modules=("workspace",), hosts=(HOST, LOOPBACK), **extra)
        setup.write_site("two", modules=("workspace",))
        for who, role in PEOPLE.items():
            setup.create_account(f"{who}@example.nl", who.capitalize(), ws=role, two="member")
        setup.create_account("outsider@example.nl", "Outsider", two="member")
        self.settings = settings
        super().__init__(setup, setup.make_app(with_dav, **settings), "ws", HOST)
        self.passwords: dict[str, str] = {}
        self._accounts: dict[str, Any] = {}

    def restart(self) -> None:
        """A new app (after the command line changed something)."""
        self.app = self.setup.make_app(with_dav, **self.settings)
        self._clients.clear()
        self._accounts.clear()

    def account_client(self, who: str) -> Any:
        """``who`` signed in, on the platform host (the account page)."""
        if who not in self._accounts:
            self._accounts[who] = sign_in_client(self.setup, self.app, f"{who}@example.nl", HOST)
        return self._accounts[who]

    def password(self, who: str, site: str = "ws") -> str:
        key = f"{who}@{site}"
        if key not in self.passwords:
            self.passwords[key] = make_app_password(self.account_client(who), site)
        return self.passwords[key]

    def auth(self, who: str | None) -> dict[str, str]:
        return basic(f"{who}@example.nl", self.password(who)) if who else {}

    def id_of(self, who: str) -> str:
        return str(self.client(who).get("/api/v1/me").json["id"])

    def put(self, who: str, path: str, data: bytes = b"hello", access: str | None = None) -> None:
        """A file stored by ``who`` through WebDAV; then its access level set, if given."""
        self.dav(who, "PUT", path, body=data, status=(201, 204))
        if access is not None:
            self.set_access(path, access)

    def mkcol(self, who: str, path: str, access: str | None = None) -> None:
        self.dav(who, "MKCOL", path, status=201)
        if access is not None:
            self.set_access(path, access)

    def set_access(self, path: str, access: str) -> None:
        with self.changing() as site:
            node = site["workspace"]
            for name in path.removeprefix("/dav/").strip("/").split("/"):
                node = node[name]
            node.access = access

    def names(self, path: str) -> list[str]:
        with self.committed(path) as folder:
            return sorted(folder.keys())

    def dav(self, who: str | None, method: str, path: str, status: Any = None, **kw: Any) -> Any:
        """One WebDAV request by ``who`` (None: nobody signed in), through WebTest."""
        headers = {**self.auth(who), **kw.pop("headers", {})}
        client = self.setup.client(self.app, host=kw.pop("host", HOST))
        url = quote(path, safe="/@%")
        return client.request(url, method=method, headers=headers, status=status, **kw)


@pytest.fixture
def world(pleio_setup: PleioTestSetup) -> DavWorld:
    return DavWorld(pleio_setup)


@pytest.fixture
def dav_world_factory(pleio_setup: PleioTestSetup) -> Any:
    """``dav_world_factory(quota=None, **settings)``: the world with a site quota (bytes) or
    settings of its own (``pleio.clamd``, ``pleio.max_upload_size``)."""
    return lambda quota=None, **settings: DavWorld(pleio_setup, quota, **settings)
