"""The demo sites' people (``pleio demo``): a few members with a function, a department and
the values of a few profile fields, so the directory shows what it is for."""

from __future__ import annotations

from pleio_core.content.site import SiteRoot
from pleio_core.security.accounts import Accounts
from pleio_core.security.membership import site_members

from .model import ProfileField, Value, site_people

#: (name, e-mail local part, function, department, values by field key)
PEOPLE: tuple[tuple[str, str, str, str, dict[str, Value]], ...] = (
    ("Fatima el Amrani", "fatima", "Beleidsadviseur", "Financiën",
     {"room": "K2.14", "expertise": ("Begroting", "Wetgeving"), "home": "Vrijdag"}),
    ("Jan de Boer", "jan", "Projectleider", "Digitalisering",
     {"room": "K4.02", "expertise": ("Data", "Projectmanagement"), "home": "Woensdag"}),
    ("Sanne Visser", "sanne", "Communicatieadviseur", "Communicatie",
     {"room": "K1.20", "expertise": ("Schrijven",), "home": "Maandag"}),
    ("Ahmed Yilmaz", "ahmed", "Informatiebeheerder", "Digitalisering",
     {"room": "K4.11", "expertise": ("Archief", "Data")}),
    ("Lotte Jansen", "lotte", "Jurist", "Juridische zaken",
     {"room": "K3.07", "expertise": ("Wetgeving",), "home": "Dinsdag"}),
)  # fmt: skip
FIELDS = (
    ProfileField("room", "Kamer", "text", (), "everyone", 10),
    ProfileField(
        "expertise",
        "Expertise",
        "multiple",
        ("Archief", "Begroting", "Data", "Projectmanagement", "Schrijven", "Wetgeving"),
        "members",
        20,
    ),
    ProfileField(
        "home",
        "Thuiswerkdag",
        "choice",
        ("Maandag", "Dinsdag", "Woensdag", "Donderdag", "Vrijdag"),
        "members",
        30,
    ),
)


def demo_accounts(accounts: Accounts, site_name: str) -> list[str]:
    """The demo people's accounts (made once; they have no password: they cannot sign in)."""
    found = []
    for name, local, *_rest in PEOPLE:
        email = f"{local}@{site_name}.example"
        account = accounts.by_email(email) or accounts.add(email, name)
        found.append(account.id)
    return found


def add_demo_people(root: SiteRoot, account_ids: list[str]) -> None:
    """The fields and the people's profiles, once (what was changed since is kept)."""
    if site_people(root) is not None:
        return
    people = site_people(root, create=True)
    for profile_field in FIELDS:
        people.put_field(profile_field)
    members = site_members(root, create=True)
    for account_id, (_name, _local, function, department, values) in zip(
        account_ids, PEOPLE, strict=True
    ):
        if members.role_of(account_id) is None:
            members.set_role(account_id, "member")
        people.profile_for(account_id).set(function, department, values)
