"""People: the directory, profiles, their fields' visibility, photos, and names shown as the
account has them now (a rename shows everywhere at once)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pleio_core.content.site import ROOT_KEY
from pleio_core.people.model import ProfileField, site_people
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES
from pleio_core.testing import PleioTestSetup, SiteWorld, add_through_form, page_csrf

HOST = "alpha.localhost"


def png(width: int = 600, height: int = 400, exif: bool = False, fmt: str = "PNG") -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCamera"  # Make
        data[0x9286] = "where I live"  # UserComment
        image.save(out, fmt, exif=data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def world(pleio_setup: PleioTestSetup) -> SiteWorld:
    pleio_setup.write_site("alpha", modules=("wiki", "community"), hosts=(HOST,), access="public")
    pleio_setup.write_site("beta", modules=("wiki",))
    pleio_setup.create_account("admin@example.nl", "Ada Admin", alpha="admin")
    pleio_setup.create_account("anne@example.nl", "Anne Jansen", alpha="member")
    pleio_setup.create_account("bert@example.nl", "Bert de Vries", alpha="member")
    pleio_setup.create_account("cees@example.nl", "Cees Buiten", beta="member")
    app = pleio_setup.make_app()
    world = SiteWorld(pleio_setup, app, "alpha", HOST)
    define_fields(world)
    return world


def define_fields(world: SiteWorld) -> None:
    from pleio_core.content.site import ROOT_KEY
    from pleio_core.services import SITE_DATABASES

    with SITE_DATABASES(world.app.registry).get("alpha").transaction() as conn:
        people = site_people(conn.root()[ROOT_KEY], create=True)
        people.put_field(ProfileField("room", "Room", "text", (), "everyone", 1))
        people.put_field(ProfileField("team", "Team", "choice", ("Red", "Blue"), "members", 2))
        people.put_field(ProfileField("salary", "Salary band", "choice", ("A", "B"), "admins", 3))
        people.put_field(
            ProfileField("skills", "Skills", "multiple", ("Python", "Law"), "members", 4)
        )
        people.put_field(ProfileField("birthday", "Birthday", "date", (), "members", 5))


def account_id(world: SiteWorld, email: str) -> str:
    with PLATFORM_DATABASE(world.app.registry).transaction() as conn:
        return conn.root()["pleio_platform"]["accounts"].by_email(email).id


def save_profile(client, status: int = 303, upload: tuple | None = None, **values):
    form = client.get("/@@people-edit").forms["profile-form"]
    for key, value in values.items():
        form[key] = value
    if upload is not None:
        form["photo"] = upload
    return form.submit(status=status)


def test_the_directory_lists_this_sites_members_only(world) -> None:
    page = world.client("anne").get("/@@people")
    names = [a.text for a in page.html.select(".people-list h2 a")]
    assert names == ["Ada Admin", "Anne Jansen", "Bert de Vries"]  # not Cees, of beta


def test_a_rename_shows_at_once_everywhere(world) -> None:
    anne = world.client("anne")
    path = add_through_form(anne, "/wiki/", "page", title="Over ons", access="public")
    form = anne.get(path).forms["comment-form"]
    form["text"] = "Mijn eerste reactie"
    form.submit(status=303)
    group = add_through_form(anne, "/community/", "group", title="Kring", access="public")
    home_before = anne.get("/")
    assert "Anne Jansen" in home_before.text
    anonymous = world.client()
    anonymous.get("/")
    kept = anonymous.get("/")  # the page cache keeps the anonymous home page…
    assert kept.headers.get("X-Pleio-Cache") == "hit" and "Anne Jansen" in kept.text
    platform = world.setup.signed_in_on_platform(world.app, "anne@example.nl")
    form = platform.get("/account").forms["details-form"]
    form["name"] = "Anne Pietersen"
    form.submit(status=303)
    assert anonymous.get("/").headers.get("X-Pleio-Cache") != "hit"  # …until a rename
    for client in (anne, anonymous, world.client("bert")):
        for url in (
            path,
            "/",
            group + "@@members",
            "/@@people",
            "/@@people/" + account_id(world, "anne@example.nl"),
        ):
            if client is anonymous and ("people" in url or "members" in url):
                continue
            text = client.get(url).text
            assert "Anne Pietersen" in text, url
            assert "Anne Jansen" not in text, url


# -- visibility of the fields, for each audience ------------------------------------------------


def fill_anne(world: SiteWorld) -> str:
    save_profile(
        world.client("anne"),
        function="Beleidsadviseur",
        department="Financiën",
        **{"field-room": "K2.14", "field-team": "Red", "field-salary": "B",
           "field-birthday": "1990-05-17"},
    )  # fmt: skip
    return account_id(world, "anne@example.nl")


def open_directory(world: SiteWorld, public: bool) -> None:
    from pleio_core.content.site import ROOT_KEY
    from pleio_core.services import SITE_DATABASES

    with SITE_DATABASES(world.app.registry).get("alpha").transaction() as conn:
        site_people(conn.root()[ROOT_KEY], create=True).public_directory = public


AUDIENCES = {  # who → (the labels shown on Anne's profile)
    None: {"Room"},
    "bert": {"Room", "Team", "Birthday"},
    "admin": {"Room", "Team", "Salary band", "Birthday"},
    "anne": {"Room", "Team", "Salary band", "Birthday"},
}


@pytest.mark.parametrize("who", list(AUDIENCES))
def test_each_audience_sees_its_fields_on_the_profile_and_in_the_filters(world, who) -> None:
    anne = fill_anne(world)
    open_directory(world, True)
    client = world.client(who)
    profile = client.get(f"/@@people/{anne}")
    labels = {dt.text for dt in profile.html.select(".profile__fields dt")}
    assert labels == AUDIENCES[who]
    assert ("B" in [dd.text for dd in profile.html.select("dd")]) == ("Salary band" in labels)
    directory = client.get("/@@people")
    filters = {label.text.strip() for label in directory.html.select(".people-search label")}
    shown = AUDIENCES[who] - {"Birthday"}  # no filter on a date
    assert filters & {"Room", "Team", "Salary band", "Skills"} <= shown | {"Skills"}
    assert ("Salary band" in filters) == ("Salary band" in shown and who != "anne")
    # a filter on a field the viewer may not see is not applied: it reveals nothing
    names = lambda page: [a.text for a in page.html.select(".people-list h2 a")]  # noqa: E731
    probe = names(client.get("/@@people", {"field-salary": "A"}))
    if "Salary band" in filters:
        assert "Anne Jansen" not in probe
    else:
        assert "Anne Jansen" in probe
    assert names(client.get("/@@people", {"department": "Financiën"})) == ["Anne Jansen"]


def test_the_directory_is_for_members_unless_the_holder_opens_it(world) -> None:
    anne = fill_anne(world)
    anonymous, foreign = world.client(), world.setup.signed_in(world.app, "cees@example.nl", HOST)
    for client in (anonymous, foreign):
        client.get("/@@people", status=403)
        client.get(f"/@@people/{anne}", status=403)
    open_directory(world, True)
    anonymous.get("/@@people", status=200)
    world.client("bert").get("/@@people/nobody", status=404)
    world.client("bert").get(f"/@@people/{account_id(world, 'cees@example.nl')}", status=404)


# -- editing: bad values are 400 and nothing is written ----------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"field-team": "Green"},  # a choice not offered
        {"field-birthday": "31-12-1990"},
        {"field-birthday": "1990-02-30"},
        {"function": "x" * 201},
    ],
)
def test_a_value_that_does_not_fit_its_field_is_a_clear_400(world, values) -> None:
    anne = world.client("anne")
    save_profile(anne, function="Eerste")
    form = anne.get("/@@people-edit").forms["profile-form"]
    for key, value in values.items():
        if key == "field-team":
            form[key].force_value(value)
        else:
            form[key] = value
    form["department"] = "Halfweg"
    databases = (
        SITE_DATABASES(world.app.registry).get("alpha"),
        PLATFORM_DATABASE(world.app.registry),
    )
    before = [db.lastTransaction() for db in databases]
    page = form.submit(status=400)
    assert [db.lastTransaction() for db in databases] == before  # nothing written at all
    key = next(iter(values))
    assert page.html.select_one(f"#{key}-error").text.strip()
    profile = anne.get(f"/@@people/{account_id(world, 'anne@example.nl')}")
    assert "Eerste" in profile.text and "Halfweg" not in profile.text


def test_multiple_choice_takes_only_what_is_offered(world) -> None:
    anne = world.client("anne")
    page = anne.get("/@@people-edit")
    csrf = page_csrf(page)
    anne.post("/@@people-edit", [("csrf_token", csrf), ("field-skills", "Python"),
                                 ("field-skills", "Law")], status=303)  # fmt: skip
    profile = anne.get(f"/@@people/{account_id(world, 'anne@example.nl')}")
    assert "Python, Law" in profile.text
    anne.post("/@@people-edit", [("csrf_token", csrf), ("field-skills", "Cooking")], status=400)


# -- photos ---------------------------------------------------------------------------------------


def test_a_photo_is_resized_stripped_and_shown_beside_the_name(world) -> None:
    anne = world.client("anne")
    path = add_through_form(anne, "/wiki/", "page", title="Met foto", access="public")
    save_profile(anne, upload=("me.jpg", png(1200, 800, exif=True, fmt="JPEG")))
    page = anne.get(path)
    img = page.html.select_one(".meta img.avatar, .comment__by img.avatar, img.avatar")
    profile = anne.get(f"/@@people/{account_id(world, 'anne@example.nl')}")
    src = profile.html.select_one("img.avatar")["src"].split("alpha.localhost", 1)[1]
    photo = world.client().get(src)  # a public site: beside a public byline
    assert photo.content_type == "image/jpeg"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in photo.headers["Cache-Control"]
    with Image.open(io.BytesIO(photo.body)) as image:
        assert image.size == (400, 400)
        assert not image.getexif()
        assert b"SecretCamera" not in photo.body and b"where I live" not in photo.body
    del img
    # removed: the initials again
    form = anne.get("/@@people-edit").forms["profile-form"]
    form["remove_photo"] = True
    form.submit(status=303)
    profile = anne.get(f"/@@people/{account_id(world, 'anne@example.nl')}")
    assert profile.html.select_one("img.avatar") is None
    world.client().get(src, status=404)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.png", b"just some text, not an image"),
        ("evil.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"),
        ("huge.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (5 * 1024 * 1024 + 1)),
        ("me.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_what_is_not_a_photo_we_take_is_refused_and_nothing_is_written(world, name, data) -> None:
    anne = world.client("anne")
    page = save_profile(anne, status=400, upload=(name, data), function="Nieuw")
    assert page.html.select_one("#photo-error").text.strip()
    profile = anne.get(f"/@@people/{account_id(world, 'anne@example.nl')}")
    assert profile.html.select_one("img.avatar") is None and "Nieuw" not in profile.text


# -- the control panel's fields ------------------------------------------------------------------


def test_the_admin_adds_changes_and_removes_fields(world) -> None:
    admin = world.client("admin")
    form = admin.get("/@@control-panel-people").forms["field-form"]
    form["key"], form["label"], form["type"] = "building", "Gebouw", "choice"
    form["choices"], form["visibility"] = "Noord\nZuid\nNoord", "everyone"
    form.submit(status=303)
    page = admin.get("/@@control-panel-people")
    assert "Gebouw" in page.text and "Noord, Zuid" in page.text
    edit = admin.get("/@@control-panel-people-field?key=building").forms["field-form"]
    edit["label"] = "Locatie"
    edit.submit(status=303)
    anne = world.client("anne")
    assert "Locatie" in anne.get("/@@people-edit").text
    admin.post("/@@control-panel-people-remove?key=building",
               {"csrf_token": page_csrf(page)}, status=303)  # fmt: skip
    assert "Locatie" not in anne.get("/@@people-edit").text
    world.client("anne").get("/@@control-panel-people", status=403)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"key": "Bad Key", "label": "X", "type": "text"}, "key"),
        ({"key": "room", "label": "X", "type": "text"}, "key"),  # taken
        ({"key": "ok", "label": "", "type": "text"}, "label"),
        ({"key": "ok", "label": "X", "type": "choice", "choices": ""}, "choices"),
        ({"key": "ok", "label": "X", "type": "colour"}, "type"),
        ({"key": "ok", "label": "X", "type": "text", "visibility": "world"}, "visibility"),
        ({"key": "ok", "label": "X", "type": "text", "order": "first"}, "order"),
        ({"key": "ok", "label": "x" * 101, "type": "text"}, "label"),
    ],
)
def test_a_field_definition_that_does_not_fit_is_a_clear_400(world, fields, error) -> None:
    admin = world.client("admin")
    page = admin.get("/@@control-panel-people")
    post = {"csrf_token": page_csrf(page), "action": "add", "visibility": "members", **fields}
    db = SITE_DATABASES(world.app.registry).get("alpha")
    before = db.lastTransaction()
    answer = admin.post("/@@control-panel-people", post, status=400)
    assert db.lastTransaction() == before
    assert answer.html.select_one(f"#{error}-error").text.strip()
    assert len(admin.get("/@@control-panel-people").html.select("tbody tr")) == 5


def test_the_new_members_widget_names_the_newest_members(world) -> None:
    home = world.client("bert").get("/")
    widget = home.html.select_one("#widget-core-new-members").find_parent("section")
    assert "Bert de Vries" in widget.text
    assert world.client().get("/").html.select_one("#widget-core-new-members") is None
    open_directory(world, True)  # the holder opens the directory: anonymous visitors too
    assert world.client().get("/").html.select_one("#widget-core-new-members") is not None


# -- export and import ---------------------------------------------------------------------------


def test_profiles_fields_and_photos_leave_and_come_back_with_the_site(world, tmp_path) -> None:
    import json
    import zipfile

    from tests.test_exchange import validate

    anne = world.client("anne")
    fill_anne(world)
    save_profile(anne, upload=("me.png", png()))
    archive = tmp_path / "alpha.zip"
    world.setup.close()
    assert world.setup.pleio("site", "export", "alpha", str(archive)) == 0
    validate(archive)
    with zipfile.ZipFile(archive) as zf:
        fields = [json.loads(line) for line in zf.read("profile-fields.jsonl").splitlines()]
        profiles = [json.loads(line) for line in zf.read("profiles.jsonl").splitlines()]
        accounts = [json.loads(line) for line in zf.read("accounts.jsonl").splitlines()]
    assert [f["key"] for f in fields] == ["room", "team", "salary", "skills", "birthday"]
    assert profiles == [
        {
            "email": "anne@example.nl",
            "function": "Beleidsadviseur",
            "department": "Financiën",
            "values": {"room": "K2.14", "team": "Red", "salary": "B", "birthday": "1990-05-17"},
        }
    ]
    assert [a["email"] for a in accounts if "photo" in a] == ["anne@example.nl"]
    # into another installation: the accounts are new there, with their photos
    other = PleioTestSetup(tmp_path / "other")
    try:
        assert other.pleio("site", "import", "gamma", str(archive), "--host", HOST) == 0
        app = other.make_app()
        client = SiteWorld(other, app, "gamma", HOST)
        anne_id = account_id(client, "anne@example.nl")
        with PLATFORM_DATABASE(app.registry).transaction() as conn:
            accounts = conn.root()["pleio_platform"]["accounts"]
            assert accounts.get(anne_id).photo is not None
        with SITE_DATABASES(app.registry).get("gamma").transaction() as conn:
            people = site_people(conn.root()[ROOT_KEY])
            assert people.public_directory is False
            assert [f.key for f in people.ordered_fields()][:2] == ["room", "team"]
            assert people.profile(anne_id).values["birthday"] == "1990-05-17"
    finally:
        other.close()


def test_an_archive_with_a_value_that_does_not_fit_is_refused(world, tmp_path, capsys) -> None:
    import zipfile

    fill_anne(world)
    archive, bad = tmp_path / "alpha.zip", tmp_path / "bad.zip"
    world.setup.close()
    assert world.setup.pleio("site", "export", "alpha", str(archive)) == 0
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "profiles.jsonl":
                data = data.replace(b'"Red"', b'"Purple"')
            target.writestr(info, data)
    # (the checksum no longer fits either: rewrite it, so the profile's rule is what refuses)
    rewrite_checksum(bad, "profiles.jsonl")
    assert world.setup.pleio("site", "import", "delta", str(bad), "--host", "d.localhost") != 0
    assert "Choose from the choices offered" in capsys.readouterr().err


def rewrite_checksum(path, name: str) -> None:
    import hashlib
    import json
    import zipfile

    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    manifest = json.loads(members["manifest.json"])
    manifest["checksums"][name] = hashlib.sha256(members[name]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)


# -- names at display time, for plugins ----------------------------------------------------------


def test_display_name_and_avatar_html_for_plugins(world) -> None:
    from pyramid.request import Request, apply_request_extensions

    from pleio_core.plugin_api import avatar_html, display_name
    from pleio_core.security.store import accounts_of
    from pleio_core.storage import PLATFORM_KEY

    anne = account_id(world, "anne@example.nl")
    request = Request.blank("/", base_url=f"http://{HOST}")
    request.registry = world.app.registry
    apply_request_extensions(request)
    with PLATFORM_DATABASE(world.app.registry).transaction() as conn:
        accounts = accounts_of(conn.root()[PLATFORM_KEY])
        request.platform_root = conn.root()[PLATFORM_KEY]
        request.site_root = None
        assert accounts.get(anne).name == "Anne Jansen"
        assert display_name(request, anne, "Oude naam") == "Anne Jansen"
        assert display_name(request, "gone", "Oude naam") == "Oude naam"  # the stored copy
        assert display_name(request, None) == "Voormalig lid"  # (in the site's language)
        html = avatar_html(request, anne, "small")
        assert html == '<span class="avatar avatar--small" aria-hidden="true">AJ</span>'
        with pytest.raises(ValueError):
            avatar_html(request, anne, "huge")


def test_my_data_holds_my_profile_on_this_site_and_my_photo(world) -> None:
    import json
    import zipfile

    fill_anne(world)
    anne = world.client("anne")
    save_profile(anne, upload=("me.png", png()))
    response = anne.get("/@@my-data").forms["my-data-form"].submit(status=200)
    with zipfile.ZipFile(io.BytesIO(response.body)) as zf:
        profile = json.loads(zf.read("profile.json"))
        assert profile["site_profile"]["values"]["Salary band"] == "B"  # all of their own
        assert profile["site_profile"]["function"] == "Beleidsadviseur"
        with Image.open(io.BytesIO(zf.read(profile["photo"]))) as photo:
            assert photo.format == "JPEG"


def test_a_byline_links_to_the_profile_for_those_who_may_see_it(world) -> None:
    anne = world.client("anne")
    path = add_through_form(anne, "/wiki/", "page", title="Gelinkt", access="public")
    anne_id = account_id(world, "anne@example.nl")
    byline = world.client("bert").get(path).html.select_one(".meta a[href*='@@people']")
    assert byline is not None and byline.text == "Anne Jansen"
    assert byline["href"].endswith(f"/@@people/{anne_id}")
    anonymous = world.client().get(path)
    assert "Anne Jansen" in anonymous.text and "@@people/" not in anonymous.text


def test_a_member_who_is_removed_takes_their_profile_with_them(world) -> None:
    anne_id = fill_anne(world)
    admin = world.client("admin")
    page = admin.get("/@@control-panel-members")
    admin.post("/@@control-panel-members", {"csrf_token": page_csrf(page), "action": "remove",
                                            "account": anne_id}, status=303)  # fmt: skip
    with SITE_DATABASES(world.app.registry).get("alpha").transaction() as conn:
        assert site_people(conn.root()[ROOT_KEY]).profile(anne_id) is None
    admin.get(f"/@@people/{anne_id}", status=404)


def test_the_holder_may_hide_the_new_members_widget(world) -> None:
    admin = world.client("admin")
    page = admin.get("/@@control-panel-home")
    row = next(r for r in page.html.select("tbody tr") if "Nieuwe leden" in r.text)
    assert "Pleio zelf" in row.text
    form = page.forms["panel-form"]
    box = next(name for name in form.fields if name.startswith("shown-")
               and row.select_one(f"[name={name}]") is not None)  # fmt: skip
    form[box] = False
    form.submit(status=303)
    assert world.client("bert").get("/").html.select_one("#widget-core-new-members") is None


def test_a_member_revoked_on_the_command_line_takes_their_profile_too(world) -> None:
    anne_id = fill_anne(world)
    world.setup.close()
    assert world.setup.pleio("user", "revoke", "anne@example.nl", "alpha") == 0
    app = world.setup.make_app()
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        assert site_people(conn.root()[ROOT_KEY]).profile(anne_id) is None
