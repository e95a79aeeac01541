"""The control panel's members: find, page, change roles, remove, export as CSV.

Invitations (``/@@invite``) and requests to join (``/@@members-requests``) have their own
pages in ``security``; this page links to them. No change may leave the site without an
admin: the last admin can be neither demoted nor removed (by themselves or another).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.clock import local_time
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.security.audit import ROLE_LABELS, record
from pleio_core.security.membership import ROLES, MemberRemoved, Members, site_members
from pleio_core.security.store import platform_accounts
from pleio_core.tables import csv_response

from .panel import actor, add_panel_view, panel_url, saved

NAME = "control-panel-members"
CSV_NAME = "control-panel-members-csv"
PAGE_SIZE = 25
#: A spreadsheet runs a cell that starts with one of these as a formula.


class MemberRow(NamedTuple):
    account_id: str
    name: str
    email: str
    role: str
    since: Any


def member_rows(request: Request, root: SiteRoot) -> list[MemberRow]:
    """Every member with name and address (from the platform database), sorted by name."""
    members = site_members(root)
    accounts = platform_accounts(request)
    rows = []
    for membership in members or ():
        account = accounts.get(membership.account_id) if accounts is not None else None
        rows.append(
            MemberRow(
                membership.account_id,
                account.name if account is not None else membership.account_id,
                account.email if account is not None else "",
                membership.role,
                local_time(membership.since),
            )
        )
    rows.sort(key=lambda r: (r.name.lower(), r.email))
    return rows


def _filtered(request: Request, rows: list[MemberRow]) -> tuple[list[MemberRow], str, str]:
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in ROLES:
        role = ""
    needle = query.lower()
    found = [
        r
        for r in rows
        if (not role or r.role == role)
        and (not needle or needle in r.name.lower() or needle in r.email)
    ]
    return found, query, role


def members_page(context: SiteRoot, request: Request, error: str | None = None) -> dict:
    translate = request.localizer.translate
    found, query, role = _filtered(request, member_rows(request, context))
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, pages)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    done = request.GET.get("done")

    def link(n: int) -> str:
        return panel_url(
            request, NAME, **{k: v for k, v in (("q", query), ("role", role)) if v}, page=str(n)
        )

    return {
        "rows": shown,
        "total": len(found),
        "found_text": request.localizer.pluralize(
            "${count} member found.",
            "${count} members found.",
            len(found),
            domain="pleio",
            mapping={"count": len(found)},
        ),
        "query": query,
        "role": role,
        "roles": [(r, translate(ROLE_LABELS[r])) for r in ROLES],
        "role_label": {r: translate(ROLE_LABELS[r]) for r in ROLES},
        "page_number": page,
        "pages": pages,
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
        "csv_url": panel_url(request, CSV_NAME),
        "me": request.identity.id,
        "error": error,
        "done": done if done in ("role", "removed") else None,
    }


def _would_leave_no_admin(members: Members, account_id: str, new_role: str | None) -> bool:
    admins = members.admins()
    return admins == [account_id] and new_role != "admin"


def change_member(context: SiteRoot, request: Request) -> Any:
    action = request.POST.get("action")
    account_id = request.POST.get("account", "")
    members = site_members(context)
    if action not in ("role", "remove") or members is None:
        raise HTTPBadRequest(_("Choose a change of role or a removal."))
    previous = members.role_of(account_id)
    if previous is None:
        raise HTTPBadRequest(_("This account is not a member of this site."))
    new_role = request.POST.get("role") if action == "role" else None
    if action == "role" and new_role not in ROLES:
        raise HTTPBadRequest(_("Unknown role ${role}.", mapping={"role": repr(new_role)}))
    translate = request.localizer.translate
    if _would_leave_no_admin(members, account_id, new_role):
        request.response.status_int = 409
        error = translate(
            _("This would leave the site without an admin: make someone else admin first.")
        )
        return members_page(context, request, error)
    accounts = platform_accounts(request)
    account = accounts.get(account_id) if accounts is not None else None
    email = account.email if account is not None else account_id
    actor_id, actor_email = actor(request)
    if action == "remove":
        members.remove(account_id)
        request.registry.notify(MemberRemoved(context, account_id, request))
        record(request, "member-removed", actor_id, actor_email=actor_email, account=email)
        return saved(request, NAME, "removed")
    if new_role is not None and new_role != previous:  # (None: a removal, done above)
        members.set_role(account_id, new_role)
        record(
            request,
            "role-change",
            actor_id,
            actor_email=actor_email,
            account=email,
            role=new_role,
            previous=previous,
        )
    return saved(request, NAME, "role")


def members_csv(context: SiteRoot, request: Request) -> Response:
    rows = (
        (row.name, row.email, row.role, row.since.isoformat())
        for row in member_rows(request, context)
    )
    return csv_response(
        f"{context.site_name}-members.csv", ["name", "email", "role", "since"], rows
    )


def includeme(config: Configurator) -> None:
    add_panel_view(config, members_page, NAME, ("GET", "HEAD"), "control_panel_members.pt")
    add_panel_view(config, change_member, NAME, "POST", "control_panel_members.pt")
    add_panel_view(config, members_csv, CSV_NAME, ("GET", "HEAD"))
