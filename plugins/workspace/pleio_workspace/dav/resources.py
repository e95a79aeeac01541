"""What a WebDAV client sees at ``/dav/``: the workspace's folders and files, as the web does.

One ``WorkspaceProvider`` is made for each request, with that request: every resource is
looked up through the model with ``request.has_permission``, so a client sees exactly the
folders and files the account sees on the web, and every change goes through the same
functions as the web's forms (``files.storing``, ``operations``), with their refusals
(``FileRefused``) answered as their HTTP status. A folder the caller may not see is not
there: 404 for an account, a Basic challenge (401) for a client that has not signed in yet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from pyramid.request import Request
from wsgidav import util
from wsgidav.dav_error import HTTP_FORBIDDEN, DAVError
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider
from wsgidav.util import etree

from pleio_core.plugin_api import FileRefused, visible_children

from .. import operations
from ..files.model import File, WorkspaceFolder
from ..files.storing import new_folder, spool, store_upload
from ..i18n import _
from .errors import Challenge, Refusal, refused
from .locking import FileLocks, token_for

MODULE = "workspace"
#: What a download may do in a browser that opens it from here: nothing (as the web's).
SANDBOX = "default-src 'none'; sandbox"


def forbidden(request: Request) -> DAVError:
    """Not allowed (the view has asked a client that is not signed in to sign in first)."""
    return Refusal(HTTP_FORBIDDEN, request.localizer.translate(_("You may not do that here.")))


class WorkspaceProvider(DAVProvider):
    """The module folder of one deelsite, for one request."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self.request = request
        self.set_share_path("/dav")
        self.set_mount_path(request.script_name)
        self.lock_manager = FileLocks(self)
        self._found: dict[str, Any] = {}

    def set_lock_manager(self, lock_manager: Any) -> None:  # (wsgidav's own is never used)
        pass

    def root_folder(self) -> Any:
        root = self.request.site_root
        return root.get(MODULE) if root is not None else None

    def item_at(self, path: str) -> Any:
        """The folder or file at ``path`` (``/a/b``, below ``/dav``), or None when it is not
        there or the caller may not see it (or anything on the way)."""
        if path in self._found:
            return self._found[path]
        request = self.request
        node = self.root_folder()
        names = [n for n in path.split("/") if n]
        if node is not None and not request.has_permission("view", node):
            node = None
        for name in names:
            child = node.get(name) if node is not None else None
            if not isinstance(child, (File, WorkspaceFolder)):
                node = None
                break
            if not request.has_permission("view", child):
                node = None
                break
            node = child
        if node is None and request.identity is None:
            # nobody signed in: ask, whether it is there or not (an answer would tell)
            raise Challenge()
        self._found[path] = node
        return node

    def forget(self, path: str) -> None:
        self._found.clear()

    def get_resource_inst(self, path: str | None, environ: dict) -> Any:
        if path is None:  # (wsgidav's parent of the root)
            return None
        item = self.item_at(path)
        if item is None:
            return None
        if isinstance(item, File):
            return FileResource(self, path, environ, item)
        return FolderResource(self, path, environ, item)

    def parent_path(self, dest_path: str) -> tuple[str, str]:
        """The folder path and the name of a destination path."""
        dest_path = dest_path.rstrip("/")
        return util.get_uri_parent(dest_path) or "/", util.get_uri_name(dest_path)


class _Item:
    """What folders and files share: times, names, moving, copying, deleting."""

    provider: WorkspaceProvider
    item: Any
    environ: dict
    path: str

    @property
    def request(self) -> Request:
        return self.provider.request

    def get_display_name(self) -> str:
        return str(self.item.__name__)

    def get_creation_date(self) -> float | None:
        created = getattr(self.item, "created", None)
        return created.timestamp() if created is not None else None

    def get_last_modified(self) -> float | None:
        modified = getattr(self.item, "modified", None)
        return modified.timestamp() if modified is not None else None

    def set_last_modified(self, dest_path: str, time_stamp: Any, *, dry_run: bool) -> bool:
        # Windows sets its own times (PROPPATCH Win32LastModifiedTime): accepted, not kept;
        # the file's time is when it was stored
        return True

    def _token(self) -> str | None:
        return token_for(self.environ, self.item)

    def handle_delete(self) -> bool:
        try:
            operations.to_trash(self.request, self.item, token=self._token())
        except FileRefused as refusal:
            raise refused(self.request, refusal) from None
        self.provider.forget(self.path)
        return True

    def _target(self, dest_path: str) -> tuple[Any, str]:
        folder_path, name = self.provider.parent_path(dest_path)
        target = self.provider.item_at(folder_path)
        if not isinstance(target, WorkspaceFolder) and target is not self.provider.root_folder():
            message = _("There is no folder there.")
            raise Refusal(409, self.request.localizer.translate(message))
        return target, name

    def _overwrite(self) -> bool:
        return self.environ.get("HTTP_OVERWRITE", "T") == "T"

    def handle_move(self, dest_path: str) -> bool:
        target, name = self._target(dest_path)
        try:
            operations.move(
                self.request, self.item, target, name, self._overwrite(), token=self._token()
            )
        except FileRefused as refusal:
            raise refused(self.request, refusal) from None
        self.provider.forget(self.path)
        return True

    def handle_copy(self, dest_path: str, *, depth_infinity: bool) -> bool:
        target, name = self._target(dest_path)
        try:
            operations.copy(
                self.request, self.item, target, name, self._overwrite(), token=self._token()
            )
        except FileRefused as refusal:
            raise refused(self.request, refusal) from None
        self.provider.forget(self.path)
        return True


class FolderResource(_Item, DAVCollection):
    def __init__(self, provider: WorkspaceProvider, path: str, environ: dict, item: Any) -> None:
        DAVCollection.__init__(self, path, environ)
        self.provider, self.item = provider, item

    def get_display_name(self) -> str:
        if self.item is self.provider.root_folder():
            return self.request.localizer.translate(_("Workspace"))
        return super().get_display_name()

    def get_member_names(self) -> list[str]:
        return [
            str(child.__name__)
            for child in visible_children(self.request, self.item)
            if isinstance(child, (File, WorkspaceFolder))
        ]

    def get_member(self, name: str) -> Any:
        return self.provider.get_resource_inst(util.join_uri(self.path, name), self.environ)

    def prevent_locking(self) -> bool:
        return True  # only files are checked out

    def _may_add(self) -> None:
        if self.request.identity is None or not self.request.has_permission("add", self.item):
            raise forbidden(self.request)

    def create_empty_resource(self, name: str) -> Any:
        """A file to be: a PUT stores it as it reads the body; a LOCK of a name that is not
        there yet (RFC 4918, 7.3) stores an empty file at once."""
        self._may_add()
        path = util.join_uri(self.path, name)
        if self.environ["REQUEST_METHOD"] == "PUT":
            return NewFile(self, path, name)
        try:
            with spool(self.request, io.BytesIO(), name, 0) as spooled:
                file = store_upload(self.request, self.item, spooled)
        except FileRefused as refusal:
            raise refused(self.request, refusal) from None
        self.provider.forget(path)
        return FileResource(self.provider, path, self.environ, file)

    def create_collection(self, name: str) -> None:
        self._may_add()
        try:
            new_folder(self.request, self.item, name)
        except FileRefused as refusal:
            raise refused(self.request, refusal) from None
        self.provider.forget(self.path)

    def handle_delete(self) -> bool:
        if self.item is self.provider.root_folder():
            message = _("The workspace itself cannot be deleted.")
            raise Refusal(HTTP_FORBIDDEN, self.request.localizer.translate(message))
        return super().handle_delete()

    def handle_move(self, dest_path: str) -> bool:
        if self.item is self.provider.root_folder():
            message = _("The workspace itself cannot be moved.")
            raise Refusal(HTTP_FORBIDDEN, self.request.localizer.translate(message))
        return super().handle_move(dest_path)


class _Body:
    """wsgidav's pieces of a PUT body as a stream to read (``spool`` reads one)."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces: Iterator[bytes] = iter(pieces)
        self._rest = b""

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self._rest + b"".join(self._pieces)
        while len(self._rest) < size:
            piece = next(self._pieces, b"")
            if not piece:
                break
            self._rest += piece
        chunk, self._rest = self._rest[:size], self._rest[size:]
        return chunk


class _Writer:
    """What wsgidav writes a PUT body to: it hands over all of it at once
    (``writelines``), which goes straight into ``spool`` and ``store_upload``."""

    def __init__(self, resource: Any, folder: Any, name: str) -> None:
        self.resource, self.folder, self.name = resource, folder, name

    def writelines(self, pieces: Iterable[bytes]) -> None:
        request = self.resource.request
        length = request.content_length
        try:
            body = cast(IO[bytes], _Body(pieces))
            with spool(request, body, self.name, length) as spooled:
                self.resource.stored = store_upload(
                    request, self.folder, spooled, token=self.resource.lock_token()
                )
        except FileRefused as refusal:
            raise refused(request, refusal) from None

    def close(self) -> None:
        pass


class _Content(_Item):
    """What a stored file and a file about to be stored share: writing it."""

    stored: File | None = None

    def lock_token(self) -> str | None:
        return token_for(self.environ, self.stored) if self.stored is not None else None

    def end_write(self, *, with_errors: bool) -> None:
        self.provider.forget(self.path)

    def get_etag(self) -> str | None:
        return (
            self.stored.stored.sha256 if self.stored is not None and self.stored.versions else None
        )

    def support_etag(self) -> bool:
        return True


class NewFile(_Content, DAVNonCollection):
    """The name of a PUT that is no file yet."""

    def __init__(self, folder: FolderResource, path: str, name: str) -> None:
        DAVNonCollection.__init__(self, path, folder.environ)
        self.provider, self.folder, self.name = folder.provider, folder, name
        self.item = None

    def get_content_length(self) -> int:
        return self.stored.size if self.stored is not None else 0

    def get_content_type(self) -> str:
        return "application/octet-stream"

    def get_content(self) -> IO[bytes]:
        raise DAVError(HTTP_FORBIDDEN)

    def begin_write(self, *, content_type: str | None = None) -> Any:
        return _Writer(self, self.folder.item, self.name)


class FileResource(_Content, DAVNonCollection):
    def __init__(self, provider: WorkspaceProvider, path: str, environ: dict, item: File) -> None:
        DAVNonCollection.__init__(self, path, environ)
        self.provider, self.item, self.stored = provider, item, item

    def lock_token(self) -> str | None:
        return token_for(self.environ, self.item)

    def get_content_length(self) -> int:
        return int(self.item.size)

    def get_content_type(self) -> str:
        return str(self.item.media_type)

    def get_content(self) -> IO[bytes]:
        if not self.item.versions:
            return io.BytesIO()
        # the committed blob's own file: read after the transaction, as the web's download
        return Path(self.item.stored.blob.committed()).open("rb")  # (wsgidav closes it)

    def support_ranges(self) -> bool:
        return True

    def begin_write(self, *, content_type: str | None = None) -> Any:
        return _Writer(self, self.item.__parent__, self.item.__name__)

    def finalize_headers(self, environ: dict, response_headers: list) -> None:
        # a client reads the bytes; a browser that opens them from here runs nothing
        response_headers.append(("X-Content-Type-Options", "nosniff"))
        response_headers.append(("Content-Security-Policy", SANDBOX))
        response_headers.append(("Content-Disposition", "attachment"))

    def get_property_value(self, name: str) -> Any:
        if name == "{DAV:}supportedlock":  # exclusive write locks only: a check-out
            supported = etree.Element(name)
            entry = etree.SubElement(supported, "{DAV:}lockentry")
            etree.SubElement(etree.SubElement(entry, "{DAV:}lockscope"), "{DAV:}exclusive")
            etree.SubElement(etree.SubElement(entry, "{DAV:}locktype"), "{DAV:}write")
            return supported
        return super().get_property_value(name)
