"""Files held by content: the bytes in a ZODB blob, with the facts an archive and a download need.

A content type keeps a file in a field of its schema typed ``StoredFileType``; the export
writes each file's bytes once (by SHA-256), whatever number of contents hold it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import IO, Any

import colander
from persistent import Persistent
from ZODB.blob import Blob

CHUNK = 1 << 20


class StoredFile(Persistent):
    """One uploaded file: its bytes (a blob), name, media type, size and SHA-256."""

    def __init__(self, blob: Blob, filename: str, media_type: str, size: int, sha256: str):
        self.blob, self.filename, self.media_type = blob, filename, media_type
        self.size, self.sha256 = size, sha256

    def chunks(self) -> Iterator[bytes]:
        """The bytes in pieces of ``CHUNK``: a large file is never read whole."""
        with self.blob.open("r") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk


def write_blob(source: IO[bytes], limit: int | None = None) -> tuple[Blob, int, str]:
    """Copy ``source`` into a new blob; its size and SHA-256. ValueError beyond ``limit``."""
    blob = Blob()
    digest, size = hashlib.sha256(), 0
    with blob.open("w") as target:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if limit is not None and size > limit:
                raise ValueError(f"more than {limit} bytes")
            digest.update(chunk)
            target.write(chunk)
    return blob, size, digest.hexdigest()


def store_file(source: IO[bytes], filename: str, media_type: str) -> StoredFile:
    """A StoredFile with the bytes of ``source`` (an open binary file or stream)."""
    blob, size, sha256 = write_blob(source)
    return StoredFile(blob, filename, media_type, size, sha256)


class StoredFileType(colander.SchemaType):
    """A schema field holding a StoredFile. Serialised as its facts (an archive, the API);
    the bytes travel apart, under their SHA-256. Deserialising accepts a StoredFile."""

    def serialize(self, node: colander.SchemaNode, appstruct: Any) -> Any:
        if appstruct in (colander.null, None):
            return colander.null
        return {
            "sha256": appstruct.sha256,
            "filename": appstruct.filename,
            "media_type": appstruct.media_type,
            "size": appstruct.size,
        }

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if cstruct in (colander.null, None):
            return colander.null
        if not isinstance(cstruct, StoredFile):
            raise colander.Invalid(node, "not a stored file")
        return cstruct
