"""A poll: a question with 2 to 20 choices, its ballots, and the rules for voting and results.

The ballots are kept in an ``OOBTree`` keyed by account id, made with the poll: two people
voting at once insert different keys, which the BTree's conflict resolution merges, and one
account voting twice at once inserts the same key twice, which it refuses (the retried
request then finds the first ballot). Counts are worked out from the ballots, so they can
never drift from who voted; nothing else is written by a vote.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from BTrees.OOBTree import OOBTree

from pleio_core.plugin_api import Content, now, whole_number

from ..i18n import _

MIN_CHOICES, MAX_CHOICES, MAX_CHOICE = 2, 20, 200
AFTER_VOTING, AFTER_CLOSING = "after-voting", "after-closing"
RESULTS_TITLES = {
    AFTER_VOTING: _("After voting: each voter sees the results once they have voted"),
    AFTER_CLOSING: _("After closing: everyone sees the results when the poll closes"),
}
#: The choices of a poll made without any (``Poll(owner=x)``): a yes-or-no question.
DEFAULT_CHOICES = ("Ja", "Nee")


class Ballot(NamedTuple):
    """One account's vote: the numbers of its choices (0 is the first) and when."""

    choices: tuple[int, ...]
    time: datetime


class Tally(NamedTuple):
    choice: str
    votes: int
    percent: int  # of the voters, rounded: with several choices each, they add up to more
    mine: bool


class Poll(Content):
    """A question with 2 to 20 choices; one ballot per account, never changed once cast."""

    choices: tuple[str, ...] = DEFAULT_CHOICES
    multiple = False
    results = AFTER_VOTING
    #: Nobody votes from this moment on (aware, UTC); None: open until someone closes it.
    closes_at: datetime | None = None
    votes: OOBTree  # account id → Ballot

    def __init__(self, title: str = "", owner: str | None = None) -> None:
        super().__init__(title, owner)
        # made now, not on the first vote: concurrent first votes must not both create it
        self.votes = OOBTree()

    def is_closed(self, when: datetime | None = None) -> bool:
        return self.closes_at is not None and self.closes_at <= (when or now())

    def accepts_votes(self, when: datetime | None = None) -> bool:
        """Published, live and not closed."""
        when = when or now()
        return self.is_live(when) and not self.is_closed(when)

    def ballot_of(self, account_id: str | None) -> Ballot | None:
        return self.votes.get(account_id) if account_id is not None else None

    def voter_count(self) -> int:
        return len(self.votes)

    def tally(self, account_id: str | None = None) -> tuple[int, list[Tally]]:
        """The number of voters, and each choice with its count and its share of them, from
        the ballots in one pass (their numbers are valid: ``cast_vote`` and the import
        check them)."""
        counts = [0] * len(self.choices)
        voters = 0
        for ballot in self.votes.values():
            voters += 1
            for index in ballot.choices:
                counts[index] += 1
        mine = self.ballot_of(account_id)
        return voters, [
            Tally(
                choice,
                count,
                round(100 * count / voters) if voters else 0,
                mine is not None and index in mine.choices,
            )
            for index, (choice, count) in enumerate(zip(self.choices, counts, strict=True))
        ]


class VoteRefused(Exception):
    """A vote that is not counted; ``message`` says why, ``status`` is the HTTP answer."""

    def __init__(self, message: object, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def cast_vote(poll: Poll, account_id: str, picked: Iterable[object], when: datetime) -> Ballot:
    """Record the account's ballot from the choices' numbers as a form sends them.

    ``VoteRefused`` (nothing written) when the poll is closed, the account voted already, or
    the choices are none, unknown, or more than one on a single-choice poll.
    """
    if not poll.accepts_votes(when):
        if poll.is_closed(when):
            raise VoteRefused(_("This poll is closed: no more votes are counted."), 409)
        raise VoteRefused(_("This poll is not published yet: you can vote once it is."), 409)
    if poll.ballot_of(account_id) is not None:
        raise VoteRefused(_("You have voted in this poll already. A vote cannot be changed."), 409)
    numbers = set()
    for value in picked:
        # a choice's number as a form sends it; not a file sent under its name, "-1", "٣"
        number = whole_number(value, len(poll.choices) - 1) if isinstance(value, str) else None
        if number is None:
            raise VoteRefused(_("That is not one of this poll's choices. Choose again."))
        numbers.add(number)
    if not numbers:
        raise VoteRefused(
            _("Choose one or more answers.") if poll.multiple else _("Choose an answer.")
        )
    if len(numbers) > 1 and not poll.multiple:
        raise VoteRefused(_("Choose one answer only: this poll allows one choice."))
    ballot = Ballot(tuple(sorted(numbers)), when)
    poll.votes[account_id] = ballot
    return ballot
