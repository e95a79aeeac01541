"""The control panel's profile fields: the site admin adds, changes and removes the fields
of its members' profiles, and says whether visitors of a public site see the directory.

The rules of a field's definition are ``people.rules``; a definition that does not fit is
shown again with each error beside its field, 400, and nothing is written.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.people.model import TYPES, VISIBILITY, ProfileField, SitePeople, site_people
from pleio_core.people.rules import ProfileError, field_from_form

from .panel import add_panel_view, saved

NAME = "control-panel-people"
FIELD = "control-panel-people-field"
REMOVE = "control-panel-people-remove"
DONE = ("added", "changed", "removed", "saved")


def _choices(request: Request) -> dict[str, Any]:
    translate = request.localizer.translate
    return {
        "types": [(k, translate(v)) for k, v in TYPES.items()],
        "visibilities": [(k, translate(v)) for k, v in VISIBILITY.items()],
        "type_label": {k: translate(v) for k, v in TYPES.items()},
        "visibility_label": {k: translate(v) for k, v in VISIBILITY.items()},
    }


def _form_values(source: ProfileField | Any | None) -> dict[str, str]:
    if isinstance(source, ProfileField):
        return {
            "key": source.key,
            "label": source.label,
            "type": source.type,
            "choices": "\n".join(source.choices),
            "visibility": source.visibility,
            "order": str(source.order),
        }
    names = ("key", "label", "type", "choices", "visibility", "order")
    defaults = {"type": "text", "visibility": "members", "order": "0"}
    given = source or {}
    return {n: str(given.get(n, defaults.get(n, ""))) for n in names}


def fields_page(context: SiteRoot, request: Request, **extra: Any) -> dict[str, Any]:
    people = site_people(context)
    done = request.GET.get("done")
    return {
        "fields": people.ordered_fields() if people is not None else [],
        "public_directory": people is not None and people.public_directory,
        "public_site": request.site_settings.access == "public",
        "values": _form_values(None),
        "errors": {},
        "done": done if done in DONE else None,
        **_choices(request),
        **extra,
    }


def _invalid(request: Request, page: dict[str, Any], exc: ProfileError, post: Any) -> dict:
    translate = request.localizer.translate
    request.response.status_int = 400
    errors = {k: translate(m) for k, m in exc.errors.items()}
    return {**page, "values": _form_values(post), "errors": errors}


def add_field(context: SiteRoot, request: Request) -> Any:
    if request.POST.get("action") == "settings":
        people = site_people(context, create=True)
        people.public_directory = request.POST.get("public_directory") == "1"
        return saved(request, NAME)
    try:
        new = field_from_form(request.POST, site_people(context) or SitePeople())
    except ProfileError as exc:
        return _invalid(request, fields_page(context, request), exc, request.POST)
    site_people(context, create=True).put_field(new)
    return saved(request, NAME, done="added")


def _field(context: SiteRoot, request: Request) -> ProfileField:
    people = site_people(context)
    found = people.field(request.params.get("key", "")) if people is not None else None
    if found is None:
        raise HTTPNotFound()
    return found


def field_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    found = _field(context, request)
    return {"field": found, "values": _form_values(found), "errors": {}, **_choices(request)}


def change_field(context: SiteRoot, request: Request) -> Any:
    found = _field(context, request)
    people = site_people(context, create=True)  # (there: it holds the field)
    try:
        changed = field_from_form(request.POST, people, editing=found.key)
    except ProfileError as exc:
        page = {"field": found, **_choices(request)}
        return _invalid(request, page, exc, {**request.POST, "key": found.key})
    people.put_field(changed)
    return saved(request, NAME, done="changed")


def remove_field(context: SiteRoot, request: Request) -> Any:
    found = _field(context, request)
    site_people(context, create=True).remove_field(found.key)
    return saved(request, NAME, done="removed")


def includeme(config: Configurator) -> None:
    add_panel_view(config, fields_page, NAME, ("GET", "HEAD"), "control_panel_people.pt")
    add_panel_view(config, add_field, NAME, "POST", "control_panel_people.pt")
    add_panel_view(config, field_page, FIELD, ("GET", "HEAD"), "control_panel_people_field.pt")
    add_panel_view(config, change_field, FIELD, "POST", "control_panel_people_field.pt")
    add_panel_view(config, remove_field, REMOVE, "POST")
