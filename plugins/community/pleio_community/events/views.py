"""An event's pages: the event with its answer form, the attendee list and its CSV for
organisers, its ``.ics``; the events of the site and of a group, and their calendar feeds.

Adding, editing and deleting an event are the core's pages for every content type.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPSeeOther
from pyramid.renderers import get_renderer
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import (
    CONTENT_TYPES,
    ModuleFolder,
    add_links,
    content_view,
    csv_response,
    display_name,
    format_time,
    is_attached,
    notify,
    now,
    whole_number,
)

from ..groups import MANAGE, Group, group_containing
from ..i18n import _
from ..refusals import refuse
from .calendar import calendar_of, feed_events, ics_response
from .model import ANSWERS, MAX_DURATION, MAYBE, NO, YES, Event, community_folder, index_of
from .schema import ZONES

TEMPLATES = "pleio_community:events/templates/"
CONTENT_PAGE = "pleio_core:templates/content.pt"
PAGE_SIZE = 20
ANSWER_TITLES = {YES: _("Yes, I come"), MAYBE: _("Maybe"), NO: _("No, I do not come")}
DONE = {
    YES: _("You come: you have a place."),
    "waiting": _("The event is full: you are on the waiting list."),
    MAYBE: _("Your answer is saved: maybe."),
    NO: _("Your answer is saved: you do not come."),
}


def is_organiser(request: Request, event: Event) -> bool:
    """Its owner, the editors and admins (who may edit it) and its group's owners."""
    return bool(request.has_permission("edit", event) or request.has_permission(MANAGE, event))


def why_closed(event: Event) -> Any:
    """Why no answer can be given now (None: it can)."""
    if not event.rsvp:
        return _("This event does not ask who comes.")
    if event.cancelled:
        return _("This event is cancelled: you cannot say you come.")
    if event.has_started():
        return _("This event has started or is over: you can no longer say whether you come.")
    return None


def when_text(request: Request, event: Event) -> str:
    """``01-12-2026 09:00 - 10:00 (Netherlands (Amsterdam))`` (an en dash), in its zone."""
    start, end = event.local_start(), event.local_end()
    until = f"{end:%H:%M}" if start.date() == end.date() else f"{end:%d-%m-%Y %H:%M}"
    zone = request.localizer.translate(ZONES.get(event.timezone, event.timezone))
    return f"{start:%d-%m-%Y %H:%M} \u2013 {until} ({zone})"


def event_view(context: Event, request: Request, error: Any = None) -> dict[str, Any]:
    values = content_view(context, request)
    identity = request.identity
    attendance = context.attendance
    me = identity.id if identity is not None else None
    done = request.GET.get("done")
    closed = why_closed(context)
    values.update(
        when_text=when_text(request, context),
        answer=attendance.answer_of(me) if attendance is not None else None,
        seated=attendance is not None and me in attendance.seated,
        place=attendance.place_of(me) if attendance is not None and me else None,
        seat_count=len(attendance.seated) if attendance is not None else 0,
        waiting_count=len(attendance.waiting) if attendance is not None else 0,
        seats_left=context.seats_left(),
        may_answer=values["can_take_part"] and closed is None,
        closed_reason=closed if context.rsvp else None,
        is_organiser=is_organiser(request, context),
        answer_titles=ANSWER_TITLES,
        error=error,
        done=request.localizer.translate(DONE[done]) if done in DONE else None,
        content_macros=get_renderer(CONTENT_PAGE).implementation().macros,
        list_url=request.resource_url(group_containing(context) or context.__parent__, "@@events"),
    )
    request.response.cache_control.private = True  # "upcoming" and "open" follow the clock
    return values


def rsvp(context: Event, request: Request) -> Any:
    """Say yes, maybe or no. Yes to a full event puts you on the waiting list; a seat given
    up goes to the first on it, who is told."""
    if request.identity is None or not request.has_permission("add", context):
        raise HTTPForbidden(_("Only members who may take part here can say they come."))
    answer = request.POST.get("answer", "")
    problem = why_closed(context)
    if problem is None and answer not in ANSWERS:
        problem = _("Choose yes, maybe or no.")
    if problem is not None:
        return refuse(TEMPLATES + "event.pt", event_view(context, request, problem), request)
    identity = request.identity
    attendance = context.answers()
    moved = attendance.reply(identity.id, identity.name, answer, context.capacity, now())
    if moved:  # (actor "": nobody is named as having given up the seat)
        notify(request, "event-seat", moved, context, actor="")
    done = "waiting" if attendance.place_of(identity.id) else answer
    location = request.resource_url(context, query={"done": done}) + "#rsvp"
    return HTTPSeeOther(location=location)


def attendee_rows(request: Request, event: Event) -> list[dict[str, Any]]:
    """Who answered: the seated in order, then the waiting list, then maybe, then no."""
    attendance = event.attendance
    if attendance is None:
        return []
    translate = request.localizer.translate
    rows = []

    def row(account_id: str, status: Any) -> dict[str, Any]:
        reply = attendance.replies[account_id]
        return {
            "name": display_name(request, account_id, reply.name),
            "status": translate(status),
            "when": format_time(reply.when),
        }

    for account_id in attendance.seated:
        rows.append(row(account_id, _("Comes")))
    for place, account_id in enumerate(attendance.waiting, 1):
        rows.append(row(account_id, _("Waiting list, place ${n}", mapping={"n": place})))
    for answer, title in ((MAYBE, _("Maybe")), (NO, _("Does not come"))):
        others = [a for a, r in attendance.replies.items() if r.answer == answer]
        rows += sorted((row(a, title) for a in others), key=lambda r: r["name"].casefold())
    return rows


def _organiser_only(request: Request, event: Event) -> None:
    if not is_organiser(request, event):
        raise HTTPForbidden(_("Only the event's organisers see who comes."))


def attendees(context: Event, request: Request) -> dict[str, Any]:
    _organiser_only(request, context)
    request.response.cache_control.private = True
    return {
        "content": context,
        "rows": attendee_rows(request, context),
        "when_text": when_text(request, context),
        "here": request.resource_url(context),
    }


def attendees_csv(context: Event, request: Request) -> Response:
    """The attendee list as CSV (UTF-8 with a BOM, as spreadsheets expect)."""
    _organiser_only(request, context)
    translate = request.localizer.translate
    header = [translate(_("Name")), translate(_("Answer")), translate(_("Answered"))]
    rows = ((row["name"], row["status"], row["when"]) for row in attendee_rows(request, context))
    return csv_response(f"{context.__name__ or 'event'}-attendees.csv", header, rows, bom=True)


def event_ics(context: Event, request: Request) -> Response:
    body = calendar_of(request, [context], context.title)
    return ics_response(body, f"{context.__name__ or 'event'}.ics", attachment=True)


# -- lists -------------------------------------------------------------------------------


def visible_events(request: Request, where: Any) -> Iterator[tuple[Event, bool]]:
    """(event, over) for the events the visitor may see in the community (or one group): those
    not over yet, the soonest first, then those over, the latest first. Lazy, from the index
    by start: a page of the list asks only as many as it shows."""
    types = CONTENT_TYPES(request.registry)
    enabled = request.enabled_modules
    group = where if isinstance(where, Group) else None
    index = index_of(community_folder(where))
    if index is None:
        return
    moment = now()

    def shown(event: Event) -> bool:
        if group is not None and group_containing(event) is not group:
            return False
        if not is_attached(event) or not types.is_shown(event, enabled):
            return False
        return bool(request.has_permission("view", event))

    for event in index.values(min=(moment - MAX_DURATION,)):
        if not event.is_past(moment) and shown(event):
            yield event, False
    for event in reversed(index.values(max=(moment, "\uffff"))):  # (lazily, newest first)
        if event.is_past(moment) and shown(event):
            yield event, True


def page_number(request: Request) -> int:
    number = whole_number(request.params.get("page", "1"), 10_000)
    if not number:
        raise HTTPBadRequest(_("There is no such page of the list."))
    return number


def events_page(context: Any, request: Request) -> dict[str, Any]:
    """The events, the coming ones first (the soonest first), then those over, a page at a
    time (``?page=2``)."""
    page = page_number(request)
    wanted = itertools.islice(visible_events(request, context), (page - 1) * PAGE_SIZE, None)
    shown = list(itertools.islice(wanted, PAGE_SIZE + 1))  # one more: is there a next page?
    more, shown = len(shown) > PAGE_SIZE, shown[:PAGE_SIZE]
    url = request.resource_url(context, "@@events")
    links = [link for link in add_links(request, context) if link[1].endswith("type=event")]
    request.response.cache_control.private = True
    is_group = isinstance(context, Group)
    return {
        "title": _("Events in ${group}", mapping={"group": context.title})
        if is_group
        else _("Events"),
        "context_url": request.resource_url(context),
        "context_title": context.title if is_group else None,
        "upcoming": [e for e, over in shown if not over],
        "past": [e for e, over in shown if over],
        "when_text": lambda event: when_text(request, event),
        "page_number": page,
        "previous_url": f"{url}?page={page - 1}" if page > 1 else None,
        "next_url": f"{url}?page={page + 1}" if more else None,
        "feed_url": request.resource_url(context, "@@events.ics"),
        "add_link": links[0][1] if links else None,
    }


def events_feed(context: Any, request: Request) -> Response:
    site = request.site.title if request.site is not None else ""
    name = context.title if isinstance(context, Group) else site
    events = feed_events(event for event, _over in visible_events(request, context))
    body = calendar_of(request, events, name)
    return ics_response(body, "events.ics", attachment=False)


def includeme(config: Configurator) -> None:
    read = ("GET", "HEAD")
    config.add_view(
        event_view, context=Event, renderer=TEMPLATES + "event.pt", request_method=read,
        permission="view",
    )  # fmt: skip
    config.add_view(rsvp, context=Event, name="rsvp", request_method="POST", permission="view")
    config.add_view(
        attendees, context=Event, name="attendees", renderer=TEMPLATES + "attendees.pt",
        request_method=read, permission="view",
    )  # fmt: skip
    config.add_view(
        attendees_csv, context=Event, name="attendees.csv", request_method=read,
        permission="view",
    )  # fmt: skip
    config.add_view(event_ics, context=Event, name="ics", request_method=read, permission="view")
    for where in ({"context": ModuleFolder, "module_folder": "community"}, {"context": Group}):
        config.add_view(
            events_page, name="events", renderer=TEMPLATES + "events.pt", request_method=read,
            permission="view", **where,
        )  # fmt: skip
        config.add_view(
            events_feed, name="events.ics", request_method=read, permission="view", **where
        )
