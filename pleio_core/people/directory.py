"""The people directory (``/@@people``), a profile (``/@@people/<account id>``) and a photo.

The directory lists this site's members only, by name, with a search on the name and
filters on department, function and the profile fields the viewer may see (a choice field
as a select). It is a plain GET form with pages of ``PAGE_SIZE``: it works without
JavaScript, and every page of results has its own address.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPForbidden, HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.security.membership import site_members
from pleio_core.security.store import platform_accounts

from .access import may_view_people, visible_fields
from .model import Profile, ProfileField, SitePeople, site_people
from .names import avatar_html, is_member_here, person, profile_url

PAGE_SIZE = 20


class PersonRow(NamedTuple):
    account_id: str
    name: str
    href: str
    avatar: str
    function: str
    department: str


class Filter(NamedTuple):
    """One filter of the directory's form, as the template draws it."""

    name: str  # the query parameter
    label: str
    kind: str  # "select" or "text"
    options: list[str]
    value: str


def _check(request: Request) -> None:
    if not may_view_people(request):
        raise HTTPForbidden()


def _matches(profile_field: ProfileField, profile: Profile | None, wanted: str) -> bool:
    value = profile.values.get(profile_field.key) if profile is not None else None
    if not value:
        return False
    if isinstance(value, tuple):
        return wanted in value
    if profile_field.type == "text":
        return wanted.casefold() in value.casefold()
    return value == wanted


def _distinct(people: SitePeople | None, attribute: str, members: set[str]) -> list[str]:
    if people is None:
        return []
    found = {getattr(p, attribute) for a, p in people.items() if a in members}
    return sorted((v for v in found if v), key=str.casefold)


def directory(request: Request, root: SiteRoot) -> dict[str, Any]:
    people = site_people(root)
    members = {m.account_id for m in site_members(root) or ()}
    params = request.GET
    query = params.get("q", "").strip()
    fields = [f for f in visible_fields(request, people) if f.type != "date"]
    translate = request.localizer.translate
    filters = [
        Filter(name, translate(label), "select", _distinct(people, name, members), "")
        for name, label in (("department", _("Department")), ("function", _("Function")))
    ]
    filters = [f._replace(value=params.get(f.name, "").strip()) for f in filters]
    for profile_field in fields:
        name = f"field-{profile_field.key}"
        kind = "text" if profile_field.type == "text" else "select"
        options = list(profile_field.choices)
        value = params.get(name, "").strip()
        filters.append(Filter(name, profile_field.label, kind, options, value))
    department_wanted, function_wanted = filters[0].value, filters[1].value
    # only fields the viewer may see are filters: another parameter is not applied
    field_filters = [(pf, f.value) for f, pf in zip(filters[2:], fields, strict=True) if f.value]
    needle = query.casefold()
    rows = []
    for account_id in members:
        profile = people.profile(account_id) if people is not None else None
        function = profile.function if profile is not None else ""
        department = profile.department if profile is not None else ""
        if (department_wanted and department != department_wanted) or (
            function_wanted and function != function_wanted
        ):
            continue
        if any(not _matches(pf, profile, wanted) for pf, wanted in field_filters):
            continue
        shown = person(request, account_id)
        if needle and needle not in shown.name.casefold():
            continue
        rows.append((shown.name, account_id, function, department))
    rows.sort(key=lambda r: (r[0].casefold(), r[1]))
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    chosen = {"q": query, **{f.name: f.value for f in filters if f.value}}
    chosen = {k: v for k, v in chosen.items() if v}

    def link(n: int) -> str:
        return f"{request.application_url}/@@people?" + urlencode({**chosen, "page": n})

    return {
        "rows": [  # (the avatars of the page shown only)
            PersonRow(
                account_id,
                name,
                profile_url(request, account_id),
                avatar_html(request, account_id, "medium"),
                function,
                department,
            )
            for name, account_id, function, department in rows[
                (page - 1) * PAGE_SIZE : page * PAGE_SIZE
            ]
        ],
        "total": len(rows),
        "found_text": request.localizer.pluralize(
            "${count} person found.",
            "${count} people found.",
            len(rows),
            domain="pleio",
            mapping={"count": len(rows)},
        ),
        "query": query,
        "filters": filters,
        "page_number": page,
        "pages": pages,
        "previous": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
        "filtered": bool(chosen),
    }


class ShownValue(NamedTuple):
    label: str
    text: str


def profile_page(request: Request, root: SiteRoot, account_id: str) -> dict[str, Any]:
    if not is_member_here(request, account_id):
        raise HTTPNotFound()
    people = site_people(root)
    profile = people.profile(account_id) if people is not None else None
    values = []
    for profile_field in visible_fields(request, people, account_id):
        value = profile.values.get(profile_field.key) if profile is not None else None
        if value:
            text = ", ".join(value) if isinstance(value, tuple) else value
            values.append(ShownValue(profile_field.label, text))
    identity = request.identity
    shown = person(request, account_id)
    return {
        "account_id": account_id,
        "name": shown.name,
        "avatar": avatar_html(request, account_id, "large"),
        "function": profile.function if profile is not None else "",
        "department": profile.department if profile is not None else "",
        "values": values,
        "own": identity is not None and identity.id == account_id,
        "directory_url": f"{request.application_url}/@@people",
    }


def people_view(context: SiteRoot, request: Request) -> Any:
    """``/@@people`` and ``/@@people/<account id>``."""
    _check(request)
    subpath = request.subpath
    if not subpath:
        return directory(request, context)
    if len(subpath) != 1:
        raise HTTPNotFound()
    values = profile_page(request, context, subpath[0])
    request.override_renderer = "pleio_core:templates/person.pt"  # (not for its 404)
    return values


def photo_view(context: SiteRoot, request: Request) -> Response:
    """``/@@people-photo/<account id>?v=<version>``: the photo of a member of this site, to
    whoever may see the site (it stands beside their name on what they wrote)."""
    subpath = request.subpath
    if len(subpath) != 1 or not is_member_here(request, subpath[0]):
        raise HTTPNotFound()
    accounts = platform_accounts(request)
    account = accounts.get(subpath[0]) if accounts is not None else None
    if account is None or account.photo is None:
        raise HTTPNotFound()
    photo = account.photo
    response = Response(photo.read(), content_type=photo.media_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    if request.GET.get("v") == str(account.photo_version):
        # the address changes with each upload: kept long, by browsers only on a closed site
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
        if request.site_settings.access != "public":
            response.cache_control.private = True
    else:
        response.cache_control.no_cache = True
    response.etag = str(account.photo_version)
    response.conditional_response = True
    return response
