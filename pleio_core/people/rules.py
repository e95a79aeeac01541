"""What a profile field's definition and a profile's values may be: every form and the
import apply these, so nothing that fails them is written.

Each check collects its errors per form field (``Errors``), so a form shows them all at once
beside their fields and nothing is written while there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pyramid.i18n import TranslationString

from pleio_core.i18n import _

from .model import (
    KEY,
    MAX_CHOICE,
    MAX_CHOICES,
    MAX_FIELDS,
    MAX_LABEL,
    MAX_TEXT,
    TYPES,
    VISIBILITY,
    ProfileField,
    SitePeople,
    Value,
)

Errors = dict[str, TranslationString]


class ProfileError(ValueError):
    """Values that do not fit: ``errors`` maps each form field to its message."""

    def __init__(self, errors: Errors) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {m.interpolate()}" for k, m in errors.items()))


def one_line(raw: object, limit: int, errors: Errors, name: str, required: bool = False) -> str:
    """A short text: trimmed, single-spaced, at most ``limit`` characters."""
    text = " ".join(str(raw or "").split())
    if required and not text:
        errors[name] = _("This is required.")
    elif len(text) > limit:
        errors[name] = _("At most ${max} characters.", mapping={"max": limit})
    return text


def field_from_form(
    form: Mapping[str, Any], people: SitePeople, editing: str | None = None
) -> ProfileField:
    """A field definition from the control panel's form (``editing``: the key it had)."""
    errors: Errors = {}
    key = editing or str(form.get("key", "")).strip()
    if editing is None:
        _check_new_key(key, people, errors)
    label = one_line(form.get("label"), MAX_LABEL, errors, "label", required=True)
    kind = str(form.get("type", ""))
    if kind not in TYPES:
        errors["type"] = _("Choose one of the types offered.")
    visibility = str(form.get("visibility", ""))
    if visibility not in VISIBILITY:
        errors["visibility"] = _("Choose who may see it.")
    choices = _choices(kind, str(form.get("choices", "")), errors)
    try:
        order = int(str(form.get("order", "0")).strip() or "0")
        if not -1000 <= order <= 1000:
            raise ValueError(order)
    except ValueError:
        errors["order"] = _("The order is a whole number from -1000 to 1000.")
        order = 0
    if errors:
        raise ProfileError(errors)
    return ProfileField(key, label, kind, choices, visibility, order)


def _check_new_key(key: str, people: SitePeople, errors: Errors) -> None:
    if not KEY.fullmatch(key):
        errors["key"] = _(
            "A key is 1 to 40 lower-case letters, digits, - and _, starting with a letter."
        )
    elif people.field(key) is not None or key in ("function", "department"):
        errors["key"] = _("There is a field with this key already.")
    elif len(people.fields) >= MAX_FIELDS:
        errors["key"] = _("A site has at most ${max} fields.", mapping={"max": MAX_FIELDS})


def _choices(kind: str, text: str, errors: Errors) -> tuple[str, ...]:
    """The choices of a choice field, one a line (trimmed, each once); none for the others."""
    if kind not in ("choice", "multiple"):
        return ()
    choices = tuple(
        dict.fromkeys(c for c in (" ".join(line.split()) for line in text.splitlines()) if c)
    )
    if not choices:
        errors["choices"] = _("A choice field needs at least one choice, one per line.")
    elif len(choices) > MAX_CHOICES or any(len(c) > MAX_CHOICE for c in choices):
        errors["choices"] = _(
            "At most ${choices} choices of at most ${max} characters each.",
            mapping={"choices": MAX_CHOICES, "max": MAX_CHOICE},
        )
    return choices


def field_value(profile_field: ProfileField, raw: list[str], errors: Errors, name: str) -> Value:
    """One field's value from what was posted (every value posted under its name)."""
    kind = profile_field.type
    if kind == "multiple":
        chosen = tuple(dict.fromkeys(v for v in raw if v))
        if any(v not in profile_field.choices for v in chosen):
            errors[name] = _("Choose from the choices offered.")
            return ()
        return chosen
    if len(raw) > 1:
        errors[name] = _("Give one value.")
        return ""
    text = raw[0] if raw else ""
    if kind == "choice":
        if text and text not in profile_field.choices:
            errors[name] = _("Choose from the choices offered.")
            return ""
        return text
    if kind == "date":
        text = text.strip()
        if not text:
            return ""
        try:
            if len(text) != 10:  # (fromisoformat takes 20240331 too)
                raise ValueError(text)
            return date.fromisoformat(text).isoformat()
        except ValueError:
            errors[name] = _("Give a date as year-month-day, for example 2024-03-31.")
            return ""
    return one_line(text, MAX_TEXT, errors, name)


def field_input(profile_field: ProfileField) -> str:
    """The form field's name of a profile field."""
    return f"field-{profile_field.key}"


def profile_from_form(people: SitePeople, getall: Any) -> tuple[str, str, dict[str, Value]]:
    """(function, department, values) from the profile form; ProfileError if one does not
    fit. ``getall(name)`` lists every value posted under a name (WebOb's ``getall``)."""
    errors: Errors = {}

    def single(name: str) -> str:
        found = getall(name)
        if len(found) > 1:
            errors[name] = _("Give one value.")
        return str(found[0]) if found else ""

    function = one_line(single("function"), MAX_TEXT, errors, "function")
    department = one_line(single("department"), MAX_TEXT, errors, "department")
    values: dict[str, Value] = {}
    for profile_field in people.fields:
        name = field_input(profile_field)
        raw = [str(v) for v in getall(name)]
        value = field_value(profile_field, raw, errors, name)
        if value:
            values[profile_field.key] = value
    if errors:
        raise ProfileError(errors)
    return function, department, values


def profile_from_data(people: SitePeople, data: Mapping[str, Any]) -> tuple[str, str, dict]:
    """The same rules for a profile in an archive (``exchange``): ProfileError if it does
    not fit; values of fields the site does not have are refused too."""
    values = data.get("values") or {}
    if not isinstance(values, dict) or any(people.field(k) is None for k in values):
        raise ProfileError({"values": _("A value of a field this site does not have.")})
    posted: dict[str, list[str]] = {
        "function": [str(data.get("function") or "")],
        "department": [str(data.get("department") or "")],
    }
    for key, value in values.items():
        posted[f"field-{key}"] = [str(v) for v in value] if isinstance(value, list) else [value]
    return profile_from_form(people, lambda name: posted.get(name, []))
