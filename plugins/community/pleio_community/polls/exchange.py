"""The polls' part of a site export and import, and of a person's "Download my data".

The question, choices, kind, results rule and closing moment are schema fields and travel by
themselves; the ballots travel here. Voters travel by e-mail address (accounts have other
ids on another installation), their choices by text (readable, and checked against the
poll's choices on import).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from BTrees.OOBTree import OOBTree
from pyramid.traversal import resource_path

from pleio_core.plugin_api import content_in

from .model import Ballot, Poll


def export_extra(content: object, email_of: Callable[[str | None], str | None]) -> dict | None:
    if not isinstance(content, Poll):
        return None
    votes = [
        {
            "email": email,
            "choices": [content.choices[i] for i in ballot.choices],
            "time": ballot.time.isoformat(),
        }
        for account, ballot in content.votes.items()
        if (email := email_of(account))
    ]
    return {"votes": votes}


def _ballot(poll: Poll, record: Any) -> Ballot:
    if not isinstance(record, dict):
        raise ValueError("a poll's vote is not an object")
    choices, time = record.get("choices"), record.get("time")
    if not (isinstance(choices, list) and choices and all(isinstance(c, str) for c in choices)):
        raise ValueError("a poll's vote has no list of choices")
    unknown = [c for c in choices if c not in poll.choices]
    if unknown:
        raise ValueError(f"a vote names {unknown[0][:50]!r}, which is not one of the choices")
    numbers = tuple(sorted({poll.choices.index(c) for c in choices}))
    if len(numbers) != len(choices) or (len(numbers) > 1 and not poll.multiple):
        raise ValueError("a vote names a choice twice, or several in a single-choice poll")
    try:
        when = datetime.fromisoformat(time) if isinstance(time, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ValueError("a poll's vote has no ISO 8601 time with a time zone")
    return Ballot(numbers, when)


def import_extra(
    content: object, data: Any, account_id: Callable[[str | None], str | None]
) -> bool:
    """Restore the ballots; False for content that is not a poll, ValueError for bad data."""
    if not isinstance(content, Poll):
        return False
    votes = data.get("votes") if isinstance(data, dict) else None
    if not isinstance(votes, list):
        raise ValueError("a poll's data is an object with a list of votes")
    content.votes = OOBTree()
    for record in votes:
        email = record.get("email") if isinstance(record, dict) else None
        account = account_id(email) if isinstance(email, str) else None
        if account is None:
            raise ValueError("a poll's vote without the e-mail address of an account")
        if account in content.votes:
            raise ValueError("two votes of one account in one poll")
        content.votes[account] = _ballot(content, record)
    return True


def personal_data(site: Any, account_id: str) -> dict | None:
    """The account's own ballots (never anyone else's, nor the counts)."""
    mine = [
        {
            "poll": poll.title,
            "path": resource_path(poll) + "/",
            "choices": [poll.choices[i] for i in ballot.choices],
            "time": ballot.time.isoformat(),
        }
        for poll in content_in(site.get("community"))
        if isinstance(poll, Poll) and (ballot := poll.ballot_of(account_id)) is not None
    ]
    return {"poll_votes": mine} if mine else None
