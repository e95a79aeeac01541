"""Reminders of events: a notification (``event-reminder``) to everyone with a place, the
event's ``reminder_hours`` before it starts (24 by default).

The core's ``pleio periodic`` (cron, every 15 minutes or so) calls ``periodic`` for each
site in a transaction of its own. Whom an event reminded is kept on the event
(``Event.reminded``) in that transaction, with the mails (which leave when it commits): a
run that comes again sends nothing twice, and two runs at once write the same event, so
one of them conflicts, is rolled back and, tried again, finds the reminders sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pyramid.request import Request

from pleio_core.plugin_api import is_attached, notify, now

from .model import Event, index_of
from .schema import MAX_REMINDER


def due(folder: Any, moment: datetime) -> list[tuple[Event, list[str]]]:
    """The events whose reminder is due at ``moment``, with whom it is still owed to."""
    index = index_of(folder)
    if index is None:
        return []
    latest = moment + timedelta(hours=MAX_REMINDER)
    found = []
    for event in index.values(min=(moment,), max=(latest, "\uffff")):
        if event.cancelled or not event.reminder_hours or event.attendance is None:
            continue
        if not (moment < event.start <= moment + timedelta(hours=event.reminder_hours)):
            continue
        owed = [a for a in event.attendance.seated if a not in event.reminded]
        if owed and is_attached(event):
            found.append((event, owed))
    return found


def periodic(site: Any, request: Request) -> int:
    """Send the reminders that are due; how many accounts were notified."""
    folder = site.get("community")
    if folder is None:
        return 0
    sent = 0
    for event, owed in due(folder, now()):
        sent += notify(request, "event-reminder", owed, event, actor="")
        event.reminded = event.reminded | frozenset(owed)
    return sent
