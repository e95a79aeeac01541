"""The workspace's part of a site export and import, and of "Download my data".

A folder's document says only that it is one (``{"folder": true}``: its title is its name,
which the import gives it). A file's document carries, under
``extra.workspace``, every version (its bytes by SHA-256 through the core's ``file_ref``,
who stored it, when, the note, whether it was scanned), its thumbnail and the text found in
it (so search finds it on the new site without reading the files again). Its lock does not
travel (a check-out belongs to a session on this installation), nor does the trash (it is
not part of the site's tree). An import checks the file's name as an upload's, numbers the
versions 1, 2, 3… and counts their bytes in the new site's usage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from persistent.list import PersistentList

from pleio_core.plugin_api import SiteRoot, StoredFile, content_in

from .files.model import File, Version, WorkspaceFolder
from .files.names import BadName, clean_name
from .trash import add_usage

FileRef = Callable[[StoredFile], dict[str, Any]]
#: At most this much found text travels (what ``facts.extract`` keeps, with room to spare).
MAX_TEXT = 200_000


def export_extra(
    content: object, email_of: Callable[[str | None], str | None], file_ref: FileRef
) -> dict[str, Any] | None:
    if isinstance(content, WorkspaceFolder):
        return {"folder": True}  # (so that the import gives it its title: its name)
    if not isinstance(content, File):
        return None
    versions = [
        {
            "number": v.number,
            "file": file_ref(v.stored),
            "author": email_of(v.author),
            "author_name": v.author_name,
            "note": v.note,
            "created": v.created.isoformat(),
            "scanned": v.scanned,
        }
        for v in content.versions
    ]
    thumbnail = file_ref(content.thumbnail) if content.thumbnail is not None else None
    return {"versions": versions, "thumbnail": thumbnail, "text": content.extracted_text}


def _text(record: Mapping[str, Any], key: str, limit: int = 2000) -> str:
    value = record.get(key, "")
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"a file version's {key} is not text of at most {limit} characters")
    return value


def _time(record: Mapping[str, Any]) -> datetime:
    try:
        when = datetime.fromisoformat(_text(record, "created", 64))
    except ValueError:
        raise ValueError("a file version's time is not an ISO 8601 time") from None
    if when.tzinfo is None:
        raise ValueError("a file version's time has no time zone")
    return when


def site_root_of(content: object) -> SiteRoot:
    node: Any = content
    while getattr(node, "__parent__", None) is not None:
        node = node.__parent__
    if not isinstance(node, SiteRoot):  # (never: import attaches before it calls us)
        raise ValueError("a file outside a site")
    return node


def import_extra(
    content: object,
    data: Any,
    account_id: Callable[[str | None], str | None],
    stored_file: Callable[[Mapping[str, Any]], StoredFile],
) -> None:
    if not isinstance(content, File | WorkspaceFolder):
        raise ValueError("workspace data on something that is not a folder or file")
    name = content.__name__ or ""
    try:
        if clean_name(name) != name:
            raise BadName(name)
    except BadName:
        raise ValueError(f"a folder or file cannot be named {name[:60]!r}") from None
    content.title = name  # (the schema leaves the title out: it is the name)
    if isinstance(content, WorkspaceFolder):
        if data != {"folder": True}:
            raise ValueError("a folder has no data of its own")
        return
    if not isinstance(data, dict):
        raise ValueError("the file's data is not an object")
    versions, thumbnail, text = data.get("versions"), data.get("thumbnail"), data.get("text", "")
    if not isinstance(versions, list) or not versions:
        raise ValueError("a file without versions")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise ValueError("a file's text is not text, or too long")
    content.versions = PersistentList()
    for number, record in enumerate(versions, 1):
        if not isinstance(record, dict) or record.get("number") != number:
            raise ValueError("a file's versions are not numbered 1, 2, 3…")
        author = record.get("author")
        version = Version(
            number,
            stored_file(record.get("file")),  # type: ignore[arg-type]
            account_id(author if isinstance(author, str) else None),
            _text(record, "author_name", 300),
            _text(record, "note"),
        )
        version.created = _time(record)
        version.scanned = bool(record.get("scanned", True))
        content.versions.append(version)
    content.thumbnail = stored_file(thumbnail) if thumbnail is not None else None
    content.extracted_text = text
    add_usage(site_root_of(content), sum(v.stored.size for v in content.versions))
    if isinstance(content.__parent__, WorkspaceFolder):  # its size, for the folder's orders
        content.__parent__.relist(content)


def personal_data(site: SiteRoot, account_id: str, file_ref: FileRef) -> dict[str, Any] | None:
    """The versions the account stored, of any file (with their bytes): someone else's file
    they added a version to is listed with that version only."""
    found = []
    for node in content_in(site):
        if not isinstance(node, File):
            continue
        theirs = [v for v in node.versions if v.author == account_id]
        if theirs:
            found.append(
                {
                    "path": "/".join(_path(node)),
                    "versions": [
                        {
                            "number": v.number,
                            "file": file_ref(v.stored),
                            "note": v.note,
                            "created": v.created.isoformat(),
                        }
                        for v in theirs
                    ],
                }
            )
    return {"files": found} if found else None


def _path(node: Any) -> list[str]:
    names = []
    while node is not None and node.__name__:
        names.append(node.__name__)
        node = node.__parent__
    return names[::-1]
