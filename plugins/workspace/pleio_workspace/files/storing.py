"""Storing an upload: from the request's stream to a version of a file, or nothing at all.

An upload is first copied to a temporary file (``spool``), in pieces, so a file of any size
costs the same memory; its size, SHA-256 and name are checked on the way. Only when the
scanner, the quota and the lock agree is it made a blob in the site's database
(``store_upload``), inside the request's transaction: a refusal or a failure leaves
nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from pyramid.request import Request
from ZODB.blob import Blob

from pleio_core.plugin_api import (
    ContentAdded,
    ContentModified,
    FileRefused,
    StoredFile,
    add_usage,
    check_quota,
    format_size,
    group_of,
    scan_file,
    upload_limit,
)

from ..facts import extract, sniff, thumbnails
from ..i18n import _
from .locks import check_unlocked
from .model import File, Version, WorkspaceFolder
from .names import BadName, clean_name

CHUNK = 1 << 20
MAX_NOTE = 500


class Spooled:
    """An upload copied to a temporary file: its checked name, size and SHA-256."""

    def __init__(self, path: str, name: str, size: int, sha256: str) -> None:
        self.path, self.name, self.size, self.sha256 = path, name, size, sha256

    def close(self) -> None:
        Path(self.path).unlink(missing_ok=True)


def checked_name(raw: object) -> str:
    """``clean_name``, with a refusal the pages and WebDAV answer as 400."""
    try:
        return clean_name(raw)
    except BadName as bad:
        raise FileRefused(400, bad.message) from None


@contextmanager
def spool(
    request: Request, stream: IO[bytes], name: object, length: int | None = None
) -> Iterator[Spooled]:
    """Copy ``stream`` to a temporary file, which is removed again after the block.

    Refused (FileRefused) before anything is read: a bad name, a ``length`` over the limit;
    while reading: more bytes than the limit, fewer than ``length`` (cut off).
    """
    clean = checked_name(name)
    limit = upload_limit(request)
    if length is not None and length > limit:
        raise too_large(request, clean, limit)
    handle, path = tempfile.mkstemp(prefix="pleio-upload-", dir=_blob_temporary_directory(request))
    spooled = Spooled(path, clean, 0, "")
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(handle, "wb") as target:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large(request, clean, limit)
                digest.update(chunk)
                target.write(chunk)
        if length is not None and size < length:
            raise FileRefused(
                400,
                _("The upload of “${name}” was cut off: try again.", mapping={"name": clean}),
            )
        spooled.size, spooled.sha256 = size, digest.hexdigest()
        yield spooled
    finally:
        spooled.close()


def _blob_temporary_directory(request: Request) -> str | None:
    """Where the site's storage makes blobs: a file spooled there becomes a blob by being
    renamed (``consumeFile``), not copied once more; None (the system's) without one."""
    jar = getattr(request.site_root, "_p_jar", None)
    storage = jar.db().storage if jar is not None else None
    try:
        return str(storage.temporaryDirectory()) if storage is not None else None
    except AttributeError:  # a storage without blobs
        return None


def too_large(request: Request, name: str, limit: int) -> FileRefused:
    return FileRefused(
        413,
        _(
            "“${name}” is larger than the ${limit} a file may have here.",
            mapping={"name": name, "limit": format_size(limit, request.locale_name)},
        ),
    )


def _stored(spooled: Spooled, media_type: str) -> StoredFile:
    """The spooled file as a blob: moved into the blob store (it is gone from its place)."""
    blob = Blob()
    blob.consumeFile(spooled.path)
    return StoredFile(blob, spooled.name, media_type, spooled.size, spooled.sha256)


def _note(note: object) -> str:
    text = " ".join(note.split()) if isinstance(note, str) else ""
    if len(text) > MAX_NOTE:
        raise FileRefused(400, _("A note is at most ${n} characters.", mapping={"n": MAX_NOTE}))
    return text


def store_upload(
    request: Request,
    folder: Any,
    spooled: Spooled,
    note: str = "",
    token: str | None = None,
) -> File:
    """``spooled`` as a new file in ``folder``, or as a new version of the file of its name.

    The caller has checked that the visitor may ``add`` in ``folder``; a new version needs
    ``edit`` on the file and its lock (``token``, when someone holds one). A folder of that
    name is a refusal (409).
    """
    note = _note(note)
    existing = folder.get(spooled.name)
    if existing is not None and not isinstance(existing, File):
        raise FileRefused(
            409, _("A folder here is called “${name}” already.", mapping={"name": spooled.name})
        )
    if existing is not None:
        if not request.has_permission("view", existing):
            # (the name is taken by what the visitor may not see: said without saying so)
            raise FileRefused(
                403,
                _(
                    "You may not store a file called “${name}” here.",
                    mapping={"name": spooled.name},
                ),
            )
        if not request.has_permission("edit", existing):
            raise FileRefused(
                403,
                _(
                    "“${name}” exists here already, and you may not store a new version of it.",
                    mapping={"name": spooled.name},
                ),
            )
        check_unlocked(request, existing, token)
    scanned = scan_file(request, spooled.path, spooled.name)
    check_quota(request, spooled.size)
    media_type = sniff.media_type(spooled.path, spooled.name)
    identity = request.identity
    author = identity.id if identity is not None else None
    author_name = identity.name if identity is not None else ""
    file = existing if existing is not None else File(spooled.name, owner=author)
    with_facts(file, spooled.path, media_type)  # (before the spooled file becomes the blob)
    version = Version(
        len(file.versions) + 1, _stored(spooled, media_type), author, author_name, note
    )
    version.scanned = scanned
    file.add_version(version)
    add_usage(request.site_root, spooled.size)
    if existing is None:
        file.owner_name = author_name
        file.access = _inherited_access(folder)
        file.group = group_of(request, folder)
        folder.add(spooled.name, file)
        request.registry.notify(ContentAdded(file, request))
    else:
        file.serial += 1
        request.registry.notify(ContentModified(file, request))
    return file


def with_facts(file: File, path: str, media_type: str) -> None:
    """The thumbnail and the searchable text of the file at ``path``, kept on ``file``."""
    picture = thumbnails.thumbnail(path, media_type)
    file.thumbnail = _small_file(picture, file.title) if picture else None
    file.extracted_text = extract.text_of(path, media_type)


def _small_file(data: bytes, name: str) -> StoredFile:
    blob = Blob()
    with blob.open("w") as target:
        target.write(data)
    sha256 = hashlib.sha256(data).hexdigest()
    return StoredFile(blob, name + ".png", "image/png", len(data), sha256)


def _inherited_access(folder: Any) -> str:
    """A new item starts as open as the folder it is put in (a module folder: members)."""
    access = getattr(folder, "access", None)
    return access if isinstance(folder, WorkspaceFolder) and access else "members"


def new_folder(request: Request, parent: Any, name: object) -> WorkspaceFolder:
    """A folder called ``name`` in ``parent``; 409 when the name is taken there."""
    clean = checked_name(name)
    if clean in parent:
        raise FileRefused(409, _("“${name}” exists here already.", mapping={"name": clean}))
    identity = request.identity
    folder = WorkspaceFolder(clean, owner=identity.id if identity is not None else None)
    folder.owner_name = identity.name if identity is not None else ""
    folder.access = _inherited_access(parent)
    folder.group = group_of(request, parent)
    parent.add(clean, folder)
    request.registry.notify(ContentAdded(folder, request))
    return folder


def restore_version(request: Request, file: File, number: int, token: str | None = None) -> Version:
    """Make version ``number`` the newest again, as a new version: nothing is lost."""
    check_unlocked(request, file, token)
    old = next((v for v in file.versions if v.number == number), None)
    if old is None:
        raise FileRefused(404, _("This file has no version ${n}.", mapping={"n": number}))
    # every version counts in the usage (what the trash gives back when it is deleted for
    # good, ``trash.versions_size``): the restored one too, or a restore and a delete
    # would free room that was never taken
    check_quota(request, old.stored.size)
    identity = request.identity
    note = _("Version ${n} restored", mapping={"n": number})
    version = Version(
        len(file.versions) + 1,
        old.stored,
        identity.id if identity is not None else None,
        identity.name if identity is not None else "",
        request.localizer.translate(note),
    )
    version.scanned = old.scanned
    file.add_version(version)
    add_usage(request.site_root, old.stored.size)
    with_facts(file, old.stored.blob.committed(), old.stored.media_type)
    file.serial += 1
    request.registry.notify(ContentModified(file, request))
    return version
