""" "Download my data": one account's profile, content and files from one deelsite (GDPR).

Only what is theirs: the content they own (with their own comments and likes on it, and
its revisions without the names of others who edited it), their comments elsewhere, their
membership. Nobody else's address or name is in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from pyramid.registry import Registry

from pleio_core.clock import now
from pleio_core.content.comments import comments_of
from pleio_core.content.files import StoredFile
from pleio_core.content.site import SiteRoot
from pleio_core.notifications.follows import site_follows
from pleio_core.notifications.preferences import preferences_of
from pleio_core.people.exchange import own_profile, photo_of
from pleio_core.security.accounts import Account
from pleio_core.security.membership import site_members
from pleio_core.services import CONTENT_TYPES, PLUGINS

from .archive import ArchiveWriter, content_member, dump, file_member, iso
from .documents import document_of, file_facts
from .errors import ArchiveError
from .export import GC_EVERY, require_every_module, walk

FORMAT = "pleio-personal-export"
FORMAT_VERSION = 1


class OnlyThem:
    """Names one account; everybody else stays anonymous."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def email_of(self, account_id: str | None) -> str | None:
        return self.account.email if account_id == self.account.id else None


def _theirs(document: dict[str, Any], email: str) -> dict[str, Any]:
    document["comments"] = [c for c in document["comments"] if c["author"] == email]
    document["likes"] = [e for e in document["likes"] if e == email]
    for revision in document["revisions"]:
        if revision["author"] != email:
            revision["author_name"] = ""
    return document


class PluginPartError(ArchiveError):
    """A module could not give its part of someone's data (``module`` names it)."""

    def __init__(self, module: str, why: str) -> None:
        super().__init__(f"the module {module!r} could not give its part of the data: {why}")
        self.module = module


def plugin_parts(
    root: SiteRoot,
    account: Account,
    registry: Registry,
    files: list[StoredFile] | None = None,
) -> dict[str, Any]:
    """Each enabled plugin's ``pleio_personal_data`` for the account (those with one); the
    files they refer to (``file_ref``) are appended to ``files``, to be written after."""
    plugins = PLUGINS(registry)
    parts: dict[str, Any] = {}
    wanted = files if files is not None else []

    def file_ref(stored: StoredFile) -> dict[str, Any]:
        wanted.append(stored)
        return file_facts(stored)

    for module in root.enabled_modules:
        if module not in plugins:
            continue
        try:
            answers = plugins.call_for(
                module,
                "pleio_personal_data",
                site=root,
                account_id=account.id,
                registry=registry,
                file_ref=file_ref,
            )
            if answers:
                dump(answers[0])  # what JSON cannot hold is refused here, not half-way
        except Exception as exc:
            raise PluginPartError(module, f"{type(exc).__name__}: {exc}") from exc
        if answers:
            parts[module] = answers[0]
    return parts


def notification_choices(root: SiteRoot, account_id: str) -> dict[str, Any]:
    """What the account follows here and how it chose to be notified (not the
    notifications themselves: they name other people)."""
    follows = site_follows(root)
    chosen = preferences_of(root, account_id)
    return {
        "following": sorted(follows.followed(account_id)) if follows is not None else [],
        "digest": chosen.frequency,
        "deliveries": dict(sorted(chosen.deliveries.items())),
    }


def export_personal(
    root: SiteRoot, site_name: str, account: Account, registry: Registry, target: IO[bytes]
) -> dict[str, Any]:
    """Write ``account``'s data on this site to ``target``; the manifest.

    ArchiveError, before anything is written, when a module the site has switched on is
    not installed or a plugin cannot give its part: the archive would hold less than the
    site keeps about them."""
    require_every_module(root, registry)
    their_files: list[StoredFile] = []
    parts = plugin_parts(root, account, registry, their_files)
    types = CONTENT_TYPES(registry)
    names = OnlyThem(account)
    writer = ArchiveWriter(target)
    elsewhere: list[dict[str, Any]] = []
    counts = {"content": 0, "files": 0, "comments_elsewhere": 0}

    def on_file(stored: StoredFile) -> None:
        if writer.write_file(stored.sha256, stored.chunks()):
            counts["files"] += 1

    for stored in their_files:
        on_file(stored)

    def their_comments() -> Iterator[dict[str, Any]]:
        yield from elsewhere

    for number, (path, content) in enumerate(walk(root), 1):
        content_type = types.of(content)
        if content_type is None:
            continue
        if content.owner == account.id:
            document = document_of(content, content_type, path, names, registry, [], on_file)
            counts["content"] += 1
            writer.write_json(content_member(counts["content"]), _theirs(document, account.email))
        else:
            comments = comments_of(content)
            for comment in comments.all() if comments is not None else ():
                if comment.author == account.id:
                    elsewhere.append(
                        {"path": path, "text": comment.text, "created": iso(comment.created)}
                    )
        if number % GC_EVERY == 0:
            root._p_jar.cacheGC()
    members = site_members(root)
    role = members.role_of(account.id) if members is not None else None
    since = next((m.since for m in members or () if m.account_id == account.id), None)
    photo = photo_of(account, lambda sha256, data: writer.write_file(sha256, [data]))
    writer.write_json(
        "profile.json",
        {
            "email": account.email,
            "name": account.name,
            "language": account.language,
            "created": iso(account.created),
            "last_sign_in": iso(account.last_sign_in),
            "two_factor": account.two_factor,
            "site": site_name,
            "role": role,
            "member_since": iso(since),
            # their profile on this site, every field (the person sees all of their own)
            "site_profile": own_profile(root, account.id),
            "photo": file_member(photo) if photo is not None else None,
        },
    )
    counts["comments_elsewhere"] = writer.write_lines("comments.jsonl", their_comments())
    writer.write_json("notifications.json", notification_choices(root, account.id))
    for module, part in parts.items():
        writer.write_json(f"plugins/{module}.json", part)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": now().isoformat(),
        "site": site_name,
        "account": account.email,
        "counts": counts,
        "plugins": sorted(parts),
    }
    writer.finish(manifest)
    return manifest
