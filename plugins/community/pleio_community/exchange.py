"""The community's part of a site export and import: a group's key, members and requests.

Members travel by e-mail address (accounts have other ids on another installation); the
group's key travels as it is, so content with access level ``group`` stays its members'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from BTrees.OOBTree import OOBTree

from pleio_core.plugin_api import parent_of

from .groups import ROLES, Group, Membership, memberships_of

#: A group's key, as its principal (``group:<key>``) may hold it.
KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def export_extra(content: object, email_of: Callable[[str | None], str | None]) -> dict | None:
    if not isinstance(content, Group):
        return None
    members = [
        {"email": email, "name": m.name, "role": m.role, "since": m.since.isoformat()}
        for m in content.member_list()
        if (email := email_of(m.account_id))
    ]
    requests = [
        {"email": email, "name": name, "time": when.isoformat()}
        for account, name, when in content.request_list()
        if (email := email_of(account))
    ]
    return {"uid": content.uid, "members": members, "requests": requests}


def groups_of(folder: object, account_id: str) -> list[dict[str, str]]:
    """The groups the account is in: title, name (its address in the folder), role, since."""
    found = []
    for group in getattr(folder, "values", list)():
        membership = (
            group.members.get(account_id)
            if isinstance(group, Group) and group.members is not None
            else None
        )
        if membership is not None:
            found.append(
                {
                    "group": group.title,
                    "path": group.__name__,
                    "role": membership.role,
                    "since": membership.since.isoformat(),
                }
            )
    return found


def personal_data(folder: object, account_id: str) -> dict | None:
    """The account's groups and requests to join, for its "Download my data" (only its
    own role and dates: nobody else's)."""
    groups, asked = groups_of(folder, account_id), []
    for group in getattr(folder, "values", list)():
        if isinstance(group, Group) and group.requests is not None and account_id in group.requests:
            _name, when = group.requests[account_id]
            asked.append({"group": group.title, "path": group.__name__, "time": when.isoformat()})
    if not groups and not asked:
        return None
    return {"groups": groups, "requests": asked}


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value or len(value) > 300:
        raise ValueError(f"a group member's {key} is missing or not text")
    return value


def _time(record: dict, key: str) -> datetime:
    try:
        when = datetime.fromisoformat(_text(record, key))
    except ValueError:
        raise ValueError(f"a group member's {key} is not an ISO 8601 time") from None
    if when.tzinfo is None:
        raise ValueError(f"a group member's {key} has no time zone")
    return when


def import_extra(
    content: object, data: Any, account_id: Callable[[str | None], str | None]
) -> None:
    if not isinstance(content, Group):
        raise ValueError("group data on something that is not a group")
    if not isinstance(data, dict):
        raise ValueError("the group's data is not an object")
    uid, members, requests = data.get("uid"), data.get("members", []), data.get("requests", [])
    if not (isinstance(uid, str) and KEY.match(uid)):
        raise ValueError("a group's key is missing or not 1-64 letters, digits, - or _")
    folder = parent_of(content)
    if any(isinstance(g, Group) and g is not content and g.uid == uid for g in folder.values()):
        raise ValueError(f"two groups have the key {uid}")
    if not all(
        isinstance(x, list) and all(isinstance(r, dict) for r in x) for x in (members, requests)
    ):
        raise ValueError("a group's members and requests are lists of objects")
    content._uid = uid
    content.members, content.requests = OOBTree(), OOBTree()
    for record in members:
        role = record.get("role")
        if role not in ROLES:
            raise ValueError(f"a group member's role is {role!r}, not owner, admin or member")
        account = account_id(_text(record, "email"))
        if account is None:  # (never: an address names an account or is refused)
            raise ValueError("a group member without an account")
        content.members[account] = Membership(
            account, _text(record, "name"), role, _time(record, "since")
        )
    for record in requests:
        account = account_id(_text(record, "email"))
        content.requests[account] = (_text(record, "name"), _time(record, "time"))
    index = memberships_of(folder, create=True)
    for account in content.members:
        index.set(account, content)
