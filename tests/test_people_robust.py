"""People under stress: any text into the profile's and the control panel's text fields is
never a server error (and shown back as written, or refused with a message); two saves of
one profile at the same moment end as one of them, never a mix."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings

from pleio_core.content.site import ROOT_KEY
from pleio_core.layout import compile_templates
from pleio_core.people.model import ProfileField, site_people
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup
from tests.test_concurrency import SITE, Busy, as_member, request
from tests.test_text_boundary import TEXT, form_body

HOST = "mensen.localhost"
CSRF = "people-fuzz-csrf"


class World:
    def __init__(self, setup: PleioTestSetup, app) -> None:
        self.setup, self.app = setup, app
        self.member = setup.signed_in(app, "member@example.nl", HOST)
        self.admin = setup.signed_in(app, "admin@example.nl", HOST)
        for client in (self.member, self.admin):
            client.testapp.set_cookie("pleio_csrf", CSRF)

    def post(self, client, path: str, fields: dict[str, str]):
        return client.post(
            path, form_body({"csrf_token": CSRF, **fields}),
            content_type="application/x-www-form-urlencoded", expect_errors=True,
        )  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    setup = PleioTestSetup(tmp_path_factory.mktemp("people"))
    setup.write_site("mensen", modules=("wiki",), hosts=(HOST,), access="public")
    setup.create_account("member@example.nl", "Member", mensen="member")
    setup.create_account("admin@example.nl", "Admin", mensen="admin")
    app = setup.make_app()
    with SITE_DATABASES(app.registry).get("mensen").transaction() as conn:
        people = site_people(conn.root()[ROOT_KEY], create=True)
        people.put_field(ProfileField("room", "Room", "text", (), "everyone"))
        people.put_field(ProfileField("team", "Team", "choice", ("Red", "Blue"), "members"))
    yield World(setup, app)
    setup.close()


@settings(
    max_examples=40, deadline=None, database=None, derandomize=True,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
@given(function=TEXT, room=TEXT, team=TEXT, label=TEXT)
def test_any_text_into_a_profile_is_never_a_server_error(world, function, room, team, label):
    saved = world.post(
        world.member, "/@@people-edit",
        {"function": function, "department": room, "field-room": room, "field-team": team},
    )  # fmt: skip
    assert saved.status_int in (303, 400), saved.body[:300]
    query = quote(function[:5].encode("utf-8", "surrogatepass"))
    for path in ("/@@people", "/@@people-edit", f"/@@people?q={query}&field-room={query}"):
        shown = world.member.get(path, expect_errors=True)
        assert shown.status_int < 500, (path, shown.body[:300])
    added = world.post(
        world.admin, "/@@control-panel-people",
        {"action": "add", "key": "k", "label": label, "type": "choice", "choices": label,
         "visibility": "members", "order": "0"},
    )  # fmt: skip
    assert added.status_int in (303, 400), added.body[:300]
    panel = world.admin.get("/@@control-panel-people", expect_errors=True)
    assert panel.status_int == 200
    if added.status_int == 303:  # take it away again, for the next example
        world.post(world.admin, "/@@control-panel-people-remove?key=k", {})


@pytest.fixture
def busy(pleio_setup: PleioTestSetup, live_server_factory) -> Busy:
    pleio_setup.write_site(SITE, modules=("wiki",))
    app = pleio_setup.make_app()
    compile_templates(app.registry)
    server = live_server_factory(app)
    assert request(server, "GET", "/")[0] == 200
    with SITE_DATABASES(app.registry).get(SITE).transaction() as conn:
        people = site_people(conn.root()[ROOT_KEY], create=True)
        people.put_field(ProfileField("room", "Room", "text", (), "members"))
    return Busy(app, server)


def test_saves_of_one_profile_at_once_end_as_one_of_them(busy: Busy) -> None:
    [(account_id, _email)] = busy.members(1)

    def save(n: int) -> int:
        form = {"function": f"F{n}", "department": f"D{n}", "field-room": f"R{n}"}
        return as_member(busy.server, account_id, "POST", "/@@people-edit", form=form)[0]

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(save, range(10)))
    assert statuses == [303] * 10
    with SITE_DATABASES(busy.app.registry).get(SITE).transaction() as conn:
        profile = site_people(conn.root()[ROOT_KEY]).profile(account_id)
        n = profile.function[1:]
        assert (profile.department, profile.values) == (f"D{n}", {"room": f"R{n}"})
