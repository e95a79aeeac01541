"""Whether a recipient may see what a notification is about: with *their* principals for
this site (``security.policy.account_principals``), the content's ACL as it is now (level,
state, publication moment, owner, group), the closed-site rule and the enabled modules —
the rules ``request.has_permission`` applies to a visitor, applied to someone else.
"""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from pleio_core.content.model import Content, is_attached
from pleio_core.security.accounts import Account
from pleio_core.security.policy import account_principals, permits_principals
from pleio_core.services import CONTENT_TYPES


class Audience:
    """Principals worked out once per recipient (the plugins' hooks are asked once)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self._principals: dict[str, list[str]] = {}

    # ``account``: an Account, or what has its id, operator, two_factor and disabled (the
    # digest's ``Recipient``)
    def principals(self, account: Account | Any) -> list[str]:
        found = self._principals.get(account.id)
        if found is None:
            found = self._principals[account.id] = account_principals(self.request, account)
        return found

    def may_see(self, account: Account | Any, content: Any) -> bool:
        """May ``account`` open ``content`` (None: the site itself) here, now?"""
        request = self.request
        if getattr(account, "disabled", False):
            return False
        target = request.site_root if content is None else content
        if content is not None:
            if not isinstance(content, Content) or not is_attached(content):
                return False
            if not CONTENT_TYPES(request.registry).is_shown(content, request.enabled_modules):
                return False
        return bool(permits_principals(request, self.principals(account), target, "view"))
