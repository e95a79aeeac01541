"""The deelsite control panel through WebTest: general settings, appearance, modules, members.

Each change is checked where it counts (the pages, the ACL, the database) and in the audit
log; bad input gets a clear message, a 4xx, and changes nothing.
"""

from urllib.parse import urlencode

import pytest
from webtest import Upload

from pleio_core.content.site import ROOT_KEY
from pleio_core.security.membership import site_members
from pleio_core.services import SITE_DATABASES
from pleio_core.sites.audit import audit_log
from pleio_core.testing import PleioTestSetup

HOST = "alpha.localhost"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def world(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha")
    pleio_setup.create_account("admin@example.nl", "Ada Admin", alpha="admin")
    pleio_setup.create_account("member@example.nl", "Mo Member", alpha="member")
    app = pleio_setup.make_app()
    admin = pleio_setup.signed_in(app, "admin@example.nl", HOST)
    return pleio_setup, app, admin


def root_of(app):
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        root = conn.root()[ROOT_KEY]
        return {
            "holder": dict(root.holder_settings),
            "colours": dict(root.colours),
            "modules": root.enabled_modules,
            "logo": root.logo_version,
            "kinds": [e.kind for e in audit_log(root).entries()] if root.audit_log else [],
            "roles": {m.account_id: m.role for m in site_members(root)},
            "join_mode": root.join_mode,
        }


def form_of(client, name: str):
    return client.get(f"/@@{name}").forms["panel-form"]


def test_the_frame_links_admins_to_the_control_panel_and_no_one_else(world) -> None:
    setup, app, admin = world
    assert "/@@control-panel" in admin.get("/").text
    page = admin.get("/@@control-panel")
    for part in ("general", "appearance", "menu", "modules", "members"):
        assert f"/@@control-panel-{part}" in page.text
    assert "/@@audit" in page.text and "/@@export" in page.text
    member = setup.signed_in(app, "member@example.nl", HOST)
    assert "/@@control-panel" not in member.get("/").text
    assert "/@@control-panel" not in setup.client(app, HOST).get("/").text


def test_general_settings_take_effect_at_once_and_are_audited(world) -> None:
    setup, app, admin = world
    form = form_of(admin, "control-panel-general")
    form["title"] = "Alfa van de holder"
    form["description"] = "Over alfa"
    form["language"] = "en"
    form["access"] = "closed"
    form["join_mode"] = "open"
    form["join_domains"] = "minbzk.nl, Example.ORG"
    response = form.submit(status=303)
    assert "done=saved" in response.location
    state = root_of(app)
    assert state["holder"]["title"] == "Alfa van de holder"
    assert state["holder"]["access"] == "closed" and state["join_mode"] == "open"
    assert {"site-settings", "join-policy"} <= set(state["kinds"])
    anonymous = setup.client(app, HOST)
    home = anonymous.get("/")
    assert "Alfa van de holder" in home.text  # the title, in the frame and the page
    assert "This deelsite is closed" in home.text  # closed, and in the holder's language
    anonymous.get("/wiki/", status=403)


def test_general_settings_refuse_bad_input_and_change_nothing(world) -> None:
    _setup, app, admin = world
    before = root_of(app)
    form = form_of(admin, "control-panel-general")
    form["title"] = ""
    form["contact_email"] = "not an address"
    form["join_domains"] = "not a domain!"
    response = form.submit(status=400)
    assert response.text.count('field-error"') == 3
    assert root_of(app) == before


def test_requiring_two_factor_without_it_yourself_is_refused(world) -> None:
    _setup, _app, admin = world
    form = form_of(admin, "control-panel-general")
    form["require_two_factor"] = True
    response = form.submit(status=400)
    assert "tweestapsverificatie" in response.text.lower()
    # the refusal links to the set-up page, which leads back here
    link = response.html.find("a", string="Tweestapsverificatie instellen")
    query = urlencode({"site": HOST, "came_from": "/@@control-panel-general"})
    assert link is not None and link["href"] == f"http://localhost/two-factor?{query}"
    assert "Tweestapsverificatie instellen" not in form_of(admin, "control-panel-general").text


def test_the_contrast_check_refuses_light_grey_and_takes_a_dark_theme(world) -> None:
    setup, app, admin = world
    form = form_of(admin, "control-panel-appearance")
    form["primary"] = "#cccccc"  # light grey: 1.6:1 on white
    form["secondary"] = "#154273"
    response = form.submit(status=400)
    assert "1.60:1" in response.text and "4,5:1" in response.text
    assert root_of(app)["colours"] == {}
    form = response.forms["panel-form"]
    form["primary"], form["secondary"] = "#8b0000", "#1f3d2b"
    form.submit(status=303)
    css = setup.client(app, HOST).get("/@@theme.css").text
    assert "--pleio-primary: #8b0000;" in css and "--pleio-secondary: #1f3d2b;" in css
    assert "appearance" in root_of(app)["kinds"]


@pytest.mark.parametrize(
    "field, upload, message",
    [
        ("primary", None, "#rrggbb"),
        ("logo", ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "SVG"),
        ("logo", ("logo.png", b"MZ\x90\x00" + b"\x00" * 100), "geen PNG"),  # a renamed .exe
        ("favicon", ("big.png", PNG + b"\x00" * (20 * 1024 * 1024)), "te groot"),
    ],
)
def test_bad_appearance_input_is_refused_and_nothing_is_saved(world, field, upload, message):
    _setup, app, admin = world
    form = form_of(admin, "control-panel-appearance")
    form["primary"] = "purple-ish" if field == "primary" else "#8b0000"
    if upload is not None:
        form[field] = Upload(upload[0], upload[1], "image/png")
    response = form.submit(status=400)
    assert message in response.text
    state = root_of(app)
    assert state["colours"] == {} and state["logo"] == 0


def test_a_logo_is_stored_and_served_from_the_site(world) -> None:
    setup, app, admin = world
    form = form_of(admin, "control-panel-appearance")
    form["logo"] = Upload("anything.bin", JPEG, "application/octet-stream")
    form.submit(status=303)
    home = setup.client(app, HOST).get("/")
    assert "/@@logo?v=1" in home.text
    image = setup.client(app, HOST).get("/@@logo?v=1")
    assert image.content_type == "image/jpeg" and image.body == JPEG


def test_modules_switch_on_and_off_with_a_confirmation(world) -> None:
    _setup, app, admin = world
    page = admin.get("/@@control-panel-modules")
    assert "Wiki" in page.text
    confirm = admin.get("/@@control-panel-module?module=wiki&action=disable")
    assert "Nothing is deleted" in confirm.text or "Niets wordt verwijderd" in confirm.text
    confirm.forms["panel-form"].submit(status=303)
    assert "wiki" not in root_of(app)["modules"]
    admin.get("/wiki/", status=404)
    assert "module-disabled" in root_of(app)["kinds"]
    admin.get("/@@control-panel-module?module=wiki&action=enable").forms["panel-form"].submit(
        status=303
    )
    assert "wiki" in root_of(app)["modules"]
    admin.get("/wiki/", status=200)
    admin.get("/@@control-panel-module?module=nope&action=enable", status=400)


def test_members_are_found_changed_removed_and_exported(world) -> None:
    _setup, app, admin = world
    page = admin.get("/@@control-panel-members?q=mo")
    assert "member@example.nl" in page.text and "admin@example.nl" not in page.text
    page = admin.get("/@@control-panel-members?role=admin")
    assert "admin@example.nl" in page.text and "member@example.nl" not in page.text
    assert page.html.select_one("p[role=status]").text == "1 lid gevonden."  # not "1 leden"
    everyone = admin.get("/@@control-panel-members").html.select_one("p[role=status]").text
    assert everyone.endswith(" leden gevonden.") and not everyone.startswith("1 ")
    member_id = next(a for a, r in root_of(app)["roles"].items() if r == "member")
    form = next(
        f
        for f in admin.get("/@@control-panel-members?q=mo").forms.values()
        if f.get("action", default=None) is not None and f.get("action").value == "role"
    )
    form["role"] = "editor"
    form.submit(status=303)
    assert root_of(app)["roles"][member_id] == "editor"
    csv = admin.get("/@@control-panel-members-csv")
    assert csv.content_type == "text/csv"
    assert "member@example.nl,editor" in csv.text and "admin@example.nl,admin" in csv.text
    admin.post(
        "/@@control-panel-members",
        {"action": "remove", "account": member_id, "csrf_token": _token(admin)},
        status=303,
    )
    assert member_id not in root_of(app)["roles"]
    assert {"role-change", "member-removed"} <= set(root_of(app)["kinds"])


def _token(client) -> str:
    page = client.get("/@@control-panel-general")
    return page.forms[0]["csrf_token"].value


def test_the_last_admin_cannot_demote_or_remove_themselves(world) -> None:
    _setup, app, admin = world
    before = root_of(app)
    admin_id = next(a for a, r in before["roles"].items() if r == "admin")
    token = _token(admin)
    for data in ({"action": "role", "role": "member"}, {"action": "remove"}):
        response = admin.post(
            "/@@control-panel-members",
            {**data, "account": admin_id, "csrf_token": token},
            status=409,
        )
        assert "geen beheerder meer" in response.text
    assert root_of(app)["roles"] == before["roles"]


def test_changes_need_the_csrf_token(world) -> None:
    _setup, app, admin = world
    admin.post("/@@control-panel-general", {"title": "Zonder token"}, status=400)
    assert "title" not in root_of(app)["holder"]


def menu_links(client) -> list[tuple[str, str]]:
    import re

    nav = client.get("/").text.split('class="main-menu"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_the_menu_is_reordered_renamed_hidden_and_gets_links(world) -> None:
    setup, app, admin = world
    assert [title for _href, title in menu_links(admin)] == ["Home", "Wiki"]
    form = form_of(admin, "control-panel-menu")
    form["position-0"], form["position-1"] = "2", "1"  # Home after the wiki
    form["title-1"] = "Kennisbank"
    form["links"] = "Rijksoverheid | https://www.rijksoverheid.nl/\nZoeken | /@@search"
    form.submit(status=303)
    assert menu_links(admin) == [
        ("http://alpha.localhost/wiki/", "Kennisbank"),
        ("http://alpha.localhost/", "Home"),
        ("https://www.rijksoverheid.nl/", "Rijksoverheid"),
        ("http://alpha.localhost/@@search", "Zoeken"),
    ]
    assert "menu" in root_of(app)["kinds"]
    form = form_of(admin, "control-panel-menu")
    assert form["title-0"].value == "Kennisbank"  # the rows come in the saved order
    form["hidden-0"] = True
    form.submit(status=303)
    assert [title for _href, title in menu_links(setup.client(app, HOST))][:1] == ["Home"]


def test_a_bad_menu_link_is_refused_and_nothing_changes(world) -> None:
    _setup, _app, admin = world
    form = form_of(admin, "control-panel-menu")
    form["title-1"] = "Kennisbank"
    form["links"] = "Kwaad | javascript:alert(1)"
    response = form.submit(status=400)
    assert "javascript:alert(1)" in response.text  # the line is named in the message
    form = form_of(admin, "control-panel-menu")
    form["position-0"] = "eerste"
    form.submit(status=400)
    assert [title for _href, title in menu_links(admin)] == ["Home", "Wiki"]


def test_the_audit_log_filters_by_who_and_date(world) -> None:
    _setup, app, admin = world
    member_id = next(a for a, r in root_of(app)["roles"].items() if r == "member")
    token = _token(admin)
    data = {"action": "role", "account": member_id, "role": "editor", "csrf_token": token}
    admin.post("/@@control-panel-members", data, status=303)
    form = form_of(admin, "control-panel-general")
    form["title"] = "Alfa"
    form.submit(status=303)

    def rows(query: str) -> str:
        page = admin.get("/@@audit" + query).text
        return page.split("<tbody>", 1)[1] if "<tbody>" in page else ""

    everything = rows("")
    assert "Rol gewijzigd" in everything and "Site-instellingen gewijzigd" in everything
    about_member = rows("?who=MEMBER@example")
    assert "Rol gewijzigd" in about_member and "Site-instellingen gewijzigd" not in about_member
    assert 'value="MEMBER@example"' in admin.get("/@@audit?who=MEMBER@example")  # kept
    assert rows("?since=2999-01-01") == ""
    assert "Rol gewijzigd" in rows("?since=not-a-date")


def test_pleio_site_show_prints_the_holders_settings(world, capsys) -> None:
    setup, _app, admin = world
    form = form_of(admin, "control-panel-general")
    form["title"], form["access"] = "Alfa van de holder", "closed"
    form.submit(status=303)
    setup.close()  # the command needs the FileStorage free
    capsys.readouterr()
    assert setup.pleio("site", "show", "alpha") == 0
    shown = capsys.readouterr().out
    assert "title:       Alfa van de holder" in shown and "access:      closed" in shown


def test_the_front_page_choices_name_each_module_in_the_holders_language(
    pleio_setup: PleioTestSetup,
) -> None:
    """A module's content offered as the front page is named after the module as the holder
    reads it ("Werkruimte: …"), not after the English title its folder was made with."""
    pleio_setup.write_site("keuze", modules=("workspace",))
    pleio_setup.create_account("admin@example.nl", "Admin", keuze="admin")
    app = pleio_setup.make_app()
    admin = pleio_setup.signed_in(app, "admin@example.nl", "keuze.localhost")
    page = admin.get("/workspace/")
    token = page.forms["upload-form"]["csrf_token"].value
    admin.post(
        "/workspace/@@add?type=folder", {"csrf_token": token, "name": "Jaarplan"}, status=303
    )
    with SITE_DATABASES(app.registry).get("keuze").transaction() as conn:
        conn.root()[ROOT_KEY]["workspace"]["Jaarplan"].access = "public"
    options = [o.text for o in admin.get("/@@control-panel-general").html.select("option")]
    assert "Werkruimte: Jaarplan" in options, options
