"""Mentions: ``@Name`` (an account's name as shown, any case) or ``@handle`` (the name
without spaces or punctuation: ``@adalovelace``) in a body or a comment, matched on save
to the members of this site. This is the way that works without JavaScript; the
suggestions of ``static/mentions.js`` only help to type a name that matches.

An ``@`` right after a letter or digit is part of an e-mail address, not a mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyramid.request import Request

from pleio_core.security.membership import site_members
from pleio_core.security.store import platform_accounts

AT = re.compile(r"(?<![\w@])@(?=\w)")
MAX_NAME = 100


def handle_of(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


def mentioned_names(text: str, names: Iterable[tuple[str, str]]) -> set[str]:
    """The ids of ``names`` ((id, name) pairs) that ``text`` mentions; where names overlap
    (``@Ada Lovelace`` and a member named Ada), the longest match wins."""
    starts = [m.end() for m in AT.finditer(text or "")]
    if not starts:
        return set()
    candidates = []
    for account_id, name in names:
        folded = (name or "").casefold().strip()
        if folded:
            candidates.append((account_id, folded, handle_of(folded)))
    found: set[str] = set()
    for start in starts:
        rest = text[start : start + MAX_NAME].casefold()
        best: tuple[int, str] | None = None
        for account_id, folded, handle in candidates:
            for form in {folded, handle}:
                matches = form and rest.startswith(form) and not _continues(rest, len(form))
                if matches and (best is None or len(form) > best[0]):
                    best = (len(form), account_id)
        if best is not None:
            found.add(best[1])
    return found


def _continues(rest: str, at: int) -> bool:
    return at < len(rest) and (rest[at].isalnum() or rest[at] == "_")


def site_member_names(request: Request) -> list[tuple[str, str]]:
    """(id, name) of every member of this site (read only when a text has an ``@``)."""
    members = site_members(request.site_root)
    accounts = platform_accounts(request)
    if members is None or accounts is None:
        return []
    found = []
    for membership in members:
        account = accounts.get(membership.account_id)
        if account is not None and not account.disabled:
            found.append((account.id, account.name))
    return found


def mentions_in(request: Request, text: str) -> set[str]:
    """The account ids of the members of this site that ``text`` mentions (``@Name`` or
    ``@handle``); ``mentioned_members`` in the plugin API."""
    if not AT.search(text or ""):
        return set()
    return mentioned_names(text, site_member_names(request))
