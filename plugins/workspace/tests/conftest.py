"""Fixtures of the workspace's tests: a site with the workspace on, people, and folders and
files made directly (as ``store_upload`` leaves them: each version a blob, usage added)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from urllib.parse import quote

import pytest
from persistent.list import PersistentList
from pleio_workspace.files.model import File, Version, WorkspaceFolder
from pleio_workspace.operations import add_usage

from pleio_core.plugin_api import ContentAdded, store_file
from pleio_core.testing import PleioTestSetup, SiteWorld, page_csrf

WS_HOST = "ws.localhost"
WS_PEOPLE = {"anne": "member", "bert": "member", "editor": "editor", "admin": "admin"}


class WorkspaceWorld(SiteWorld):
    def post(self, who: str | None, path: str, status: int | str, **fields):
        """The form page at ``path`` (GET, for its CSRF token), then a POST of ``fields``."""
        client = self.client(who)
        page = client.get(quoted(path))
        return client.post(quoted(path), {"csrf_token": page_csrf(page), **fields}, status=status)

    def periodic(self) -> None:
        """``pleio periodic`` for the site, as cron runs it (the app closed meanwhile: the
        command needs the FileStorages), then a new app and new sign-ins."""
        self.setup.close()
        assert self.setup.pleio("periodic", "--site", self.site) == 0
        self.app = self.setup.make_app()
        self._clients.clear()

    @staticmethod
    def url(path: str) -> str:
        return quoted(path)

    def names(self, path: str) -> list[str]:
        with self.committed(path) as folder:
            return sorted(folder.keys())

    def add_folder(self, path: str, owner: str | None = None, access: str = "members") -> None:
        """A folder at ``path`` ("/workspace/a/b"), its parent there already."""
        owner_id = self.id_of(owner)
        with self.changing() as site:
            parent, name = node_at(site, path.rpartition("/")[0]), path.rpartition("/")[2]
            folder = WorkspaceFolder(name, owner=owner_id)
            folder.owner_name = owner or ""
            folder.access = access
            parent.add(name, folder)
            self.app.registry.notify(ContentAdded(folder))

    def add_file(
        self,
        path: str,
        versions: Iterable[bytes] = (b"hello",),
        owner: str | None = None,
        access: str = "members",
    ) -> None:
        owner_id = self.id_of(owner)
        with self.changing() as site:
            parent, name = node_at(site, path.rpartition("/")[0]), path.rpartition("/")[2]
            item = File(name, owner=owner_id)
            item.owner_name = owner or ""
            item.access = access
            item.versions = PersistentList()
            for number, data in enumerate(versions, 1):
                stored = store_file(io.BytesIO(data), name, "application/octet-stream")
                item.add_version(Version(number, stored, item.owner, item.owner_name, ""))
                add_usage(site, len(data))
            parent.add(name, item)
            self.app.registry.notify(ContentAdded(item))

    def id_of(self, who: str | None) -> str | None:
        if who is None:
            return None
        ids = getattr(self, "_ids", None)
        if ids is None:
            ids = self._ids = {}
        if who not in ids:
            ids[who] = self.client(who).get("/api/v1/me").json["id"]
        return ids[who]


def node_at(site, path: str):
    node = site
    for name in path.strip("/").split("/") if path.strip("/") else ():
        node = node[name]
    return node


def quoted(path: str) -> str:
    """``path`` with its names quoted as a browser sends them."""
    return quote(path, safe="/@")


@pytest.fixture
def ws(pleio_setup: PleioTestSetup) -> WorkspaceWorld:
    pleio_setup.write_site("ws", modules=("workspace",))
    for who, role in WS_PEOPLE.items():
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), ws=role)
    return WorkspaceWorld(pleio_setup, pleio_setup.make_app(), "ws", WS_HOST)
