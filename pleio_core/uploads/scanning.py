"""Virus scanning of uploads with clamd (``pleio.clamd``), before anything is stored.

An infected file is refused (422) and recorded in the site's audit log, in a transaction
of its own: the upload's transaction is rolled back with the refusal, the record stays.
When clamd cannot be reached the upload is refused (503), unless the operator chose
``pleio.clamd_unreachable = store``: then it is stored and its caller marks it unscanned.
A file longer than clamd's ``StreamMaxLength`` is refused (413) whatever that setting
says, or padding a file would be a way past the scanner.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import BinaryIO

import transaction
from pyramid.request import Request

from pleio_core.content.site import ROOT_KEY
from pleio_core.i18n import _
from pleio_core.security.policy import Identity
from pleio_core.services import SETTINGS, SITE_DATABASES
from pleio_core.sites.audit import append_entry
from pleio_core.storage.retry import committed

from .clamd import ScannerUnavailable, instream
from .refusals import FileRefused

log = logging.getLogger(__name__)


def scan_file(request: Request, path: str, name: str) -> bool:
    """Scan the file at ``path`` (called ``name``, for the messages): True if clamd found it
    clean, False if it was not scanned (no ``pleio.clamd``, or clamd unreachable with
    ``pleio.clamd_unreachable = store``); FileRefused otherwise (422, 413, 503)."""
    if SETTINGS(request.registry).scanner is None:
        return False
    with Path(path).open("rb") as source:
        return _scan(request, source, name)


def scan_bytes(request: Request, data: bytes, name: str) -> bool:
    """``scan_file`` for a small upload held in memory (a logo)."""
    if SETTINGS(request.registry).scanner is None:
        return False
    return _scan(request, io.BytesIO(data), name)


def _scan(request: Request, source: BinaryIO, name: str) -> bool:
    scanner = SETTINGS(request.registry).scanner
    assert scanner is not None
    try:
        verdict = instream(scanner, source)
    except ScannerUnavailable as exc:
        if scanner.store_unscanned:
            log.warning("%s; %r stored unscanned (pleio.clamd_unreachable = store)", exc, name)
            return False
        log.error("%s; %r refused", exc, name)
        raise FileRefused(
            503,
            _(
                "“${name}” was not stored: the virus scanner cannot be reached. "
                "Try again in a few minutes.",
                mapping={"name": name},
            ),
        ) from exc
    if verdict.too_large:
        raise FileRefused(
            413,
            _(
                "“${name}” is larger than the virus scanner can check, so it was not stored.",
                mapping={"name": name},
            ),
        )
    if verdict.signature is not None:
        _record_virus(request, name, verdict.signature)
        raise FileRefused(
            422,
            _(
                "“${name}” contains a virus (${signature}) and was not stored.",
                mapping={"name": name, "signature": verdict.signature},
            ),
        )
    return True


def _record_virus(request: Request, name: str, signature: str) -> None:
    """Log the find, and record it in the site's audit log in a transaction of its own."""
    identity = request.identity
    account_id = identity.id if identity is not None else None
    email = _email(identity)
    site = request.site
    log.warning(
        "virus %s found in %r uploaded by %s on %s",
        signature,
        name,
        email or account_id or "an anonymous visitor",
        site.name if site is not None else "the platform",
    )
    if site is None:
        return
    databases = SITE_DATABASES(request.registry)
    manager = transaction.TransactionManager()
    try:
        conn = databases.connect(site.name, manager)
    except Exception:  # the refusal matters more than its record: it still goes out
        log.exception("cannot record the virus in the audit log of site %s", site.name)
        return
    try:
        committed(
            manager,
            lambda: append_entry(
                conn.root()[ROOT_KEY],
                "virus-found",
                account_id,
                email,
                signature=signature,
                file=name,
            ),
            SETTINGS(request.registry).retry_attempts,
            "pleio: a virus found in an upload",
        )
    except Exception:
        log.exception("cannot record the virus in the audit log of site %s", site.name)
    finally:
        databases.release(site.name, conn)


def _email(identity: Identity | None) -> str:
    try:
        return identity.account.email if identity is not None else ""
    except LookupError:  # the account was removed meanwhile
        return ""
