"""An event and who comes: its answers (yes, maybe, no), its seats and its waiting list.

Every answer of one event is kept in one persistent object (``Attendance``) that resolves no
conflicts: two answers given at once conflict, and the request that lost is replayed with
the other's answer in view. So the seats are counted exactly, however many answer at once,
and nobody holds a seat and a place on the waiting list, or two seats.

The events of a site are also kept in order of their start on the community folder
(``EventIndex``), so the lists, the calendar feeds and the reminders read the events only,
not everything in the community.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from pleio_core.plugin_api import Content, ModuleFolder, is_attached, now

YES, MAYBE, NO = "yes", "maybe", "no"
ANSWERS = (YES, MAYBE, NO)
DEFAULT_ZONE = "Europe/Amsterdam"
#: Hours before its start that an event's reminder goes out, unless its organiser says.
REMINDER_HOURS = 24
#: An event lasts at most this long: the lists find what is still going on by looking back
#: this far in the index by start.
MAX_DURATION = timedelta(days=31)


def default_start() -> datetime:
    """The next full hour a week from now (in UTC)."""
    hour = now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return hour + timedelta(days=7, hours=1)


class Reply(NamedTuple):
    answer: str  # yes, maybe or no
    name: str  # the account's name when it answered (for an account that is gone)
    when: datetime


class Attendance(Persistent):
    """The answers to one event, its seated and its waiting list (the order they came in)."""

    def __init__(self) -> None:
        self.replies: dict[str, Reply] = {}
        self.seated: list[str] = []
        self.waiting: list[str] = []

    def answer_of(self, account_id: str | None) -> str | None:
        reply = self.replies.get(account_id) if account_id else None
        return reply.answer if reply is not None else None

    def place_of(self, account_id: str) -> int | None:
        """1 for the first on the waiting list; None for someone not on it."""
        return self.waiting.index(account_id) + 1 if account_id in self.waiting else None

    def reply(
        self, account_id: str, name: str, answer: str, capacity: int | None, when: datetime
    ) -> list[str]:
        """Record the answer; who moved up from the waiting list because of it."""
        if answer not in ANSWERS:
            raise ValueError(f"an answer is yes, maybe or no, not {answer!r}")
        self.replies[account_id] = Reply(answer, name, when)
        if answer != YES:
            return self._leave(account_id, capacity)
        if account_id not in self.seated and account_id not in self.waiting:
            full = capacity is not None and len(self.seated) >= capacity
            (self.waiting if full else self.seated).append(account_id)
        self._p_changed = True
        return self.fill(capacity)

    def fill(self, capacity: int | None) -> list[str]:
        """Give the free seats to the first on the waiting list; who moved up."""
        moved = []
        while self.waiting and (capacity is None or len(self.seated) < capacity):
            account_id = self.waiting.pop(0)
            self.seated.append(account_id)
            moved.append(account_id)
        if moved:
            self._p_changed = True
        return moved

    def forget(self, account_id: str, capacity: int | None) -> list[str]:
        """The account left the site: its answer goes, its seat to the next in line."""
        if account_id not in self.replies:
            return []
        del self.replies[account_id]
        return self._leave(account_id, capacity)

    def _leave(self, account_id: str, capacity: int | None) -> list[str]:
        """Off the seats and the waiting list; who moved up into a seat given up."""
        for line in (self.seated, self.waiting):
            if account_id in line:
                line.remove(account_id)
        self._p_changed = True
        return self.fill(capacity)


class Event(Content):
    """Something that happens at a time and a place (or online), that people say they come to.

    ``start`` and ``end`` are kept in UTC (a ``ZoneInfo`` does not pickle into ZODB) with
    the zone it is in (``timezone``), in which it is shown.
    """

    location = ""
    online_link = ""
    capacity: int | None = None
    rsvp = True
    cancelled = False
    timezone = DEFAULT_ZONE
    reminder_hours = REMINDER_HOURS
    attendance: Attendance | None = None
    #: The accounts reminded of it (``reminders``): each once.
    reminded: frozenset[str] = frozenset()

    def __init__(self, title: str = "", owner: str | None = None) -> None:
        super().__init__(title, owner)
        self.start = default_start()
        self.end = self.start + timedelta(hours=1)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)

    def local_end(self) -> datetime:
        return self.end.astimezone(self.zone)

    def is_past(self, when: datetime | None = None) -> bool:
        return self.end <= (when or now())

    def has_started(self, when: datetime | None = None) -> bool:
        return self.start <= (when or now())

    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - len(self.attendance.seated if self.attendance else ()))

    def answers(self) -> Attendance:
        """The attendance, made on the first answer (never by a page that only reads)."""
        if self.attendance is None:
            self.attendance = Attendance()
        return self.attendance


# -- the site's events in order of their start ---------------------------------------------


def community_folder(node: object) -> ModuleFolder | None:
    while node is not None and not isinstance(node, ModuleFolder):
        node = getattr(node, "__parent__", None)
    return node


def index_of(folder: object, create: bool = False) -> OOBTree | None:
    """(start, uid) → event, for the community folder's events."""
    index = getattr(folder, "event_index", None)
    if index is None and create and folder is not None:
        index = folder.event_index = OOBTree()  # type: ignore[attr-defined]
    return index


def index_event(event: Event) -> None:
    """Put the event in its folder's index (again, after its start changed)."""
    index = index_of(community_folder(event), create=True)
    if index is None:
        return
    old = getattr(event, "_index_key", None)
    key = (event.start, event.uid)
    if old == key and index.get(key) is event:
        return
    if old is not None and old in index:
        del index[old]
    if old is not None and old[0] != event.start:
        event.reminded = frozenset()  # put off (or brought forward): reminded again
    index[key] = event
    event._index_key = key


def unindex_event(event: Event) -> None:
    index = index_of(community_folder(event))
    key = getattr(event, "_index_key", None)
    if index is not None and key is not None and key in index:
        del index[key]


def all_events(folder: object) -> list[Event]:
    """The folder's events by start (the earliest first), those still in the site."""
    index = index_of(folder)
    if index is None:
        return []
    return [event for event in index.values() if is_attached(event)]
