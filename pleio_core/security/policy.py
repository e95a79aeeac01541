"""The security policy: who is asking (a signed cookie per host), and what may they do here.

Under ``/api/`` a personal access token (``Authorization: Bearer``, ``security.api_tokens``)
takes the cookie's place: it names the account on the one deelsite it was made for. Under
the paths registered for app passwords (``security.app_passwords``, e.g. WebDAV's) only an
app password (``Authorization: Basic``) names anyone: the cookie never does.

The cookie holds ``<account id>.<epoch>``; an account's epoch grows on every sign-out, so a
sign-out anywhere ends the sessions on every host. Principals are per deelsite: the
account's role in *this* site's database; nothing of one site's roles counts on another.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from pyramid.authentication import AuthTktCookieHelper, parse_ticket
from pyramid.authorization import ACLDenied, ACLHelper, Authenticated, Everyone
from pyramid.request import Request
from ZODB import DB

from pleio_core.services import ACCOUNT_SUMMARIES, SECURITY_POLICY

from .accounts import Account
from .api_tokens import bearer_token, token_account_id
from .app_passwords import under_app_password_path
from .membership import principals_for_role, site_members
from .store import platform_accounts

AUTH_COOKIE = "pleio_auth"
#: Principals only the core hands out; a plugin's pleio_principals cannot add them.
CORE_PRINCIPALS = ("site:", "role:", "account:", "system.")


@dataclass(frozen=True)
class AccountSummary:
    """What every request needs of the signed-in account."""

    id: str
    epoch: int
    name: str
    language: str
    operator: bool
    two_factor: bool
    disabled: bool
    photo_version: int = 0  # 0: no photo

    @classmethod
    def of(cls, account: Account) -> AccountSummary:
        return cls(
            account.id,
            account.epoch,
            account.name,
            account.language,
            account.operator,
            account.two_factor,
            account.disabled,
            account.photo_version,
        )


class AccountSummaries:
    """Summaries of accounts, valid while the platform database has had no commit.

    Used only where this process sees every commit as it happens (a FileStorage, which one
    process holds): then a signed-in page needs no connection to the platform database.
    """

    db: DB

    def __init__(self, sees_every_commit: bool) -> None:
        self.enabled = sees_every_commit
        self._entries: dict[str, tuple[bytes, AccountSummary]] = {}
        self._names_changed = 0
        self._lock = threading.Lock()

    def use(self, db: DB) -> None:
        """The platform database whose commits make a summary stale."""
        self.db = db

    def names_stamp(self) -> Hashable:
        """What changes when an account's name or photo does, for the caches of pages that
        show them (``pagecache``): a count of the changes this process committed where it
        sees every commit, else the platform's last transaction (any commit counts)."""
        if self.enabled:
            return self._names_changed
        # On RelStorage the database's own storage object serves every thread, over one
        # cursor: asked at once by two, one failed ("prepared statement … does not exist")
        with self._lock:
            return self.db.lastTransaction()

    def names_changed(self, request: Request) -> None:
        """An account's name or photo changes in this request: count it once it commits."""

        def count(committed: bool) -> None:
            if committed:
                with self._lock:  # (two threads' += could lose one)
                    self._names_changed += 1

        request.tm.get().addAfterCommitHook(count)

    def get(self, account_id: str) -> AccountSummary | None:
        entry = self._entries.get(account_id) if self.enabled else None
        if entry is not None and entry[0] == self.db.lastTransaction():
            return entry[1]
        return None

    def load(self, request: Request, account_id: str) -> AccountSummary | None:
        # before reading: a commit in between only makes it stale (and only where it is
        # kept: asking a shared database costs a query, and see ``names_stamp``)
        tid: bytes = self.db.lastTransaction() if self.enabled else b""
        accounts = platform_accounts(request)
        account = accounts.get(account_id) if accounts is not None else None
        if account is None:
            return None
        summary = AccountSummary.of(account)
        if self.enabled:
            if len(self._entries) > 100_000:
                self._entries.clear()
            self._entries[account_id] = (tid, summary)
        return summary


class Identity:
    """The signed-in account of a request: its summary, and the account itself on demand."""

    def __init__(
        self,
        request: Request,
        summary: AccountSummary,
        via_token: bool = False,
        via_app_password: bool = False,
    ) -> None:
        self._request = request
        #: Signed in with a personal access token (``api_tokens``), not the cookie: no CSRF.
        self.via_token = via_token
        #: Signed in with an app password (``app_passwords``), not the cookie: no CSRF.
        self.via_app_password = via_app_password
        self.summary = summary
        self.id = summary.id
        self.name = summary.name
        self.language = summary.language
        self.operator = summary.operator
        self.two_factor = summary.two_factor

    @functools.cached_property
    def account(self) -> Account:
        """The persistent account, to read everything or to change it (opens the database)."""
        accounts = platform_accounts(self._request)
        account = accounts.get(self.id) if accounts is not None else None
        if account is None:  # removed by another request since this one read its summary
            raise LookupError(f"account {self.id} is gone")
        return account


def _summary(request: Request, account_id: str) -> AccountSummary | None:
    summaries: AccountSummaries = ACCOUNT_SUMMARIES(request.registry)
    return summaries.get(account_id) or summaries.load(request, account_id)


class SignInCookie(AuthTktCookieHelper):
    """Pyramid's auth_tkt cookie, with its signature checked once per cookie value.

    Checking costs a third of what the rest of a signed-in request's security does. The
    result depends only on the cookie's text and the secret, so it is kept for cookies seen
    before; a cookie that fails the check raises and is never kept.
    """

    parse_ticket = staticmethod(functools.lru_cache(maxsize=10_000)(parse_ticket))


class PleioSecurityPolicy:
    def __init__(self, secret: str, secure: bool) -> None:
        self.cookie_name = f"__Host-{AUTH_COOKIE}" if secure else AUTH_COOKIE
        self.helper = SignInCookie(
            secret,
            cookie_name=self.cookie_name,
            secure=secure,
            http_only=True,
            samesite="Lax",
            hashalg="sha512",
            wild_domain=False,
            timeout=8 * 3600,  # eight hours without a request ends the session
            reissue_time=600,
        )
        self.acl = ACLHelper()

    def identity(self, request: Request) -> Identity | None:
        # Pyramid asks the policy each time request.identity is read: worked out once, by
        # the request property ``pleio_identity`` (``find_identity``, see ``includeme``).
        identity: Identity | None = request.pleio_identity
        return identity

    def find_identity(self, request: Request) -> Identity | None:
        token = bearer_token(request)
        if token is not None:  # an API client: its token, never the cookie beside it
            account_id = token_account_id(request, token)
            summary = _summary(request, account_id) if account_id else None
            if summary is None or summary.disabled:
                return None
            return Identity(request, summary, via_token=True)
        if under_app_password_path(request):  # an app password or nobody: never the cookie
            return self._app_password_identity(request)
        ticket = self.helper.identify(request)
        if not ticket:
            return None
        account_id, _, epoch = str(ticket["userid"]).partition(".")
        summary = _summary(request, account_id)
        if summary is None or summary.disabled or str(summary.epoch) != epoch:
            return None
        return Identity(request, summary)

    def _app_password_identity(self, request: Request) -> Identity | None:
        account_id = request.app_password_check.account_id
        summary = _summary(request, account_id) if account_id else None
        if summary is None or summary.disabled:
            return None
        if not summary.operator:  # one who left the site: the password is good for nothing
            members = site_members(request.site_root) if request.site_root is not None else None
            if members is None or members.role_of(summary.id) is None:
                return None
        return Identity(request, summary, via_app_password=True)

    def authenticated_userid(self, request: Request) -> str | None:
        identity = request.identity
        return identity.id if identity else None

    def principals(self, request: Request) -> list[str]:
        """The account's principals on this site (``request.principals``, once a request)."""
        principals: list[str] = request.principals
        return principals

    def find_principals(self, request: Request) -> list[str]:
        identity = request.identity
        if identity is None:
            return [Everyone]
        # the summary is enough: no need to open the platform database
        return account_principals(request, identity)

    def permits(self, request: Request, context: Any, permission: str) -> Any:
        return permits_principals(request, self.principals(request), context, permission)

    def remember(self, request: Request, account: Account, **kw: Any) -> list[tuple[str, str]]:
        return self.helper.remember(request, f"{account.id}.{account.epoch}", **kw)

    def forget(self, request: Request, **kw: Any) -> list[tuple[str, str]]:
        return self.helper.forget(request)


def account_principals(request: Request, account: Account | Identity) -> list[str]:
    """The principals ``account`` has on the request's site: the signed-in visitor's
    (``find_principals``), or a recipient's, to ask what they may see (notifications)."""
    principals = [Everyone, Authenticated, f"account:{account.id}"]
    root = request.site_root
    if root is not None and not site_allows(request)(account):
        return principals  # the site requires two-factor sign-in: operators too
    if account.operator:
        return [*principals, "role:operator", *principals_for_role("admin")]
    if root is None:
        return principals
    members = site_members(root)
    role = members.role_of(account.id) if members is not None else None
    if role is None:
        return principals  # no member (any more): nothing a plugin gave counts either
    principals += principals_for_role(role)
    for extra in request.plugin_hooks.pleio_principals(request=request, account_id=account.id):
        principals += [p for p in extra if not p.startswith(CORE_PRINCIPALS)]
    return principals


_ACL = ACLHelper()


def permits_principals(
    request: Request, principals: list[str], context: Any, permission: str
) -> Any:
    """Do ``principals`` have ``permission`` on ``context`` of the request's site? The
    policy's answer for the visitor, and for anyone else whose principals are known."""
    settings = request.site_settings if request.site_root is not None else None
    if settings is not None and settings.access == "closed" and "site:member" not in principals:
        # A closed site shows nothing to outsiders, whatever a page's own ACL says.
        return ACLDenied("<closed site>", "site:member", permission, principals, context)
    return _ACL.permits(context, principals, permission)


def may_be_signed_in(request: Request) -> bool:
    """True if the request carries a sign-in cookie or credentials (valid or not)."""
    policy = SECURITY_POLICY(request.registry)
    return policy.cookie_name in request.cookies or "HTTP_AUTHORIZATION" in request.environ


def site_allows(request: Request) -> Any:
    """``request.site_allows(account)``: may this account use its role on this site?

    A site that requires two-factor sign-in does not count the roles of accounts without it.
    """

    def allows(account: Account | Identity) -> bool:
        root = request.site_root
        return not (getattr(root, "require_two_factor", False) and not account.two_factor)

    return allows
