"""The form (and API) of an event: when, in which zone, where, for how many, and answers.

The start and the end are a date and a time each, as the wall-clock time of the event's zone
(chosen from a short list); the API takes ISO 8601, with an offset or without (then in the
event's zone). They are kept in UTC and shown in the event's zone again.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import colander
import deform.widget

from pleio_core.plugin_api import ContentSchema

from ..i18n import _
from .model import DEFAULT_ZONE, MAX_DURATION, REMINDER_HOURS, default_start

#: The zones an event may be in: where Dutch public bodies meet, and UTC.
ZONES = {
    "Europe/Amsterdam": _("Netherlands (Amsterdam)"),
    "America/Kralendijk": _("Caribbean Netherlands (Bonaire, Sint Eustatius, Saba)"),
    "America/Curacao": _("Curaçao, Aruba and Sint Maarten"),
    "America/Paramaribo": _("Suriname (Paramaribo)"),
    "Europe/London": _("United Kingdom (London)"),
    "America/New_York": _("United States, east (New York)"),
    "UTC": _("UTC"),
}
MAX_LOCATION = 300
MAX_LINK = 2000
MAX_CAPACITY = 100_000
TIME = re.compile(r"\d{2}:\d{2}")
MAX_REMINDER = 24 * 14
FIRST_YEAR, LAST_YEAR = 1900, 2999


class EventTime(colander.SchemaType):
    """A moment: ``2026-12-01T09:00`` (the event's zone) or ISO 8601 with an offset."""

    def serialize(self, node: colander.SchemaNode, appstruct: Any) -> Any:
        if appstruct in (colander.null, None):
            return colander.null
        return appstruct.isoformat(timespec="minutes" if not appstruct.second else "seconds")

    def deserialize(self, node: colander.SchemaNode, cstruct: Any) -> Any:
        if cstruct in (colander.null, "", None):
            return colander.null
        try:
            when = datetime.fromisoformat(str(cstruct))
            if not FIRST_YEAR <= when.year <= LAST_YEAR:
                raise ValueError(when.year)  # (and nothing UTC or a zone cannot hold)
            return when
        except ValueError:
            raise colander.Invalid(
                node, _("Give a date and a time, for example 1 December 2026, 09:00.")
            ) from None


class DateAndTimeWidget(deform.widget.Widget):
    """A date input and a time input (``<input type="date">`` and ``type="time"``), each
    with its label; sent on as ``2026-12-01T09:00``."""

    template = "pleio_community:events/templates/date_and_time.pt"
    readonly_template = template
    time_title: Any = _("Time")

    def serialize(self, field: Any, cstruct: Any, **kw: Any) -> Any:
        day = time = ""
        if isinstance(cstruct, str) and cstruct:
            day, _sep, rest = cstruct.partition("T")
            time = rest[:5]
        values = self.get_template_values(field, cstruct, kw)
        values.update(day=day, time=time, time_title=field.translate(self.time_title))
        return field.renderer(self.template, **values)

    def deserialize(self, field: Any, pstruct: Any) -> Any:
        if pstruct is colander.null or pstruct is None:
            return colander.null
        if not isinstance(pstruct, dict):
            raise colander.Invalid(field.schema, _("Give a date and a time."), pstruct)
        day = str(pstruct.get("date", "")).strip()
        time = str(pstruct.get("time", "")).strip()
        if not day and not time:
            return colander.null
        if not day or not time:
            raise colander.Invalid(field.schema, _("Give a date and a time."), f"{day}T{time}")
        if not TIME.fullmatch(time):  # hours and minutes: the zone is the event's, not the text's
            raise colander.Invalid(field.schema, _("Give the time as 09:30."), f"{day}T{time}")
        return f"{day}T{time}"


def _web_link(node: colander.SchemaNode, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise colander.Invalid(
            node, _("Give a web address that starts with https:// (or http://).")
        )


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class EventSchema(ContentSchema):
    """An event's fields beside what all content has."""

    start = colander.SchemaNode(
        EventTime(),
        title=_("Start date"),
        missing_msg=_("Give the date and time the event starts."),
        widget=DateAndTimeWidget(time_title=_("Start time")),
    )
    end = colander.SchemaNode(
        EventTime(),
        title=_("End date"),
        missing_msg=_("Give the date and time the event ends."),
        widget=DateAndTimeWidget(time_title=_("End time")),
    )
    timezone = colander.SchemaNode(
        colander.String(),
        title=_("Time zone"),
        description=_("The start and end are times in this zone."),
        default=DEFAULT_ZONE,
        missing=DEFAULT_ZONE,
        validator=colander.OneOf(tuple(ZONES)),
        widget=deform.widget.SelectWidget(values=list(ZONES.items())),
    )
    location = colander.SchemaNode(
        colander.String(),
        title=_("Location"),
        description=_("The address, or the building and room."),
        missing="",
        preparer=_strip,
        validator=colander.Length(max=MAX_LOCATION),
        widget=deform.widget.TextInputWidget(attributes={"maxlength": MAX_LOCATION}),
    )
    online_link = colander.SchemaNode(
        colander.String(),
        title=_("Online link"),
        description=_(
            "Where to join online, starting with https://. Leave empty if there is none."
        ),
        missing="",
        preparer=_strip,
        validator=colander.All(colander.Length(max=MAX_LINK), _web_link),
        widget=deform.widget.TextInputWidget(attributes={"type": "url", "maxlength": MAX_LINK}),
    )
    capacity = colander.SchemaNode(
        colander.Integer(),
        title=_("Places"),
        description=_(
            "How many can come. Leave empty for no limit; when it is full, whoever says yes "
            "is put on the waiting list."
        ),
        missing=None,
        validator=colander.Range(
            1,
            MAX_CAPACITY,
            min_err=_("An event has at least 1 place (or leave it empty for no limit)."),
            max_err=_("At most ${max} places."),
        ),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}),
    )
    rsvp = colander.SchemaNode(
        colander.Boolean(),
        title=_("Members may say whether they come"),
        default=True,
        missing=colander.drop,
    )
    reminder_hours = colander.SchemaNode(
        colander.Integer(),
        title=_("Reminder (hours before the start)"),
        description=_("Those who come get a reminder this many hours before; 0 for none."),
        default=REMINDER_HOURS,
        missing=REMINDER_HOURS,
        validator=colander.Range(
            0, MAX_REMINDER, min_err=_("0 hours or more."), max_err=_("At most ${max} hours.")
        ),
        widget=deform.widget.TextInputWidget(attributes={"inputmode": "numeric"}),
    )
    cancelled = colander.SchemaNode(
        colander.Boolean(),
        title=_("Cancelled: the event does not take place"),
        missing=colander.drop,
    )

    def serialize(self, appstruct: Any = colander.null) -> Any:
        """The start and end in the event's own zone (the form shows its wall-clock time)."""
        if isinstance(appstruct, dict):
            zone = _zone(appstruct.get("timezone"))
            if not isinstance(appstruct.get("start"), datetime):  # an add form: next week
                start = default_start()
                appstruct = {**appstruct, "start": start, "end": start + timedelta(hours=1)}
            appstruct = {
                **appstruct,
                **{
                    name: appstruct[name].astimezone(zone)
                    for name in ("start", "end")
                    if isinstance(appstruct.get(name), datetime)
                },
            }
        return super().serialize(appstruct)

    def preparer(self, values: Any) -> Any:
        """A start or end without an offset is a time in the event's zone; both kept in UTC.
        A time the clocks skip in that zone (02:30 on the last Sunday of March in
        Amsterdam) is refused, not moved."""
        if not isinstance(values, dict):
            return values
        zone = _zone(values.get("timezone"))
        error = colander.Invalid(self)
        for name in ("start", "end"):
            when = values.get(name)
            if not isinstance(when, datetime):
                continue
            if when.tzinfo is None:
                local = when.replace(tzinfo=zone)
                if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != when:
                    error[name] = _("The clocks go forward then: that time does not exist.")
                when = local
            values[name] = when.astimezone(UTC)
        if error.children:
            raise error
        return values

    def validator(self, node: colander.SchemaNode, values: dict[str, Any]) -> None:
        super().validator(node, values)
        start, end = values.get("start"), values.get("end")
        if not (isinstance(start, datetime) and isinstance(end, datetime)):
            return
        error = colander.Invalid(node)
        if end <= start:
            error["end"] = _("The event must end after it starts.")
        elif end - start > MAX_DURATION:
            error["end"] = _("An event lasts at most ${days} days.",
                             mapping={"days": MAX_DURATION.days})  # fmt: skip
        if error.children:
            raise error


def _zone(name: Any) -> ZoneInfo:
    return ZoneInfo(name if name in ZONES else DEFAULT_ZONE)
