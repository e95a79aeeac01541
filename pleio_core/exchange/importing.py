"""Import an archive as a new deelsite: checked first, written in batches, removed on failure.

Before anything is written the archive has passed the safety checks, its checksums, the
check that every plugin it needs is installed, and the check of its accounts. The site's
objects are then committed in batches of ``BATCH`` (memory does not grow with the
archive); whoever calls ``write_site`` removes the database again if it raises.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import transaction
from pyramid.registry import Registry
from ZODB import DB
from ZODB.blob import Blob

from pleio_core.catalog.reindex import reindex_site
from pleio_core.content.files import StoredFile, write_blob
from pleio_core.content.folder import Folder
from pleio_core.content.markup import FILE_NAME_RULE, ITEM_NAME_RULE, is_file_name, is_item_name
from pleio_core.content.model import Content
from pleio_core.content.moves import remember_move
from pleio_core.content.schedule import schedule_content
from pleio_core.content.site import ROOT_KEY, ModuleFolder, SiteRoot
from pleio_core.people.exchange import restore_people, restore_photo
from pleio_core.security.accounts import AccountError, Accounts, clean_name, normalise_email
from pleio_core.security.membership import site_members
from pleio_core.services import CONTENT_TYPES, PLUGINS
from pleio_core.sites.audit import audit_log
from pleio_core.sites.config import SiteConfig

from .appearance import restore_appearance
from .archive import (
    ACCOUNTS,
    AUDIT_LOG,
    MEMBERS,
    PROFILE_FIELDS,
    PROFILES,
    ArchiveReader,
    parse_time,
)
from .documents import content_from, in_steps
from .errors import ArchiveError, brief
from .streaming import Budget

BATCH = 500
#: What the plan of an archive's accounts may take in memory (about 150,000 new ones).
ACCOUNTS_BUDGET = 96 << 20
#: What an account record brings besides its address and name.
ACCOUNT_FIELDS = ("language", "email_verified", "password_hash", "photo")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
Progress = Callable[[int, int], None]  # objects written, of how many


def check_plugins(reader: ArchiveReader, registry: Registry) -> None:
    """Every plugin and content type the archive holds is installed here, or ArchiveError."""
    manifest = reader.manifest
    installed = PLUGINS(registry)
    types = CONTENT_TYPES(registry)
    wanted: dict[str, str] = dict(manifest["plugins"])
    for name, info in manifest["types"].items():
        if name not in types:
            module = info.get("module", "?") if isinstance(info, dict) else "?"
            wanted.setdefault(module, "?")
            if module in installed:  # installed, but a version without this type
                raise ArchiveError(f"content type {name!r} is not declared by plugin {module!r}")
    missing = [
        f"{name} {version}" for name, version in sorted(wanted.items()) if name not in installed
    ]
    if missing:
        raise ArchiveError(
            "the archive needs plugins that are not installed here: " + ", ".join(missing)
        )


@dataclass
class AccountPlan:
    """Which e-mail address is which account here; the accounts still to be made."""

    ids: dict[str, str] = field(default_factory=dict)
    new: list[dict[str, Any]] = field(default_factory=list)

    def account_id(self, email: str | None) -> str | None:
        if not email:
            return None
        try:
            return self.ids[email]
        except KeyError:
            raise ArchiveError(f"the archive names {email!r}, who is not in {ACCOUNTS}") from None


def plan_accounts(reader: ArchiveReader, accounts: Accounts | None) -> AccountPlan:
    """Match the archive's accounts to this platform's by e-mail; new ones get an id now."""
    plan = AccountPlan()
    budget = Budget(ACCOUNTS_BUDGET, f"the list of accounts ({ACCOUNTS})")
    for record in reader.lines(ACCOUNTS):
        try:
            email = normalise_email(record["email"])
            name = clean_name(record.get("name") or email.split("@")[0])
        except (AccountError, KeyError, TypeError, AttributeError) as exc:
            raise ArchiveError(f"{ACCOUNTS}: a bad account: {brief(str(exc))}") from None
        if email in plan.ids:
            raise ArchiveError(f"{ACCOUNTS}: {email} is in it twice")
        existing = accounts.by_email(email) if accounts is not None else None
        if existing is not None:
            plan.ids[email] = existing.id
        else:
            plan.ids[email] = secrets.token_hex(16)
            kept = {key: record.get(key) for key in ACCOUNT_FIELDS}
            plan.new.append({**kept, "email": email, "name": name})
            budget.spend(sum(map(sys.getsizeof, kept.values())) + 400)
        budget.spend(sys.getsizeof(email) + 200)
    return plan


def create_accounts(
    accounts: Accounts, plan: AccountPlan, read_file: Callable[[str], bytes] | None = None
) -> int:
    """Make the planned accounts: without a password hash they cannot sign in until they
    set a password (the reset link), with one they sign in as before. A photo (by its
    SHA-256, read with ``read_file``) is checked and made again as an upload is; the
    accounts that were here already keep theirs."""
    for record in plan.new:
        account = accounts.add(
            record["email"],
            record["name"],
            record.get("language") or "nl",
            plan.ids[record["email"]],
        )
        account.email_verified = bool(record.get("email_verified"))
        account.password_hash = record.get("password_hash") or None
        photo = record.get("photo")
        if photo and read_file is not None:
            if not isinstance(photo, str) or not SHA256.match(photo):
                raise ArchiveError(f"{ACCOUNTS}: {record['email']}: a bad photo {photo!r}")
            try:
                restore_photo(account, read_file(photo))
            except ValueError as exc:
                raise ArchiveError(f"{ACCOUNTS}: {exc}") from None
    return len(plan.new)


class _Files:
    """Blobs made from the archive's files, one per SHA-256, checked while copied."""

    def __init__(self, reader: ArchiveReader) -> None:
        self.reader = reader
        self.blobs: dict[str, Blob] = {}

    def __call__(self, facts: Mapping[str, Any]) -> StoredFile:
        if not isinstance(facts, Mapping):
            raise ArchiveError(f"a file reference that is not an object: {brief(repr(facts))}")
        sha256 = facts.get("sha256")
        if not isinstance(sha256, str) or not SHA256.match(sha256):
            raise ArchiveError(f"a file field without a valid sha256: {facts!r}")
        blob = self.blobs.get(sha256)
        if blob is None:
            with self.reader.open_file(sha256) as source:
                blob, _size, digest = write_blob(source)
            if digest != sha256:
                raise ArchiveError(f"the file {sha256} does not match its SHA-256")
            self.blobs[sha256] = blob
        return StoredFile(
            blob,
            str(facts.get("filename") or sha256),
            str(facts.get("media_type") or "application/octet-stream"),
            int(facts.get("size") or 0),
            sha256,
        )


def _folder_at(root: SiteRoot, path: str, quoted: bool = False) -> Folder | None:
    """The folder at ``path`` (names joined by "/"; each quoted as in a URL if ``quoted``)."""
    node: Any = root
    for name in path.split("/") if path else ():
        if quoted:
            name = unquote(name)
        node = node.get(name) if isinstance(node, Folder) else None
        if node is None:
            return None
    return node


def restore_moved_paths(root: SiteRoot, moved: Any) -> None:
    """Old addresses lead to the content's new ones on this site too."""
    if not isinstance(moved, dict):
        raise ArchiveError("the manifest's moved_paths is not an object")
    for old, now_at in moved.items():
        # (a path as resource_path writes it: each name quoted)
        target = _folder_at(root, now_at.strip("/"), True) if isinstance(now_at, str) else None
        if not old.startswith("/") or not isinstance(target, Content):
            raise ArchiveError(f"moved_paths: {old!r} leads to {now_at!r}, which is no content")
        remember_move(root, old, target)


def _new_root(reader: ArchiveReader, site: SiteConfig) -> SiteRoot:
    settings = reader.manifest["site"]
    root = SiteRoot(site.name, site.title, site.modules)
    root.enabled_modules = tuple(settings.get("enabled_modules") or ())
    root.set_acl(site.access)
    root.welcome = settings.get("welcome") or ""
    root.join_mode = settings.get("join_mode") or root.join_mode
    root.join_domains = tuple(settings.get("join_domains") or ())
    root.require_two_factor = bool(settings.get("require_two_factor"))
    for folder in settings.get("module_folders") or ():
        root.add(folder["name"], ModuleFolder(folder["module"], folder.get("title") or ""))
    restore_appearance(root, settings.get("appearance"), reader.open_file)
    return root


def _adder(
    parent: Folder, name: str, where: str, file_names: bool = False
) -> Callable[[Content], None]:
    """What puts the new content in ``parent`` as ``name``: an address name, or for a type
    whose items are files (``ContentType.file_names``) a file name too."""

    def attach(content: Content) -> None:
        if not (is_item_name(name) or (file_names and is_file_name(name))):
            rule = f"{ITEM_NAME_RULE}; or {FILE_NAME_RULE}" if file_names else ITEM_NAME_RULE
            raise ArchiveError(f"{where}: an item cannot be named {name[:60]!r}: {rule}")
        try:
            parent.add(name, content)
        except (ValueError, KeyError) as exc:
            raise ArchiveError(f"{where}: {exc}") from None

    return attach


def write_site(
    reader: ArchiveReader,
    db: DB,
    site: SiteConfig,
    registry: Registry,
    plan: AccountPlan,
    progress: Progress | None = None,
) -> SiteRoot:
    """Write the archive's site into the empty database ``db``, committing in batches."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)

    def savepoint() -> None:  # what a long history wrote so far may leave memory
        tm.savepoint(True)
        conn.cacheGC()

    def commit() -> None:
        tm.commit()
        conn.cacheGC()

    try:
        tm.begin()
        root = _add_root(conn.root(), reader, site)
        files = _Files(reader)
        names = reader.content_members()
        for number, name in enumerate(names, 1):
            _write_content(root, name, reader.document(name), registry, plan, files, savepoint)
            if number % BATCH == 0:
                commit()
                tm.begin()
            if progress:
                progress(number, len(names))
        restore_moved_paths(root, reader.manifest["site"].get("moved_paths") or {})
        _restore_members(root, reader, plan, savepoint)
        _restore_audit_log(root, reader, plan, savepoint)
        _restore_people(root, reader, plan)
        reindex_site(root, registry, lambda done: commit(), every=BATCH)  # search finds it all
        tm.commit()
        return root
    except BaseException:
        tm.abort()
        raise
    finally:
        conn.close()


def _add_root(zodb_root: Any, reader: ArchiveReader, site: SiteConfig) -> SiteRoot:
    """The new site's root, in a database that holds none yet."""
    if ROOT_KEY in zodb_root:
        raise ArchiveError(f"the database of {site.name} is not empty: import makes new sites")
    try:
        root = zodb_root[ROOT_KEY] = _new_root(reader, site)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ArchiveError(f"the site's settings in the manifest: {brief(repr(exc))}") from None
    return root


def _write_content(
    root: SiteRoot,
    name: str,
    document: dict[str, Any],
    registry: Registry,
    plan: AccountPlan,
    files: _Files,
    savepoint: Callable[[], None],
) -> None:
    """One content document, into its folder (which came before it), with its extra data."""
    where = f"{name} ({brief(str(document.get('path', '?')), 200)})"
    if not isinstance(document, dict) or not isinstance(document.get("path"), str):
        raise ArchiveError(f"{where}: not a content document")
    type_name = document.get("type")
    content_type = CONTENT_TYPES(registry).get(type_name) if isinstance(type_name, str) else None
    if content_type is None:
        raise ArchiveError(f"{where}: unknown content type {brief(repr(document.get('type')))}")
    parent_path, _slash, item_name = document["path"].rpartition("/")
    parent = _folder_at(root, parent_path)
    if parent is None:
        raise ArchiveError(f"{where}: its folder {parent_path!r} comes after it or nowhere")
    attach = _adder(parent, item_name, where, content_type.file_names)
    try:
        content = content_from(
            document, content_type, plan.account_id, files, where, attach, savepoint
        )
    except ArchiveError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ArchiveError(f"{where}: a bad document: {brief(repr(exc))}") from None
    schedule_content(root, content)
    _import_extra(content, document.get("extra") or {}, registry, plan, files, where)


def _import_extra(
    content: Content,
    extra: dict[str, Any],
    registry: Registry,
    plan: AccountPlan,
    files: _Files,
    where: str,
) -> None:
    """Each plugin's own data of ``content``, to that plugin (which may refuse it)."""
    plugins = PLUGINS(registry)
    for plugin, data in extra.items():
        if plugin not in plugins:
            raise ArchiveError(f"{where}: data of plugin {plugin!r}, not installed here")
        try:
            plugins.call_for(
                plugin,
                "pleio_import_extra",
                content=content,
                data=data,
                registry=registry,
                account_id=plan.account_id,
                stored_file=files,
            )
        except ValueError as exc:
            raise ArchiveError(
                f"{where}: plugin {plugin!r} refused its data: {brief(str(exc))}"
            ) from None


def _restore_members(
    root: SiteRoot, reader: ArchiveReader, plan: AccountPlan, savepoint: Callable[[], None]
) -> None:
    members = site_members(root, create=True)
    for _number, record in in_steps(reader.lines(MEMBERS), BATCH, savepoint):
        try:
            account = plan.account_id(record["email"])
            if account is None:
                raise ValueError("a member without an e-mail address")
            members.set_role(account, record["role"], parse_time(record.get("since")))
        except (KeyError, ValueError, TypeError) as exc:
            raise ArchiveError(f"{MEMBERS}: a bad member: {brief(str(exc))}") from None


def _restore_audit_log(
    root: SiteRoot, reader: ArchiveReader, plan: AccountPlan, savepoint: Callable[[], None]
) -> None:
    log = None  # made with the first entry: an archive without any makes none
    for _number, entry in in_steps(reader.lines(AUDIT_LOG), BATCH, savepoint):
        if log is None:
            log = audit_log(root, create=True)
        try:
            actor = entry.get("actor")
            log.append(
                entry["kind"],
                plan.ids.get(actor) if actor else None,
                actor or "",
                entry.get("details") or {},
                when=parse_time(entry["time"]),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ArchiveError(f"{AUDIT_LOG}: a bad entry: {brief(str(exc))}") from None


def _restore_people(root: SiteRoot, reader: ArchiveReader, plan: AccountPlan) -> None:
    public = bool(reader.manifest["site"].get("public_people_directory"))
    try:
        restore_people(
            root, reader.lines(PROFILE_FIELDS), reader.lines(PROFILES), plan.account_id, public
        )
    except ValueError as exc:
        raise ArchiveError(f"{PROFILES}: {brief(str(exc))}") from None


def discard_storage(uri: str, db: DB | None = None) -> None:
    """Remove what an unfinished import wrote: the FileStorage and its blobs, or the
    RelStorage tables' contents (``zap_all``)."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        storage = getattr(db, "storage", None)
        if storage is not None and hasattr(storage, "zap_all"):
            storage.zap_all()
        return
    path = Path(parts.path)
    for suffix in ("", ".index", ".lock", ".tmp", ".old"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    for blob_dir in parse_qs(parts.query).get("blobstorage_dir", []):
        shutil.rmtree(blob_dir, ignore_errors=True)
    with contextlib.suppress(OSError):  # the site's own folder, when nothing else is in it
        path.parent.rmdir()


def storage_exists(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "file" and Path(parts.path).exists()
