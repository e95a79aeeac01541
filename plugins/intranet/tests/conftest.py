"""A site with the intranet and its people: two members, an editor and an admin."""

from __future__ import annotations

import pytest

from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form

HOST = "intra.localhost"
PEOPLE = {"anne": "member", "bert": "member", "eva": "editor", "ada": "admin"}


class World(SiteWorld):
    def add(self, who: str, type_name: str, status: int = 303, where: str = "/intranet/", **fields):
        """Add through the core's form as ``who``; public unless said; the new content's path
        (or the response when ``status`` is not 303)."""
        if type_name != "status":
            fields = {"access": "public", **fields}
        return add_through_form(self.client(who), where, type_name, status=status, **fields)

    def account_id(self, who: str) -> str:
        """The account id of ``who``, read from the content they own."""
        path = add_through_form(self.client(who), "/intranet/", "status", body=f"Hier is {who}.")
        with self.committed(path) as status:
            return status.owner


@pytest.fixture
def world(pleio_setup: PleioTestSetup) -> World:
    pleio_setup.write_site("intra", modules=("intranet",), hosts=(HOST,), access="public")
    for who, role in PEOPLE.items():
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), intra=role)
    return World(pleio_setup, pleio_setup.make_app(), "intra", HOST)
