"""The community's events: when and where, who comes (yes, maybe, no) with a waiting list
that moves up by itself, the attendee list for organisers, iCalendar of an event, a group
and the site, and reminders (``pleio periodic``).

- ``model``: the event, its attendance and the site's index of events by start;
- ``schema``: its form and API (date and time in the event's zone);
- ``views``: its pages, the lists and the feeds; ``calendar``: the iCalendar;
- ``reminders``: what ``pleio periodic`` sends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request

from pleio_core.plugin_api import (
    ContentAdded,
    ContentModified,
    ContentRemoved,
    MemberRemoved,
    content_in,
    notify,
)

from ..i18n import _
from ..samples import add_sample
from . import reminders
from .model import (
    ANSWERS,
    MAX_DURATION,
    Attendance,
    Event,
    Reply,
    all_events,
    index_event,
    unindex_event,
)
from .schema import EventSchema


def event_added(event: ContentAdded) -> None:
    if isinstance(event.content, Event):
        index_event(event.content)


def event_modified(event: ContentModified) -> None:
    """A new start is a new place in the index; more places go to the waiting list."""
    content = event.content
    if not isinstance(content, Event):
        return
    index_event(content)
    if content.attendance is not None:
        moved = content.attendance.fill(content.capacity)
        if moved and event.request is not None:
            notify(event.request, "event-seat", moved, content, actor="")


def event_removed(event: ContentRemoved) -> None:
    for found in content_in(event.content):
        if isinstance(found, Event):
            unindex_event(found)


def member_removed(event: MemberRemoved) -> None:
    """Who leaves the site leaves its events: the next in line gets the seat."""
    for found in all_events(event.site.get("community")):
        if found.attendance is not None:
            moved = found.attendance.forget(event.account_id, found.capacity)
            if moved and event.request is not None:
                notify(event.request, "event-seat", moved, found, actor="")


def includeme(config: Configurator) -> None:
    """Declare the content types, views and notification kinds."""
    config.add_content_type(
        "event", Event, title=_("Event"), schema=EventSchema, addable_to=("module", "group"),
        searchable_text=lambda event: event.location,
    )  # fmt: skip
    config.add_notification_kind(
        "event-seat",
        _("A place at an event came free for you"),
        _("A place came free at “${title}”: you moved up from the waiting list and are coming"),
    )
    config.add_notification_kind(
        "event-reminder",
        _("A reminder of an event you come to"),
        _("Reminder: “${title}” starts soon"),
    )
    config.add_subscriber(event_added, ContentAdded)
    config.add_subscriber(event_modified, ContentModified)
    config.add_subscriber(event_removed, ContentRemoved)
    config.add_subscriber(member_removed, MemberRemoved)
    config.include(".views")


SAMPLE = {
    "nl": (
        "Kennissessie toegankelijke formulieren",
        "We laten zien hoe je formulieren maakt die iedereen kan invullen. Meld je aan!",
        "Stadhuis, zaal 2",
    ),
    "en": (
        "Knowledge session: accessible forms",
        "We show how to make forms everyone can fill in. Let us know whether you come!",
        "Town hall, room 2",
    ),
}


def sample_content(
    group: Any, registry: Registry, language: str, owner: str | None, owner_name: str
) -> None:
    """Put an example in the demo community's sample group: an event in two weeks."""
    if language not in SAMPLE or "sample-event" in group:
        return
    title, text, location = SAMPLE[language]
    event = Event(title, owner=owner)
    event.start = event.start + timedelta(days=7)
    event.end = event.start + timedelta(hours=2)
    event.location = location
    event.capacity = 30
    add_sample(group, registry, event, "sample-event", owner_name, text)


def export_extra(content: object, email_of: Callable[[str | None], str | None]) -> dict | None:
    """What a site export carries beyond the schema's fields (None: nothing, or not ours):
    the answers, who is seated and the waiting list in order, whom it reminded."""
    if not isinstance(content, Event):
        return None
    attendance = content.attendance
    replies = []
    if attendance is not None:
        for account_id, reply in attendance.replies.items():
            email = email_of(account_id)
            if email is None:
                continue
            replies.append(
                {"email": email, "name": reply.name, "answer": reply.answer,
                 "time": reply.when.isoformat()}
            )  # fmt: skip

    def line(ids: Any) -> list[str]:
        return [e for a in ids if (e := email_of(a))]

    return {
        "replies": replies,
        "seated": line(attendance.seated if attendance else []),
        "waiting": line(attendance.waiting if attendance else []),
        "reminded": sorted(line(content.reminded)),
    }


def _emails(data: dict, key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"an event's {key} is a list of e-mail addresses")
    return value


def _check_times(event: Event) -> None:
    """An imported event's start and end as the form makes them (the core reads an archive
    field by field: the schema's preparer and validator do not run): in UTC, a time without
    an offset in the event's zone, ending after it starts and within ``MAX_DURATION``."""
    for name in ("start", "end"):
        when = getattr(event, name)
        if not isinstance(when, datetime):
            raise ValueError(f"an event's {name} is no date and time")
        if when.tzinfo is None:
            when = when.replace(tzinfo=event.zone)
        setattr(event, name, when.astimezone(UTC))
    if not event.start < event.end <= event.start + MAX_DURATION:
        raise ValueError(f"an event ends after it starts, within {MAX_DURATION.days} days")


def import_extra(
    content: object, data: Any, account_id: Callable[[str | None], str | None]
) -> bool:
    """Restore what export_extra gave; False if the content is not of our types."""
    if not isinstance(content, Event):
        return False
    _check_times(content)
    if not isinstance(data, dict) or not isinstance(data.get("replies", []), list):
        raise ValueError("an event's data is an object with its replies")
    attendance = Attendance()
    for record in data.get("replies", []):
        if not isinstance(record, dict) or record.get("answer") not in ANSWERS:
            raise ValueError("an event's reply has an answer yes, maybe or no")
        name, email, when = record.get("name"), record.get("email"), record.get("time")
        if not all(isinstance(v, str) and v for v in (name, email, when)):
            raise ValueError("an event's reply lacks its e-mail, name or time")
        try:
            moment = datetime.fromisoformat(str(when))
        except ValueError:
            raise ValueError("an event's reply time is not ISO 8601") from None
        if moment.tzinfo is None:
            raise ValueError("an event's reply time has no time zone")
        account = account_id(email)
        if account is None:
            raise ValueError("an event's reply without an account")
        attendance.replies[account] = Reply(record["answer"], str(name), moment)
    for key in ("seated", "waiting"):
        ids = [account_id(e) for e in _emails(data, key)]
        if any(a not in attendance.replies or attendance.replies[a].answer != "yes" for a in ids):
            raise ValueError(f"an event's {key} holds someone who did not say yes")
        setattr(attendance, key, ids)
    if set(attendance.seated) & set(attendance.waiting):
        raise ValueError("someone is both seated and waiting")
    content.attendance = attendance if attendance.replies else None
    content.reminded = frozenset(a for e in _emails(data, "reminded") if (a := account_id(e)))
    index_event(content)  # (an import sends no events)
    return True


def personal_data(site: Any, account_id: str) -> dict | None:
    """The account's own part, for "Download my data": its answers to events."""
    mine = []
    for event in all_events(site.get("community")):
        attendance = event.attendance
        reply = attendance.replies.get(account_id) if attendance is not None else None
        if attendance is None or reply is None:
            continue
        mine.append(
            {"event": event.title, "start": event.start.isoformat(), "answer": reply.answer,
             "waiting_place": attendance.place_of(account_id), "time": reply.when.isoformat()}
        )  # fmt: skip
    return {"event_answers": mine} if mine else None


def periodic(site: Any, registry: Registry, request: Request) -> int:
    """``pleio periodic``'s work for events: the reminders that are due."""
    return reminders.periodic(site, request)
