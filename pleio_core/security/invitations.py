"""Invitations to a deelsite: admins invite many addresses at once; a link accepts once.

An invitation is a one-time token in the platform database (the invitee may not have an
account yet), valid for a week and only on the site it was sent for. It is bound to the
address it was sent to: whoever signs in with another address is refused (403) and the
link stays unused, so a forwarded or intercepted mail makes nobody else a member or an
admin. An admin who means it may send open links instead (``open_link``), which whoever
signs in may use; the invite page and the audit log say so.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.i18n import TranslationString
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.mail import send_mail

from .accounts import AccountError, normalise_email
from .audit import ROLE_LABELS, record
from .joining import grant_role, role_of, sign_in_first, site_title
from .membership import ROLES
from .store import platform_accounts, platform_tokens
from .tokens import TokenError

INVITATION_DAYS = 7
INVITATION_TTL = INVITATION_DAYS * 24 * 3600
MAX_INVITATIONS = 100  # per form: a typo in a pasted list should not mail a thousand people
ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


def parse_addresses(raw: str) -> tuple[list[str], list[str]]:
    """(good addresses in order without repeats, what was typed but is no address)."""
    good: list[str] = []
    bad: list[str] = []
    for token in ADDRESS_SEPARATORS.split(raw or ""):
        token = token.strip("<>\"'()")
        if not token:
            continue
        try:
            email = normalise_email(token)
        except AccountError:
            if token not in bad:
                bad.append(token)
            continue
        if email not in good:
            good.append(email)
    return good, bad


def invitation_mail(
    inviter: str, site_title: str, role: str, url: str
) -> tuple[TranslationString, TranslationString]:
    """Subject and body of an invitation; shared by the invite page and the command line."""
    mapping = {"inviter": inviter, "site": site_title, "url": url, "days": INVITATION_DAYS}
    subject = _("You are invited to join ${site}", mapping=mapping)
    if role == "admin":
        body = _(
            "${inviter} invites you to become an admin of ${site} on Pleio.\n\n"
            "Accept the invitation with this link within ${days} days:\n${url}\n\n"
            "You will sign in with your Pleio account; if you have none yet, create one with "
            "this e-mail address first.\n",
            mapping=mapping,
        )
    elif role == "editor":
        body = _(
            "${inviter} invites you to become an editor of ${site} on Pleio.\n\n"
            "Accept the invitation with this link within ${days} days:\n${url}\n\n"
            "You will sign in with your Pleio account; if you have none yet, create one with "
            "this e-mail address first.\n",
            mapping=mapping,
        )
    else:
        body = _(
            "${inviter} invites you to become a member of ${site} on Pleio.\n\n"
            "Accept the invitation with this link within ${days} days:\n${url}\n\n"
            "You will sign in with your Pleio account; if you have none yet, create one with "
            "this e-mail address first.\n",
            mapping=mapping,
        )
    return subject, body


def _invite_page(request: Request, **values: Any) -> dict[str, Any]:
    translate = request.localizer.translate
    return {
        "roles": [(role, translate(ROLE_LABELS[role])) for role in ROLES],
        "role": "member",
        "addresses": "",
        "invited": [],
        "already": [],
        "bad": [],
        "error": None,
        "open_link": False,
        "max_invitations": MAX_INVITATIONS,
        **values,
    }


def invite_form(context: SiteRoot, request: Request) -> dict[str, Any]:
    return _invite_page(request)


def invite_submit(context: SiteRoot, request: Request) -> dict[str, Any]:
    translate = request.localizer.translate
    role = request.POST.get("role", "member")
    if role not in ROLES:
        raise HTTPBadRequest(_("Unknown role ${role}.", mapping={"role": repr(role)}))
    open_link = request.POST.get("open_link") == "on"
    raw = request.POST.get("addresses", "")
    good, bad = parse_addresses(raw)
    if not good and not bad:
        request.response.status_int = 400
        error = translate(_("Enter at least one e-mail address."))
        return _invite_page(request, role=role, open_link=open_link, error=error)
    if len(good) + len(bad) > MAX_INVITATIONS:
        request.response.status_int = 400
        error = translate(
            _("Invite at most ${max} people at once.", mapping={"max": MAX_INVITATIONS})
        )
        return _invite_page(request, role=role, addresses=raw, open_link=open_link, error=error)
    inviter = request.identity.account
    accounts = platform_accounts(request)
    tokens = platform_tokens(request)
    invited, already = [], []
    for email in good:
        existing = accounts.by_email(email) if accounts is not None else None
        if existing is not None and role_of(context, existing) is not None:
            already.append(email)
            continue
        token = tokens.issue(
            "invite",
            "",
            ttl=INVITATION_TTL,
            site=context.site_name,
            email=email,
            role=role,
            inviter=inviter.id,
            bound=not open_link,
        )
        url = f"{request.application_url}/@@invitation?{urlencode({'token': token})}"
        language = existing.language if existing is not None else request.site_settings.language
        mail = invitation_mail(inviter.name, site_title(request, context), role, url)
        send_mail(request, email, *mail, language)
        record(
            request,
            "invitation-sent",
            inviter.id,
            actor_email=inviter.email,
            email=email,
            role=role,
            **({"open_link": True} if open_link else {}),
        )
        invited.append(email)
    if bad:
        request.response.status_int = 200 if invited or already else 400
    return _invite_page(
        request,
        role=role,
        open_link=open_link,
        addresses="\n".join(bad),
        invited=invited,
        already=already,
        bad=bad,
    )


def _invitation(request: Request, root: SiteRoot, token: str) -> dict[str, Any] | None:
    """What the token invites to, if it is a live invitation to this site; uses nothing."""
    try:
        data = platform_tokens(request).peek(token, "invite").data
    except TokenError:
        return None
    return data if data.get("site") == root.site_name else None


def for_someone_else(data: dict[str, Any], email: str) -> bool:
    """Whether an invitation bound to its address is used by an account with another one.
    Invitations made before they were bound count as bound: that is the safe reading."""
    if data.get("bound", True) is False:
        return False
    try:
        return normalise_email(str(data.get("email", ""))) != normalise_email(email)
    except AccountError:
        return True


def _invitation_page(request: Request, state: str, **values: Any) -> dict[str, Any]:
    # the token is in the address: no cache (ours, a proxy's, the browser's) may keep it
    request.response.cache_control.no_store = True
    request.response.cache_control.private = True
    if state == "invalid":
        request.response.status_int = 400
    if state == "someone-else":
        request.response.status_int = 403
    page: dict[str, Any] = {
        "state": state,
        "token": "",
        "role_label": "",
        "email": "",
        "signed_in_as": "",
    }
    page["open_link"] = False
    return {**page, **values}


def invitation_form(context: SiteRoot, request: Request) -> dict[str, Any]:
    token = request.GET.get("token", "")
    data = _invitation(request, context, token)
    if data is None:
        return _invitation_page(request, "invalid")
    role_label = request.localizer.translate(ROLE_LABELS.get(data["role"], data["role"]))
    values = {"token": token, "role_label": role_label, "email": data["email"]}
    if request.identity is None:
        query = urlencode({"came_from": "/@@invitation?" + urlencode({"token": token})})
        values["sign_in_url"] = f"{request.application_url}/@@login?{query}"
        return _invitation_page(request, "anonymous", **values)
    account = request.identity.account
    if for_someone_else(data, account.email):
        return _invitation_page(request, "someone-else", signed_in_as=account.email, **values)
    return _invitation_page(request, "ready", open_link=data.get("bound") is False, **values)


def invitation_accept(context: SiteRoot, request: Request) -> Any:
    token = request.POST.get("token", "")
    if request.identity is None:
        return sign_in_first(request, "/@@invitation?" + urlencode({"token": token}))
    looked = _invitation(request, context, token)
    if looked is None:
        return _invitation_page(request, "invalid")
    account = request.identity.account
    if for_someone_else(looked, account.email):  # refused before the token is used up
        values = {"email": looked.get("email", ""), "signed_in_as": account.email}
        return _invitation_page(request, "someone-else", **values)
    try:
        data = platform_tokens(request).redeem(token, "invite").data
    except TokenError:  # expired between the two looks
        return _invitation_page(request, "invalid")
    role = data["role"] if data.get("role") in ROLES else "member"
    grant_role(context, account.id, role)
    record(
        request,
        "invitation-accepted",
        account.id,
        actor_email=account.email,
        email=data.get("email", ""),
        role=role,
        **({"open_link": True} if data.get("bound") is False else {}),
    )
    return _invitation_page(request, "accepted")


def includeme(config: Configurator) -> None:
    outsiders = {"context": SiteRoot, "permission": NO_PERMISSION_REQUIRED}
    admins = {"context": SiteRoot, "permission": "manage"}
    invitation = "pleio_core:templates/invitation.pt"
    config.add_view(
        invitation_form, name="invitation", request_method="GET", renderer=invitation, **outsiders
    )
    config.add_view(
        invitation_accept,
        name="invitation",
        request_method="POST",
        renderer=invitation,
        **outsiders,
    )
    invite = "pleio_core:templates/invite.pt"
    config.add_view(invite_form, name="invite", request_method="GET", renderer=invite, **admins)
    config.add_view(invite_submit, name="invite", request_method="POST", renderer=invite, **admins)
