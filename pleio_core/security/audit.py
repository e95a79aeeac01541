"""Recording what people do to a deelsite, and the audit page that shows it to admins.

The log itself (its entries, kinds and storage) is ``sites.audit``; here a request's
actor is looked up by account, and sign-ins are recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.clock import LOCAL_ZONE, local_time
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.sites.audit import KINDS, AuditEntry, append_entry, audit_log

from .accounts import Account
from .store import platform_accounts

#: What the pages call each role and each detail of an entry.
ROLE_LABELS: dict[str, TranslationString] = {
    "member": _("member"),
    "editor": _("editor"),
    "admin": _("admin"),
}
DETAIL_LABELS: dict[str, TranslationString] = {
    "account": _("Account"),
    "email": _("E-mail address"),
    "role": _("Role"),
    "previous": _("Previous role"),
    "module": _("Module"),
    "domain": _("Domain"),
    "join_mode": _("How people join"),
    "join_domains": _("Domains"),
    "via": _("Through"),
    "required": _("Required"),
    "changed": _("Changed"),
    "primary": _("Primary colour"),
    "secondary": _("Secondary colour"),
    "title": _("Title"),
    "path": _("Address"),
    "access": _("Who may see this"),
    "state": _("State"),
    "publish_at": _("Publish at"),
    "publish_until": _("Publish until"),
    "removed": _("Removed"),
    "signature": _("Virus signature"),
    "file": _("Uploaded file"),
}
#: What the pages call the values an entry's details hold, by detail: what changed (the
#: settings' and the appearance's names), how, and the access levels, states and joining
#: rules before and after. Other values (titles, addresses, colours) are shown as they are.
_SETTINGS_NAMES: dict[str, TranslationString] = {
    "title": _("title"),
    "description": _("description"),
    "language": _("language"),
    "access": _("access"),
    "contact_email": _("contact e-mail address"),
    "front_page": _("front page"),
    "colours": _("colours"),
    "logo": _("logo"),
    "favicon": _("favicon"),
}
_CONTROL_VALUES: dict[str, TranslationString] = {
    "public": _("public"),
    "members": _("members only"),
    "group": _("group only"),
    "private": _("private"),
    "published": _("published"),
    "draft": _("draft"),
    "None": _("none"),
}
VALUE_LABELS: dict[str, dict[str, TranslationString]] = {
    "changed": _SETTINGS_NAMES,
    "via": {"command line": _("command line")},
    "access": _CONTROL_VALUES,
    "state": _CONTROL_VALUES,
    "publish_at": _CONTROL_VALUES,
    "publish_until": _CONTROL_VALUES,
    "join_mode": {
        "open": _("anyone joins at once"),
        "request": _("on request"),
        "invitation": _("by invitation only"),
    },
}
#: A change of who sees content is written "before → after" (``security.oversight``).
CHANGE_ARROW = " → "
PAGE_SIZE = 50
MAX_SCAN = 20_000  # entries one filtered page reads at most


def record(
    request_or_root: Request | SiteRoot,
    kind: str,
    actor_account_id: str | None,
    *,
    actor_email: str | None = None,
    **details: Any,
) -> AuditEntry | None:
    """Add an entry to the site's log, in the current transaction (undone with it).

    From a request, the actor's e-mail address is looked up in the platform database; from
    a bare SiteRoot (the command line) pass ``actor_email`` or leave it empty. Returns None
    on the platform host, which has no site to log to.
    """
    if isinstance(request_or_root, SiteRoot):
        root: SiteRoot | None = request_or_root
    else:
        root = request_or_root.site_root
        if actor_email is None and actor_account_id:
            accounts = platform_accounts(request_or_root)
            account = accounts.get(actor_account_id) if accounts is not None else None
            actor_email = account.email if account is not None else ""
    if root is None:
        return None
    return append_entry(root, kind, actor_account_id, actor_email or "", **details)


def record_sign_in(request: Request, account: Account) -> AuditEntry | None:
    """Log a sign-in on this deelsite; call it where a site sets its sign-in cookie.

    That is the moment ``request.identity`` is still empty (the cookie goes out with the
    response), so the sign-in view passes the account it has just signed in.
    """
    return record(request, "sign-in", account.id, actor_email=account.email)


# -- the audit page ---------------------------------------------------------------------------


def _detail_value(key: str, value: Any, translate: Any) -> str:
    if isinstance(value, bool):
        return translate(_("yes") if value else _("no"))
    labels = VALUE_LABELS.get(key, {})
    if isinstance(value, (list, tuple)):
        return ", ".join(translate(labels[v]) if v in labels else str(v) for v in value)
    if isinstance(value, str) and value in ROLE_LABELS:
        return translate(ROLE_LABELS[value])
    if isinstance(value, str) and labels:
        parts = value.split(CHANGE_ARROW)
        return CHANGE_ARROW.join(translate(labels[p]) if p in labels else p for p in parts)
    return str(value)


def _since(raw: str | None) -> datetime | None:
    """The start of a day (``YYYY-MM-DD``) in the site's time zone; None if not a date."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_ZONE)


def matching(
    entries: Iterator[AuditEntry], who: str, since: datetime | None
) -> Iterator[AuditEntry]:
    """The entries by or about ``who`` (part of an address), from ``since`` on; newest first,
    so the walk stops at the first older entry, and it reads at most ``MAX_SCAN`` entries."""
    needle = who.strip().lower()
    for entry in islice(entries, MAX_SCAN):
        if since is not None and entry.time < since:
            return
        if needle and not (
            needle in entry.actor_email.lower()
            or any(needle in str(v).lower() for v in entry.details.values())
        ):
            continue
        yield entry


def _row(entry: AuditEntry, translate: Any) -> dict[str, Any]:
    """One entry as the page shows it: Dutch time, the kind's name, the details named."""
    return {
        "time": local_time(entry.time),
        "kind": translate(KINDS[entry.kind]),
        "actor": entry.actor_email or translate(_("the platform")),
        "details": [
            (translate(DETAIL_LABELS.get(key, key)), _detail_value(key, value, translate))
            for key, value in sorted(entry.details.items())
            if value not in (None, "", ())
        ],
    }


def _after(raw: str | None) -> int | None:
    """The key of the last entry already shown (paging), if it is a number."""
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def audit_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    kind = request.GET.get("kind") or None
    if kind not in KINDS:
        kind = None
    who = request.GET.get("who", "")[:254]
    since = _since(request.GET.get("since"))
    after = _after(request.GET.get("after"))
    log = audit_log(context)
    entries = matching(log.entries(kind, after), who, since) if log is not None else iter(())
    found = list(islice(entries, PAGE_SIZE + 1))
    shown = found[:PAGE_SIZE]
    translate = request.localizer.translate
    base = request.application_url + "/@@audit"
    filters = {
        "kind": kind,
        "who": who or None,
        "since": since.date().isoformat() if since else None,
    }

    def link(**query: Any) -> str:
        query = {k: v for k, v in {**filters, **query}.items() if v is not None}
        return base + ("?" + urlencode(query) if query else "")

    return {
        "rows": [_row(entry, translate) for entry in shown],
        "kinds": [(name, translate(label)) for name, label in KINDS.items()],
        "kind": kind,
        "who": who,
        "since": filters["since"] or "",
        "older": link(after=shown[-1].key) if len(found) > PAGE_SIZE else None,
        "newest": link() if after is not None else None,
    }


def includeme(config: Configurator) -> None:
    config.add_view(
        audit_page,
        context=SiteRoot,
        name="audit",
        request_method="GET",
        permission="manage",
        renderer="pleio_core:templates/audit.pt",
    )
