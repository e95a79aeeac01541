"""Editing one's own profile on this site (``/@@people-edit``): function, department, the
site's profile fields, and the photo (which is the account's, on every site).

One form, posted whole: if any part does not fit (a choice not offered, a bad date, a photo
that is not one), the form comes back with every error beside its field, 400, and nothing
is written — not the text, not the photo.
"""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.services import ACCOUNT_SUMMARIES

from .model import SitePeople, site_people
from .names import avatar_html, is_member_here, profile_url
from .photos import MAX_PHOTO_BYTES, PhotoError, make_photo, set_photo
from .rules import ProfileError, field_input, profile_from_form

PHOTO_ERRORS = {
    "type": _("The photo must be a PNG, JPEG or WebP image."),
    "size": _("The photo may be at most 5 MB and 40 megapixels."),
}


def _own(request: Request) -> str:
    identity = request.identity
    if identity is None or not is_member_here(request, identity.id):
        raise HTTPForbidden()
    return str(identity.id)


def _values(request: Request, root: SiteRoot, errors: dict[str, str], posted: Any) -> dict:
    people = site_people(root)
    account_id = _own(request)
    profile = people.profile(account_id) if people is not None else None

    def current(name: str) -> list[str]:
        if posted is not None:
            return [str(v) for v in posted.getall(name)]
        return []

    fields = []
    for profile_field in people.ordered_fields() if people is not None else []:
        name = field_input(profile_field)
        if posted is not None:
            value: Any = current(name)
        else:
            stored = profile.values.get(profile_field.key, "") if profile is not None else ""
            value = list(stored) if isinstance(stored, tuple) else [stored] if stored else []
        fields.append({"field": profile_field, "name": name, "value": value})
    identity = request.identity
    if posted is not None:
        function, department = posted.get("function", ""), posted.get("department", "")
    elif profile is not None:
        function, department = profile.function, profile.department
    else:
        function = department = ""
    return {
        "function": function,
        "department": department,
        "fields": fields,
        "errors": errors,
        "avatar": avatar_html(request, account_id, "large"),
        "has_photo": bool(identity.summary.photo_version),
        "profile_url": profile_url(request, account_id),
        "max_mb": MAX_PHOTO_BYTES // (1024 * 1024),
    }


def edit_form(context: SiteRoot, request: Request) -> Any:
    if request.method != "POST":
        return _values(request, context, {}, None)
    account_id = _own(request)
    translate = request.localizer.translate
    errors: dict[str, str] = {}
    people = site_people(context) or SitePeople()  # (made only when something is saved)
    try:
        function, department, values = profile_from_form(people, request.POST.getall)
    except ProfileError as exc:
        errors.update({k: translate(m) for k, m in exc.errors.items()})
    photo: bytes | None = None
    upload = getattr(request.POST.get("photo"), "file", None)
    if upload is not None:
        data = upload.read(MAX_PHOTO_BYTES + 1)
        if data:
            try:
                photo = make_photo(data)
            except PhotoError as exc:
                errors["photo"] = translate(PHOTO_ERRORS[exc.reason])
    remove = request.POST.get("remove_photo") == "1"
    if errors:
        request.response.status_int = 400
        return _values(request, context, errors, request.POST)
    site_people(context, create=True).profile_for(account_id).set(function, department, values)
    if photo is not None or remove:
        set_photo(request.identity.account, photo)
        ACCOUNT_SUMMARIES(request.registry).names_changed(request)
    return HTTPSeeOther(location=profile_url(request, account_id) + "?done=saved")
