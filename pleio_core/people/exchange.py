"""The people of a site in its export: the profile fields, the members' profiles, and the
setting of the directory; the accounts' photos travel with the accounts.

An import applies the same rules as the forms (``rules``): a field definition or a value
that does not fit refuses the archive, with the member and the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pleio_core.content.site import SiteRoot
from pleio_core.security.accounts import Account

from .model import site_people
from .photos import PhotoError, make_photo, set_photo
from .rules import ProfileError, field_from_form, profile_from_data


def field_records(root: SiteRoot) -> Iterator[dict[str, Any]]:
    people = site_people(root)
    for profile_field in people.ordered_fields() if people is not None else ():
        yield profile_field.as_data()


def profile_records(
    root: SiteRoot, email_of: Callable[[str | None], str | None]
) -> Iterator[dict[str, Any]]:
    """Each member's profile by e-mail address (of members only, of fields that exist)."""
    people = site_people(root)
    if people is None:
        return
    keys = {f.key for f in people.fields}
    for account_id, profile in people.items():
        email = email_of(account_id)
        data = profile.as_data()
        data["values"] = {k: v for k, v in data["values"].items() if k in keys}
        if email and (data["function"] or data["department"] or data["values"]):
            yield {"email": email, **data}


def own_profile(root: SiteRoot, account_id: str) -> dict[str, Any] | None:
    """An account's profile on the site with the labels of its fields, for their own
    download ("My data"): every value, whoever else may see it."""
    people = site_people(root)
    profile = people.profile(account_id) if people is not None else None
    if people is None or profile is None:
        return None
    data = profile.as_data()
    labels = {f.key: f.label for f in people.fields}
    data["values"] = {labels[k]: v for k, v in data["values"].items() if k in labels}
    return data


def public_directory(root: SiteRoot) -> bool:
    people = site_people(root)
    return people is not None and people.public_directory


def photo_of(account: Account, write: Callable[[str, bytes], object]) -> str | None:
    """The SHA-256 of the account's photo, written to the archive with ``write``."""
    if account.photo is None:
        return None
    data = account.photo.read()
    sha256 = hashlib.sha256(data).hexdigest()
    write(sha256, data)
    return sha256


def restore_people(
    root: SiteRoot,
    fields: Iterable[Any],
    profiles: Iterable[Any],
    account_id: Callable[[str], str | None],
    public: bool,
) -> None:
    """Write the archive's fields and profiles into the new site; ValueError if one does
    not fit (the message names it)."""
    people = site_people(root, create=True)
    people.public_directory = public
    for record in fields:
        if not isinstance(record, dict):
            raise ValueError("a profile field that is not an object")
        form = {**record, "choices": "\n".join(map(str, record.get("choices") or ()))}
        try:
            people.put_field(field_from_form(form, people))
        except ProfileError as exc:
            raise ValueError(f"profile field {record.get('key')!r}: {exc}") from None
    for record in profiles:
        if not isinstance(record, dict):
            raise ValueError("a profile that is not an object")
        email = str(record.get("email") or "")
        try:
            function, department, values = profile_from_data(people, record)
        except ProfileError as exc:
            raise ValueError(f"the profile of {email}: {exc}") from None
        found = account_id(email)
        if found is None:
            raise ValueError("a profile without an e-mail address")
        people.profile_for(found).set(function, department, values)


def restore_photo(account: Account, data: bytes) -> None:
    """An imported account's photo, checked and made again as an upload is."""
    try:
        set_photo(account, make_photo(data))
    except PhotoError as exc:
        raise ValueError(f"the photo of {account.email} is not one we take ({exc})") from None
