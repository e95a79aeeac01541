"""Personal access tokens and app passwords: made and revoked by the account holder.

A record has a scope. An API token (``API``) is good only under ``/api/``, as
``Authorization: Bearer``; an app password (``APP_PASSWORD``) only under the paths plugins
register for it (``app_passwords``, e.g. WebDAV's ``/dav/``), as the password of
``Authorization: Basic``. Either is good for one deelsite only (its hosts). Only the
sha256 of a token is stored (in the platform database), so a copy of the database gives
no usable tokens; the token itself is shown once, when it is made.

sha256, not Argon2 as for sign-in passwords, on purpose: the secret is 256 random bits,
which no one guesses however fast the hash, while a desktop WebDAV client sends it on every
request (hundreds for one folder copied), so a deliberately slow hash would cost a
fraction of a second of CPU each time.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import MutableMapping
from datetime import datetime, timedelta
from typing import Any

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.request import Request

from pleio_core.clock import now
from pleio_core.i18n import _

PREFIX = "pleio_"  # so that secret scanners and people recognise a leaked token
MAX_NAME = 80
MAX_TOKENS = 50  # per account
#: How stale "last used" may get: writing it on every request would make every API call
#: a write to the platform database.
LAST_USED_PRECISION = timedelta(minutes=5)
PLATFORM_KEY = "api_tokens"
#: The scopes of a record: what it may be used for.
API = "api"
APP_PASSWORD = "app_password"
SCOPES = (API, APP_PASSWORD)


class ApiTokenError(ValueError):
    """A token that cannot be made; ``field`` and ``message`` (a translation string) say why."""

    def __init__(self, field: str, message: Any) -> None:
        super().__init__(str(message))
        self.field, self.message = field, message


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(Persistent):
    """One token's record: never the token itself."""

    last_used: datetime | None = None
    scope = API  # (records made before app passwords existed are all API tokens)

    def __init__(self, id: str, account_id: str, site: str, name: str, scope: str = API) -> None:
        self.id, self.account_id, self.site, self.name = id, account_id, site, name
        self.scope = scope
        self.created = now()

    def touch(self, when: datetime) -> None:
        if self.last_used is None or when - self.last_used > LAST_USED_PRECISION:
            self.last_used = when


class ApiTokens(Persistent):
    """Every API token of the platform, by digest (to check) and by account (to list)."""

    def __init__(self) -> None:
        self._by_digest: OOBTree = OOBTree()  # sha256 hex → ApiToken
        self._by_account: OOBTree = OOBTree()  # account id → OOBTree(token id → digest)

    def __len__(self) -> int:
        return len(self._by_digest)

    def issue(
        self, account_id: str, site: str, name: str, scope: str = API, field: str = "token_name"
    ) -> tuple[str, ApiToken]:
        """A new token for ``site``: the token (to show once) and its record.

        ``field`` names the form field an ``ApiTokenError`` is about."""
        if scope not in SCOPES:
            raise ValueError(f"no such scope: {scope!r}")
        name = " ".join(name.split()) if isinstance(name, str) else ""
        if not name:
            raise ApiTokenError(field, _("Give the token a name."))
        if len(name) > MAX_NAME:
            raise ApiTokenError(
                field, _("A name has at most ${n} characters.", mapping={"n": MAX_NAME})
            )
        own = self._by_account.get(account_id)
        if own is not None and len(own) >= MAX_TOKENS:
            raise ApiTokenError(
                field,
                _("You have ${n} tokens: revoke one first.", mapping={"n": MAX_TOKENS}),
            )
        token = PREFIX + secrets.token_urlsafe(32)
        record = ApiToken(secrets.token_hex(8), account_id, site, name, scope)
        key = digest(token)
        self._by_digest[key] = record
        if own is None:
            own = self._by_account[account_id] = OOBTree()
        own[record.id] = key
        return token, record

    def find(self, token: str) -> ApiToken | None:
        """The record of a token, or None (unknown, revoked, or not one of ours)."""
        if not token.startswith(PREFIX):
            return None
        return self._by_digest.get(digest(token))

    def of_account(self, account_id: str, scope: str = API) -> list[ApiToken]:
        """An account's tokens of one scope, newest first."""
        own = self._by_account.get(account_id)
        if own is None:
            return []
        records = [self._by_digest[key] for key in own.values()]
        records = [r for r in records if r.scope == scope]
        return sorted(records, key=lambda r: r.created, reverse=True)

    def revoke(self, account_id: str, token_id: str) -> ApiToken | None:
        """Remove one of the account's tokens; the record, or None if it had no such token."""
        own = self._by_account.get(account_id)
        key = own.pop(token_id, None) if own is not None else None
        return self._by_digest.pop(key) if key is not None else None


def api_tokens_of(platform: MutableMapping[str, Any]) -> ApiTokens:
    """The platform's token store, made on first use."""
    tokens = platform.get(PLATFORM_KEY)
    if tokens is None:
        tokens = platform[PLATFORM_KEY] = ApiTokens()
    return tokens


def account_tokens(request: Request, account_id: str, scope: str = API) -> list[ApiToken]:
    """An account's tokens of one scope, newest first (read only: nothing is made for an
    empty list)."""
    tokens = request.platform_root.get(PLATFORM_KEY)
    return tokens.of_account(account_id, scope) if tokens is not None else []


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header on an API path, else None."""
    if not request.path_info.startswith("/api/"):
        return None
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def token_account_id(request: Request, token: str) -> str | None:
    """The account a token speaks for on this request's deelsite; None if it does not.

    Reads the platform database only when the token looks like one of ours, and writes
    "last used" at most every few minutes.
    """
    site = request.site
    if site is None or not token.startswith(PREFIX):
        return None
    tokens = request.platform_root.get(PLATFORM_KEY)
    record = tokens.find(token) if tokens is not None else None
    if record is None or record.site != site.name or record.scope != API:
        return None
    record.touch(now())
    return record.account_id
