"""Export a whole deelsite into one archive, in constant memory.

The tree is walked lazily (folder by folder, never a list of everything), each object is
written as its own member, files are copied from their blobs in chunks, and the objects
read are turned back into ghosts every ``GC_EVERY`` objects.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from pyramid.registry import Registry
from pyramid.traversal import resource_path
from ZODB.broken import Broken

from pleio_core.clock import now
from pleio_core.content.files import StoredFile
from pleio_core.content.folder import Folder
from pleio_core.content.model import Content, is_attached
from pleio_core.content.site import ModuleFolder, SiteRoot
from pleio_core.people.exchange import (
    field_records,
    photo_of,
    profile_records,
    public_directory,
)
from pleio_core.plugins.manager import core_version
from pleio_core.security.accounts import Accounts
from pleio_core.security.membership import site_members
from pleio_core.services import CONTENT_TYPES, PLUGINS
from pleio_core.sites.audit import audit_log
from pleio_core.sites.config import SiteConfig

from .appearance import appearance_of
from .archive import (
    ACCOUNTS,
    AUDIT_LOG,
    FORMAT,
    FORMAT_VERSION,
    MEMBERS,
    PROFILE_FIELDS,
    PROFILES,
    ArchiveWriter,
    content_member,
    iso,
)
from .documents import document_of, extra_plugins
from .errors import ArchiveError

GC_EVERY = 500
Progress = Callable[[int, int], None]  # objects done, bytes written


class AccountDirectory:
    """Account id → e-mail address, remembering every account the archive names."""

    def __init__(self, accounts: Accounts | None) -> None:
        self.accounts = accounts
        self.named: dict[str, str] = {}

    def email_of(self, account_id: str | None) -> str | None:
        if not account_id:
            return None
        email = self.named.get(account_id)
        if email is None and self.accounts is not None:
            account = self.accounts.get(account_id)
            if account is not None:
                email = self.named[account_id] = account.email
        return email

    def write_photos(self, write_file: Callable[[str, bytes], object]) -> dict[str, str]:
        """The photo of each account named, written (before the accounts' lines: a zip
        writes one member at a time); account id → its SHA-256."""
        found = {}
        for account_id in self.named:
            account = self.accounts.get(account_id) if self.accounts is not None else None
            photo = photo_of(account, write_file) if account is not None else None
            if photo is not None:
                found[account_id] = photo
        return found

    def records(
        self, include_credentials: bool, photos: dict[str, str]
    ) -> Iterator[dict[str, Any]]:
        accounts = self.accounts
        for account_id in sorted(self.named, key=self.named.__getitem__):
            account = accounts.get(account_id) if accounts is not None else None
            if account is None:  # (never: only accounts found are named)
                continue
            record = {
                "email": account.email,
                "name": account.name,
                "language": account.language,
                "email_verified": account.email_verified,
            }
            if include_credentials and account.password_hash:
                record["password_hash"] = account.password_hash
            if account_id in photos:
                record["photo"] = photos[account_id]
            yield record


def walk(root: SiteRoot) -> Iterator[tuple[str, Content]]:
    """Every content object with its path, parents before children, lazily.

    Anything else in a folder (an object whose class is gone with its plugin: ZODB reads it
    as ``Broken``) stops the export: an archive never holds less than the site.
    """
    stack: list[tuple[str, Iterator[tuple[str, Any]]]] = [("", iter(root.items()))]
    while stack:
        prefix, items = stack[-1]
        for name, item in items:
            path = prefix + name
            if isinstance(item, Content):
                yield path, item
            elif isinstance(item, Broken):
                cls = type(item)
                raise ArchiveError(
                    f"{path}: a {cls.__module__}.{cls.__name__} that cannot be read here "
                    f"(is the plugin {cls.__module__.split('.')[0]!r} installed?), so the "
                    "site cannot be exported whole"
                )
            if isinstance(item, Folder) and len(item):
                stack.append((path + "/", iter(item.items())))
                break
        else:
            stack.pop()


def site_settings(root: SiteRoot, site: SiteConfig) -> dict[str, Any]:
    folders = [
        {"name": name, "module": item.module, "title": item.title}
        for name, item in root.items()
        if isinstance(item, ModuleFolder)
    ]
    return {
        "name": site.name,
        "title": site.title,
        "description": site.description,
        "access": site.access,
        "language": site.language,
        "enabled_modules": list(root.enabled_modules),
        "module_folders": folders,
        "welcome": getattr(root, "welcome", ""),
        "join_mode": root.join_mode,
        "join_domains": list(root.join_domains),
        "require_two_factor": root.require_two_factor,
        "moved_paths": moved_paths(root),
        "public_people_directory": public_directory(root),
    }


def moved_paths(root: SiteRoot) -> dict[str, str]:
    """Old address → the content's address now, for what was moved or renamed (and is
    still there): old links keep working on the new site too."""
    moved = root.moved_paths
    if not moved:
        return {}
    return {old: resource_path(content) for old, content in moved.items() if is_attached(content)}


@dataclass
class Tally:
    """What the archive holds, for its manifest."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("content", "files", "file_bytes", "revisions", "comments", "likes"), 0
        )
    )
    types: dict[str, int] = field(default_factory=dict)  # content type → how many
    extra_used: set[str] = field(default_factory=set)  # the plugins that wrote extra data

    def add_document(self, document: dict[str, Any], type_name: str) -> None:
        self.counts["content"] += 1
        for listed in ("revisions", "comments", "likes"):
            self.counts[listed] += len(document[listed])
        self.types[type_name] = self.types.get(type_name, 0) + 1
        self.extra_used.update(document["extra"])

    def add_file(self, size: int) -> None:
        self.counts["files"] += 1
        self.counts["file_bytes"] += size


def unavailable_modules(root: SiteRoot, registry: Registry) -> list[str]:
    """The modules the site has switched on that are not loaded here."""
    plugins = PLUGINS(registry)
    return [module for module in root.enabled_modules if module not in plugins]


def require_every_module(root: SiteRoot, registry: Registry) -> None:
    """ArchiveError if a module the site has switched on is not loaded: its data would be
    left out of any archive of the site."""
    missing = unavailable_modules(root, registry)
    if missing:
        raise ArchiveError(
            f"the site has the module {missing[0]!r} switched on, but it is not installed "
            "here, so its data cannot be exported: install it again, then export"
        )


def export_site(
    root: SiteRoot,
    site: SiteConfig,
    accounts: Accounts | None,
    registry: Registry,
    target: str | IO[bytes],
    include_credentials: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write ``root``'s whole site to ``target`` (a path or a binary file); the manifest.

    A module the site has switched on but that is not loaded here stops it before anything
    is written: its data would be left out (``ArchiveError`` names the module).
    """
    require_every_module(root, registry)
    types = CONTENT_TYPES(registry)
    directory = AccountDirectory(accounts)
    written = [0]

    def on_bytes(n: int) -> None:
        written[0] += n

    writer = ArchiveWriter(target, on_bytes)
    tally = Tally()
    extras = extra_plugins(registry, "pleio_export_extra")

    def on_file(stored: StoredFile) -> None:
        if writer.write_file(stored.sha256, stored.chunks()):
            tally.add_file(stored.size)

    try:
        for number, (path, content) in enumerate(walk(root), 1):
            content_type = types.of(content)
            if content_type is None:
                raise ArchiveError(
                    f"{path}: its type {content.type_name!r} is not installed here, "
                    "so it cannot be exported"
                )
            document = document_of(
                content, content_type, path, directory, registry, extras, on_file
            )
            writer.write_json(content_member(number), document)
            tally.add_document(document, content_type.name)
            if number % GC_EVERY == 0:
                root._p_jar.cacheGC()
            if progress:
                progress(number, written[0])
        counts = tally.counts
        counts["members"] = writer.write_lines(MEMBERS, member_records(root, directory))
        counts["audit_entries"] = writer.write_lines(AUDIT_LOG, audit_entries(root, directory))
        counts["profile_fields"] = _lines_if_any(writer, PROFILE_FIELDS, field_records(root))
        counts["profiles"] = _lines_if_any(
            writer, PROFILES, profile_records(root, directory.email_of)
        )

        def write_file(sha256: str, data: bytes) -> object:
            return writer.write_file(sha256, [data])

        appearance = appearance_of(root, write_file)
        photos = directory.write_photos(write_file)
        counts["accounts"] = writer.write_lines(
            ACCOUNTS, directory.records(include_credentials, photos)
        )
    except BaseException:
        writer.abort()
        raise
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "pleio_version": core_version(),
        "created": now().isoformat(),
        "includes_credentials": include_credentials,
        "site": {**site_settings(root, site), "appearance": appearance},
        "plugins": needed_plugins(root, registry, tally),
        "types": {
            name: {"module": types[name].module, "count": n}
            for name, n in sorted(tally.types.items())
        },
        "counts": counts,
    }
    writer.finish(manifest)
    if progress:
        progress(counts["content"], written[0])
    return manifest


def _lines_if_any(writer: ArchiveWriter, name: str, lines: Iterator[dict[str, Any]]) -> int:
    """Write the member only if it has a line (a site without profiles has no such member,
    as an archive made before them)."""
    first = next(lines, None)
    return writer.write_lines(name, itertools.chain([first], lines)) if first is not None else 0


def member_records(root: SiteRoot, directory: AccountDirectory) -> Iterator[dict[str, Any]]:
    """The site's members by e-mail address (an account removed since is left out)."""
    for member in site_members(root) or ():
        email = directory.email_of(member.account_id)
        if email:
            yield {"email": email, "role": member.role, "since": iso(member.since)}


def audit_entries(root: SiteRoot, directory: AccountDirectory) -> Iterator[dict[str, Any]]:
    """The audit log, its actors by e-mail address."""
    log = audit_log(root)
    for entry in log.entries() if log is not None else ():
        yield {
            "time": iso(entry.time),
            "kind": entry.kind,
            "actor": directory.email_of(entry.actor_id) or entry.actor_email or None,
            "details": entry.details,
        }


def needed_plugins(root: SiteRoot, registry: Registry, tally: Tally) -> dict[str, str]:
    """The plugins an import needs installed, with their versions here: those of the types
    and the enabled modules, and those that wrote extra data."""
    plugins = PLUGINS(registry)
    types = CONTENT_TYPES(registry)
    used = {types[name].module for name in tally.types} | set(root.enabled_modules)
    return {
        name: plugins.plugins[name].info.version
        for name in sorted(used | tally.extra_used)
        if name in plugins
    }
