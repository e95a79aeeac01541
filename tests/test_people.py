"""People: the directory, profiles, their fields' visibility, photos, and names shown as the
account has them now (a rename shows everywhere at once)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pleio_core.people.model import ProfileField, site_people
from pleio_core.services import PLATFORM_DATABASE
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
        people.put_field(ProfileField("skills", "Skills", "multiple", ("Python", "Law"), "members", 4))
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
    platform = world.setup.signed_in_on_platform(world.app, "anne@example.nl")
    form = platform.get("/account").forms["details-form"]
    form["name"] = "Anne Pietersen"
    form.submit(status=303)
    anonymous = world.client()
    for client in (anne, anonymous, world.client("bert")):
        for url in (path, "/", group + "@@members", "/@@people", "/@@people/" + account_id(world, "anne@example.nl")):
            if client is anonymous and ("people" in url or "members" in url):
                continue
            text = client.get(url).text
            assert "Anne Pietersen" in text, url
            assert "Anne Jansen" not in text, url
