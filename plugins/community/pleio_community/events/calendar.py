"""iCalendar (RFC 5545) of events: one event (``@@ics``), a group's and the site's
(``@@events.ics``), made with the ``icalendar`` library.

Each event is written in its own zone (``DTSTART;TZID=Europe/Amsterdam:…``) with that
zone's VTIMEZONE, so a calendar shows it at the right moment wherever the reader is. A feed
holds what the one asking may see, as the pages do: a calendar program that asks without
a session (anonymous) gets the public events only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import timedelta

import icalendar
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import clean, now

from .model import Event

PRODID = "-//Pleio//Community events//NL"
#: A feed leaves out events that ended longer ago than this.
FEED_HISTORY = timedelta(days=90)
FEED_SIZE = 300  # calendar programs poll often: a feed stays small


def vevent(request: Request, event: Event) -> icalendar.Event:
    url = request.resource_url(event)
    item = icalendar.Event()
    item.add("uid", f"{event.uid}@{request.domain}")
    item.add("dtstamp", now())
    item.add("created", event.created)
    item.add("last-modified", event.modified)
    item.add("sequence", event.serial)
    item.add("dtstart", event.local_start())
    item.add("dtend", event.local_end())
    item.add("summary", clean(event.title))
    text = clean(event.text)
    item.add("description", f"{text}\n\n{url}" if text else url)
    item.add("url", url)
    place = event.location or event.online_link
    if place:
        item.add("location", clean(place))
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return item


def calendar_of(request: Request, events: Iterable[Event], name: str) -> bytes:
    """The VCALENDAR of ``events``, with a VTIMEZONE for each zone they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", clean(name))
    events = list(events)
    for event in events:
        calendar.add_component(vevent(request, event))
    if events:  # the zones' rules only for the years the events are in (a short file)
        first = min(e.start for e in events).date() - timedelta(days=1)
        last = max(e.end for e in events).date() + timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    body: bytes = calendar.to_ical()
    return body


def ics_response(body: bytes, filename: str, attachment: bool) -> Response:
    response = Response(body=body, content_type="text/calendar", charset="utf-8")
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # what it holds depends on who asks: never in a shared cache
    response.cache_control = "private, max-age=300"
    return response


def feed_events(events: Iterable[Event]) -> list[Event]:
    """What a feed holds of the (visible) events: those not long over, at most FEED_SIZE."""
    since = now() - FEED_HISTORY
    return list(itertools.islice((e for e in events if e.end >= since), FEED_SIZE))
