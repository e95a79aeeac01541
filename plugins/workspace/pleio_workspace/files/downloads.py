"""Handing a file out: streamed from its blob, and never run by the browser as a page.

Everything is an attachment except the few image types browsers only ever draw; every
answer says ``nosniff`` and carries a sandboxing Content-Security-Policy, so even a file
that claims to be something it is not cannot run in the site's origin.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pyramid.request import Request
from pyramid.response import FileResponse, Response

from pleio_core.plugin_api import StoredFile

from ..facts.sniff import INLINE_TYPES
from ..zips import zip_stream
from .model import File, WorkspaceFolder

#: Nothing in a downloaded file may run, load or submit anything.
SANDBOX = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
CHUNK = 1 << 20


def disposition(kind: str, name: str) -> str:
    """``Content-Disposition`` with the name for every browser: an ASCII stand-in and the
    real name in UTF-8 (RFC 6266)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%' else "_" for c in name)
    return f"{kind}; filename=\"{fallback or 'download'}\"; filename*=UTF-8''{quote(name, safe='')}"


def guarded(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def file_response(
    request: Request, stored: StoredFile, name: str, inline: bool = False
) -> Response:
    """The bytes of ``stored`` from its committed blob file (the server sends it in pieces)."""
    media_type = stored.media_type
    shown = inline and media_type in INLINE_TYPES
    response = FileResponse(
        stored.blob.committed(),
        request=request,
        content_type=media_type if shown or media_type != "text/html" else "text/plain",
    )
    response.headers["Content-Disposition"] = disposition("inline" if shown else "attachment", name)
    response.cache_control = "private, no-cache"
    return guarded(response)


class BlobFile:
    """A committed blob read by its path: a ZIP written after the transaction is over
    reads files, not the database."""

    def __init__(self, path: str, size: int, media_type: str) -> None:
        self.path, self.size, self.media_type = path, size, media_type

    def chunks(self) -> Iterator[bytes]:
        with Path(self.path).open("rb") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk


def zip_entries(request: Request, folder: Any) -> list[tuple[str, BlobFile | None, datetime]]:
    """What goes in ``folder``'s ZIP: what the visitor may see, by its path inside it
    (nothing below a folder they may not see)."""
    entries: list[tuple[str, BlobFile | None, datetime]] = []
    pending: list[tuple[str, Any]] = [("", folder)]
    while pending:
        prefix, here = pending.pop()
        for name, item in here.items():
            if not isinstance(item, (File, WorkspaceFolder)) or not request.has_permission(
                "view", item
            ):
                continue
            if isinstance(item, WorkspaceFolder):
                entries.append((f"{prefix}{name}/", None, item.modified))
                pending.append((f"{prefix}{name}/", item))
            elif item.versions:
                stored = item.stored
                blob = BlobFile(stored.blob.committed(), stored.size, stored.media_type)
                entries.append((prefix + name, blob, item.modified))
    return entries


def zip_response(request: Request, folder: Any, name: str) -> Response:
    entries = zip_entries(request, folder)
    response = Response(content_type="application/zip")
    response.app_iter = zip_stream(entries)
    response.headers["Content-Disposition"] = disposition("attachment", name + ".zip")
    response.cache_control = "private, no-cache"
    return guarded(response)
