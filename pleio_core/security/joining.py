"""How people join a deelsite: at once, on request, by invitation, or by their e-mail domain.

Each site chooses (``SiteRoot.join_mode``, ``SiteRoot.join_domains``); pending requests and
the resulting memberships live in the site's own database. Invitations are in
``invitations``. On a closed site these
pages are what an outsider can reach, so they check who is asking themselves instead of
relying on the ``view`` permission; the admin pages need ``manage``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, overload
from urllib.parse import urlencode

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.i18n import TranslationString
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.clock import local_time, now
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.mail import send_mail
from pleio_core.sites.config import normalise_host
from pleio_core.storage.parts import part

from .accounts import Account
from .audit import record
from .mailing import mail_accounts
from .membership import ROLES, Members, site_members
from .policy import Identity
from .store import platform_accounts

JOIN_MODES = ("open", "request", "invitation")
MAX_MESSAGE = 2000


# -- pending requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinRequest:
    account_id: str
    message: str
    since: datetime


class JoinRequests(Persistent):
    """One pending request per account; answered requests are removed (the audit log keeps them)."""

    def __init__(self) -> None:
        self._pending: OOBTree = OOBTree()  # account id → (message, since)
        self._count = Length()

    def __len__(self) -> int:
        return self._count()

    def __contains__(self, account_id: object) -> bool:
        return isinstance(account_id, str) and account_id in self._pending

    def __iter__(self) -> Iterator[JoinRequest]:
        for account_id, (message, since) in self._pending.items():
            yield JoinRequest(account_id, message, since)

    def add(self, account_id: str, message: str) -> bool:
        """File a request; False if this account has one pending already."""
        if account_id in self._pending:
            return False
        self._pending[account_id] = (message, now())
        self._count.change(1)
        return True

    def pop(self, account_id: str) -> JoinRequest | None:
        entry = self._pending.pop(account_id, None)
        if entry is None:
            return None
        self._count.change(-1)
        return JoinRequest(account_id, *entry)


@overload
def join_requests(root: SiteRoot, create: Literal[True]) -> JoinRequests: ...
@overload
def join_requests(root: SiteRoot, create: Literal[False] = False) -> JoinRequests | None: ...
def join_requests(root: SiteRoot, create: bool = False) -> JoinRequests | None:
    """The site's pending requests (made with the first: sites made before have none)."""
    return part(root, "join_requests", JoinRequests, create)


class JoinRequested:
    """An account asked to join ``site`` (inside that transaction): the admins are told by
    mail here, and notified in the site (``pleio_core.notifications``)."""

    def __init__(self, site: SiteRoot, account_id: str, request: Request) -> None:
        self.site, self.account_id, self.request = site, account_id, request


# -- rules ------------------------------------------------------------------------------------


def clean_domains(raw: Iterable[str]) -> tuple[str, ...]:
    """E-mail domains as stored: lower case, no duplicates; ValueError names a bad one."""
    domains: list[str] = []
    for value in raw:
        text = value.strip().lower().lstrip("@")
        domain = normalise_host(text)
        if domain is None or domain != text or "." not in domain:
            raise ValueError(f"{value!r} is not an e-mail domain such as minbzk.nl")
        if domain not in domains:
            domains.append(domain)
    return tuple(domains)


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].lower()


def joins_by_domain(root: SiteRoot, account: Account) -> bool:
    """Only a verified address counts: anyone can type an address they do not own."""
    return account.email_verified and domain_of(account.email) in root.join_domains


def grant_at_least(members: Members, account_id: str, role: str) -> str | None:
    """Give ``role`` unless the account has a higher one; return the role it had."""
    previous = members.role_of(account_id)
    if previous is None or ROLES.index(previous) < ROLES.index(role):
        members.set_role(account_id, role)
    return previous


def role_of(root: SiteRoot, account: Account | Identity) -> str | None:
    """The account's role here (an Identity will do: only the id is read)."""
    members = site_members(root)
    return members.role_of(account.id) if members is not None else None


def join_offer(request: Request, root: SiteRoot) -> TranslationString | None:
    """The words of the home page's link to ``/@@join``, or None for a member."""
    identity = request.identity
    if identity is not None and role_of(root, identity) is not None:
        return None
    if root.join_mode == "open":
        return _("Join this site")
    if root.join_mode == "request":
        requests = join_requests(root)
        if identity is not None and requests is not None and identity.id in requests:
            return _("Your request to join is waiting")  # asked already: not again
        return _("Ask to join this site")
    return _("How to become a member")


def site_title(request: Request, root: SiteRoot) -> str:
    """The site's title as its holder set it (the control panel's, over the file's)."""
    settings = request.site_settings
    return settings.title if settings is not None else root.title


def clean_message(raw: str | None) -> str:
    """A free-text message, trimmed; ValueError if it is too long to be a message."""
    text = (raw or "").strip()
    if len(text) > MAX_MESSAGE:
        raise ValueError("too long")
    return text


# -- mail -------------------------------------------------------------------------------------


def _tell_admins(request: Request, root: SiteRoot, account: Account, message: str) -> None:
    mapping = {
        "name": account.name,
        "email": account.email,
        "site": site_title(request, root),
        "message": message,
        "url": request.application_url + "/@@members-requests",
    }
    subject = _("${name} asks to join ${site}", mapping=mapping)
    if message:
        body = _(
            "${name} (${email}) asks to become a member of ${site}, with this message:\n\n"
            "${message}\n\nApprove or deny the request on this page:\n${url}\n",
            mapping=mapping,
        )
    else:
        body = _(
            "${name} (${email}) asks to become a member of ${site}.\n\n"
            "Approve or deny the request on this page:\n${url}\n",
            mapping=mapping,
        )
    members = site_members(root)
    mail_accounts(request, members.admins() if members is not None else (), subject, body)


def _tell_requester(
    request: Request, root: SiteRoot, account: Account, approved: bool, message: str
) -> None:
    mapping = {
        "site": site_title(request, root),
        "message": message,
        "url": request.application_url + "/",
    }
    if approved:
        subject = _("Welcome to ${site}", mapping=mapping)
        if message:
            body = _(
                "Your request to join ${site} has been approved: you are a member now. "
                "The admin wrote:\n\n${message}\n\n${url}\n",
                mapping=mapping,
            )
        else:
            body = _(
                "Your request to join ${site} has been approved: you are a member now.\n\n${url}\n",
                mapping=mapping,
            )
    else:
        subject = _("Your request to join ${site}", mapping=mapping)
        if message:
            body = _(
                "Your request to join ${site} has not been approved. The admin wrote:\n\n"
                "${message}\n",
                mapping=mapping,
            )
        else:
            body = _("Your request to join ${site} has not been approved.\n", mapping=mapping)
    send_mail(request, account.email, subject, body, account.language)


# -- the join page ----------------------------------------------------------------------------


def sign_in_first(request: Request, came_from: str) -> HTTPSeeOther:
    query = urlencode({"came_from": came_from})
    return HTTPSeeOther(location=f"{request.application_url}/@@login?{query}")


def _join_page(request: Request, root: SiteRoot, state: str, **values: Any) -> dict[str, Any]:
    translate = request.localizer.translate
    return {
        "state": state,
        "heading": translate(_("Join ${site}", mapping={"site": site_title(request, root)})),
        "message": "",
        "error": None,
        "max_message": MAX_MESSAGE,
        **values,
    }


def grant_role(root: SiteRoot, account_id: str, role: str) -> str | None:
    """Grant ``role`` (or keep a higher one); a pending request of the account is done with."""
    pending = join_requests(root)
    if pending is not None:
        pending.pop(account_id)
    return grant_at_least(site_members(root, create=True), account_id, role)


def _become_member(request: Request, root: SiteRoot, account: Account, kind: str) -> None:
    previous = grant_role(root, account.id, "member")
    details = {"domain": domain_of(account.email)} if kind == "auto-join" else {}
    if previous is None:
        record(request, kind, account.id, actor_email=account.email, **details)


def _settled(context: SiteRoot, request: Request) -> Any:
    """The answer when the join mode does not matter (not signed in, a member already, or
    an address in a listed domain); None when it does. Only a POST (which carries the
    CSRF token) makes anyone a member: the GET shows the button."""
    identity = request.identity
    if identity is None:
        return sign_in_first(request, "/@@join")
    if role_of(context, identity) is not None:
        return _join_page(request, context, "member")
    account = identity.account
    if joins_by_domain(context, account):
        if request.method != "POST":
            return _join_page(request, context, "domain", domain=domain_of(account.email))
        _become_member(request, context, account, "auto-join")
        return _join_page(request, context, "welcome")
    return None


def join_form(context: SiteRoot, request: Request) -> Any:
    """The join page: what this site's way of joining asks; never a write."""
    settled = _settled(context, request)
    if settled is not None:
        return settled
    account = request.identity.account
    requests = join_requests(context)
    if context.join_mode == "request" and requests is not None and account.id in requests:
        return _join_page(request, context, "pending")
    return _join_page(request, context, _mode(context))


def _mode(root: SiteRoot) -> str:
    return root.join_mode if root.join_mode in JOIN_MODES else "request"


def join_submit(context: SiteRoot, request: Request) -> Any:
    settled = _settled(context, request)
    if settled is not None:
        return settled
    account = request.identity.account
    mode = _mode(context)
    if mode == "open":
        _become_member(request, context, account, "joined")
        return _join_page(request, context, "welcome")
    if mode == "invitation":
        request.response.status_int = 403
        return _join_page(request, context, "invitation")
    raw = request.POST.get("message", "")
    try:
        message = clean_message(raw)
    except ValueError:
        request.response.status_int = 400
        error = request.localizer.translate(
            _("A message has at most ${max} characters.", mapping={"max": MAX_MESSAGE})
        )
        return _join_page(request, context, "request", message=raw, error=error)
    if not join_requests(context, create=True).add(account.id, message):
        return _join_page(request, context, "pending")
    record(request, "join-request", account.id, actor_email=account.email)
    _tell_admins(request, context, account, message)
    request.registry.notify(JoinRequested(context, account.id, request))
    return _join_page(request, context, "requested")


# -- the admins' page of requests ---------------------------------------------------------------


def requests_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    return _requests_values(context, request, None)


def _requests_values(context: SiteRoot, request: Request, error: str | None) -> dict[str, Any]:
    accounts = platform_accounts(request)
    rows = []
    pending = join_requests(context)
    for index, pending_request in enumerate(sorted(pending or (), key=lambda r: r.since)):
        account = accounts.get(pending_request.account_id) if accounts is not None else None
        rows.append(
            {
                "index": index,
                "account_id": pending_request.account_id,
                "name": account.name if account is not None else pending_request.account_id,
                "email": account.email if account is not None else "",
                "text": pending_request.message,
                "since": local_time(pending_request.since),
            }
        )
    done = request.GET.get("done")
    return {
        "rows": rows,
        "error": error,
        "done": done if done in ("approved", "denied") else None,
        "max_message": MAX_MESSAGE,
    }


def requests_decide(context: SiteRoot, request: Request) -> Any:
    decision = request.POST.get("decision")
    if decision not in ("approve", "deny"):
        raise HTTPBadRequest(_("Choose approve or deny."))
    translate = request.localizer.translate
    try:
        message = clean_message(request.POST.get("message"))
    except ValueError:
        request.response.status_int = 400
        error = translate(
            _("A message has at most ${max} characters.", mapping={"max": MAX_MESSAGE})
        )
        return _requests_values(context, request, error)
    account_id = request.POST.get("account", "")
    pending = join_requests(context)
    answered = pending.pop(account_id) if pending is not None else None
    if answered is None:
        request.response.status_int = 409
        error = translate(_("This request has been answered already."))
        return _requests_values(context, request, error)
    accounts = platform_accounts(request)
    account = accounts.get(account_id) if accounts is not None else None
    admin = request.identity.account
    approved = decision == "approve"
    if approved:
        grant_at_least(site_members(context, create=True), account_id, "member")
    email = account.email if account is not None else ""
    kind = "join-approved" if approved else "join-denied"
    record(request, kind, admin.id, actor_email=admin.email, account=email)
    if account is not None and not account.disabled:
        _tell_requester(request, context, account, approved, message)
    done = "approved" if approved else "denied"
    return HTTPSeeOther(location=f"{request.application_url}/@@members-requests?done={done}")


def includeme(config: Configurator) -> None:
    outsiders = {"context": SiteRoot, "permission": NO_PERMISSION_REQUIRED}
    admins = {"context": SiteRoot, "permission": "manage"}
    join = "pleio_core:templates/join.pt"
    config.add_view(join_form, name="join", request_method="GET", renderer=join, **outsiders)
    config.add_view(join_submit, name="join", request_method="POST", renderer=join, **outsiders)
    listing = "pleio_core:templates/join_requests.pt"
    config.add_view(
        requests_page, name="members-requests", request_method="GET", renderer=listing, **admins
    )
    config.add_view(
        requests_decide, name="members-requests", request_method="POST", renderer=listing, **admins
    )
    config.include(".invitations")
