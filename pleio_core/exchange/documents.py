"""One content object as a JSON document, and back: through its type's colander schema.

Fields are serialised by the type's schema (so a plugin's own fields travel without code of
its own), accounts are named by e-mail address, files by SHA-256. A plugin adds data the
schema does not hold with the ``pleio_export_extra`` / ``pleio_import_extra`` hooks; files
in that data travel as a file field's do (``file_ref`` on export, ``stored_file`` back).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

import colander
from pyramid.registry import Registry

from pleio_core.content.access import ACCESS_LEVELS
from pleio_core.content.comments import Comment, comments_of
from pleio_core.content.editing import content_values
from pleio_core.content.files import StoredFile, StoredFileType
from pleio_core.content.likes import likes_of
from pleio_core.content.model import Content
from pleio_core.content.revisions import History
from pleio_core.content.types import ContentType
from pleio_core.services import PLUGINS

from .archive import iso, parse_time
from .errors import ArchiveError, brief

#: Every access level, so that any stored value passes the schema wherever it is.
#: What ``pleio_group_of`` answers: a group's principal, never another kind of principal.
GROUP_PRINCIPAL = re.compile(r"^group:[A-Za-z0-9_-]{1,64}$")


class AccountNames(Protocol):
    """Account id ↔ e-mail address, on the installation being read or written."""

    def email_of(self, account_id: str | None) -> str | None: ...


def bound(content_type: ContentType) -> colander.SchemaNode:
    return content_type.schema().bind(request=None, access_levels=ACCESS_LEVELS)


def _nodes(schema: colander.SchemaNode) -> dict[str, colander.SchemaNode]:
    return {node.name: node for node in schema.children}


def serialize_values(schema: colander.SchemaNode, values: dict[str, Any]) -> dict[str, Any]:
    nodes = _nodes(schema)
    out = {}
    for name, value in values.items():
        if name in nodes:
            cstruct = nodes[name].serialize(colander.null if value is None else value)
            out[name] = None if cstruct is colander.null else cstruct
    return out


def deserialize_values(
    schema: colander.SchemaNode,
    fields: dict[str, Any],
    stored_file: Callable[[dict[str, Any]], StoredFile],
    where: str,
) -> dict[str, Any]:
    """Field by field, so a revision holding only some fields deserialises too."""
    nodes = _nodes(schema)
    values = {}
    for name, cstruct in fields.items():
        node = nodes.get(name)
        if node is None:
            raise ArchiveError(f"{where}: the type has no field {name!r}")
        if isinstance(node.typ, StoredFileType) and isinstance(cstruct, dict):
            cstruct = stored_file(cstruct)
        try:
            value = node.deserialize(colander.null if cstruct is None else cstruct)
        except colander.Invalid as exc:
            raise ArchiveError(f"{where}: field {name!r}: {brief(str(exc.asdict()))}") from None
        values[name] = None if value is colander.null else value
    return values


def files_in(schema: colander.SchemaNode, values: dict[str, Any]) -> list[StoredFile]:
    nodes = _nodes(schema)
    return [
        value
        for name, value in values.items()
        if name in nodes and isinstance(nodes[name].typ, StoredFileType) and value is not None
    ]


def file_facts(stored: StoredFile) -> dict[str, Any]:
    """What a document says of a file: ``{"sha256", "filename", "media_type", "size"}``
    (the bytes are ``files/<sha256>``), as a file field is written."""
    facts: dict[str, Any] = StoredFileType().serialize(colander.null, stored)
    return facts


def extra_plugins(registry: Registry, hook: str) -> list[str]:
    """The plugins implementing ``hook`` (asked once per export or import)."""
    caller = getattr(PLUGINS(registry).pm.hook, hook)
    return sorted({impl.plugin_name for impl in caller.get_hookimpls()})


def document_of(
    content: Content,
    content_type: ContentType,
    path: str,
    accounts: AccountNames,
    registry: Registry,
    extras: list[str],
    on_file: Callable[[StoredFile], None],
) -> dict[str, Any]:
    """The archive's document of ``content``; ``on_file`` is called for every file it holds
    (its file fields' and those its plugins' extra data refers to with ``file_ref``)."""
    schema = bound(content_type)
    values = content_values(content, content_type)
    for stored in files_in(schema, values):
        on_file(stored)
    document: dict[str, Any] = {
        "type": content_type.name,
        "path": path,
        "fields": serialize_values(schema, values),
        "access": {"level": content.access, "group": content.group},
        "owner": accounts.email_of(content.owner),
        "owner_name": content.owner_name,
        "created": iso(content.created),
        "modified": iso(content.modified),
        "serial": content.serial,
        "revisions": [],
        "comments": [],
        "likes": [],
        "extra": {},
    }
    history = content.history
    if history is not None:
        for number in range(1, len(history) + 1):
            revision = history.get(number)
            if revision is None:
                continue
            revision_values = revision.values
            for stored in files_in(schema, revision_values):
                on_file(stored)
            document["revisions"].append(
                {
                    "number": revision.number,
                    "author": accounts.email_of(revision.author_id),
                    "author_name": revision.author_name,
                    "time": iso(revision.time),
                    "comment": revision.comment,
                    "restored_from": revision.restored_from,
                    "values": serialize_values(schema, revision_values),
                }
            )
    comments = comments_of(content)
    if comments is not None:
        document["comments"] = [
            {
                "id": comment.id,
                "author": accounts.email_of(comment.author),
                "author_name": comment.author_name,
                "text": comment.text,
                "reply_to": comment.reply_to,
                "created": iso(comment.created),
                "modified": iso(comment.modified),
            }
            for comment in comments.all()
        ]
    likes = likes_of(content)
    if likes is not None:
        emails = (accounts.email_of(a) for a in likes.accounts())
        document["likes"] = sorted(e for e in emails if e)

    def file_ref(stored: StoredFile) -> dict[str, Any]:
        on_file(stored)
        return file_facts(stored)

    for plugin in extras:
        found = PLUGINS(registry).call_for(
            plugin,
            "pleio_export_extra",
            content=content,
            registry=registry,
            email_of=accounts.email_of,
            file_ref=file_ref,
        )
        if found and found[0] is not None:
            document["extra"][plugin] = found[0]
    return document


#: A long history is written in steps of this many revisions, comments or likes.
STEP = 20


def content_from(
    document: dict[str, Any],
    content_type: ContentType,
    account_id: Callable[[str | None], str | None],
    stored_file: Callable[[dict[str, Any]], StoredFile],
    where: str,
    attach: Callable[[Content], None] = lambda content: None,
    checkpoint: Callable[[], None] = lambda: None,
) -> Content:
    """A new content object from its document (no events sent).

    ``attach(content)`` is called once its fields are set, before its revisions, comments
    and likes are added (which may be lists read item by item, ``streaming.StreamedList``);
    ``checkpoint()`` after every ``STEP`` of them, so that a long history need not be in
    memory at once.
    """
    schema = bound(content_type)

    def values_of(fields: dict[str, Any] | None) -> dict[str, Any]:
        return deserialize_values(schema, fields or {}, stored_file, where)

    values = values_of(document.get("fields"))
    content = content_type.factory(owner=account_id(document.get("owner")))
    _set_fields(content, values)
    _set_facts(content, document, where)
    attach(content)
    _add_revisions(content, document.get("revisions"), values_of, account_id, checkpoint, where)
    _add_comments(content, document.get("comments"), account_id, checkpoint)
    _add_likes(content, document.get("likes"), account_id, checkpoint)
    return content


def in_steps(
    items: Iterable[Any], every: int, checkpoint: Callable[[], None]
) -> Iterator[tuple[int, Any]]:
    """``items`` numbered from 1, with ``checkpoint()`` before every ``every``-th."""
    for number, item in enumerate(items, 1):
        if number % every == 0:
            checkpoint()
        yield number, item


def _set_fields(content: Content, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "body":
            content.set_body(value or "")
        else:
            setattr(content, name, value)


def _set_facts(content: Content, document: dict[str, Any], where: str) -> None:
    """Its group, owner's name, times and serial: what the schema does not hold."""
    group = (document.get("access") or {}).get("group")
    if group is not None and not (isinstance(group, str) and GROUP_PRINCIPAL.match(group)):
        raise ArchiveError(f"{where}: {group!r} is not a group (group:<key>)")
    content.group = group
    content.owner_name = document.get("owner_name") or ""
    content.created = parse_time(document.get("created")) or content.created
    content.modified = parse_time(document.get("modified")) or content.modified
    content.serial = int(document.get("serial") or 0)


def _add_revisions(
    content: Content,
    revisions: Iterable[Any] | None,
    values_of: Callable[[dict[str, Any] | None], dict[str, Any]],
    account_id: Callable[[str | None], str | None],
    checkpoint: Callable[[], None],
    where: str,
) -> None:
    if not revisions:
        return
    content.history = History()
    for number, revision in in_steps(revisions, STEP, checkpoint):
        if not isinstance(revision, dict) or revision.get("number") != number:
            raise ArchiveError(f"{where}: revisions are not numbered 1, 2, 3…")
        saved = content.history.append(
            values_of(revision.get("values")),
            account_id(revision.get("author")),
            revision.get("author_name") or "",
            parse_time(revision.get("time")),
            revision.get("comment") or "",
        )
        saved.restored_from = revision.get("restored_from")


def _add_comments(
    content: Content,
    comments: Iterable[Any] | None,
    account_id: Callable[[str | None], str | None],
    checkpoint: Callable[[], None],
) -> None:
    if not comments:
        return
    stored = comments_of(content, create=True)
    for _number, data in in_steps(comments, STEP * 50, checkpoint):
        comment = Comment(
            int(data["id"]),
            account_id(data.get("author")),
            data.get("author_name") or "",
            data["text"],
            data.get("reply_to"),
        )
        comment.created = parse_time(data.get("created")) or comment.created
        comment.modified = parse_time(data.get("modified"))
        stored.put(comment)


def _add_likes(
    content: Content,
    emails: Iterable[Any] | None,
    account_id: Callable[[str | None], str | None],
    checkpoint: Callable[[], None],
) -> None:
    if not emails:
        return
    likes = likes_of(content, create=True)
    for _number, email in in_steps(emails, STEP * 500, checkpoint):
        liker = account_id(email if isinstance(email, str) else None)
        if liker:
            likes.like(liker)
