"""What a group decides for what lies in it, and who runs it: hidden groups, the cap on the
access of its content, moves in and out, admins beside owners, invitations by e-mail, the
welcome, the tools it offers and the members as CSV.

One installation for the module (each test makes its own groups): the expectations are
written out from the rules (docs/site-holder-guide.md, "Groups"), not computed.
"""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pleio_core.plugin_api import PLUGINS, move_content
from pleio_core.testing import (
    PleioTestSetup,
    SiteWorld,
    add_through_form,
    bearer,
    make_token,
    page_csrf,
    sign_in_client,
)
from pleio_core.testing.smtp import SMTPServer

HOST = "rules.localhost"
PEOPLE = {"anne": "member", "bert": "member", "carl": "member", "dora": "member"}


@pytest.fixture(scope="module")
def mail():
    server = SMTPServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory, mail) -> SiteWorld:
    setup = PleioTestSetup(tmp_path_factory.mktemp("rules"))
    setup.settings.update(mail.settings)
    setup.write_site("rules", modules=("community", "wiki"), hosts=(HOST,), access="public")
    for who, role in PEOPLE.items():
        setup.create_account(f"{who}@example.nl", who.capitalize(), rules=role)
    setup.create_account("olga@example.nl", "Olga")  # no member of this site
    yield SiteWorld(setup, setup.make_app(), "rules", HOST)
    setup.close()


def add_group(client, title: str, access="public", joining="open", **fields) -> str:
    return add_through_form(
        client, "/community/", "group", title=title, body="Over ons.", access=access,
        joining=joining, **fields,
    )  # fmt: skip


def act(client, where: str, view: str, status=303, **fields):
    token = page_csrf(client.get("/"))
    return client.post(f"{where}@@{view}", {"csrf_token": token, **fields}, status=status)


def found(client, text: str) -> list[str]:
    page = client.get("/@@search", params={"text": text})
    return [a.text for a in page.html.select(".search-hits h3 a")]


def api_status(world, who: str, path: str) -> int:
    api = sign_in_client(world.setup, world.app, f"{who}@example.nl", HOST)
    auth = bearer(make_token(api, "rules"))
    answer = api.get("/api/v1/content" + path.rstrip("/"), headers=auth, host=HOST, status="*")
    return answer.status_int


def account_id(world, group: str, name: str) -> str:
    with world.committed(group) as node:
        return next(m.account_id for m in node.member_list() if m.name == name)


def test_content_is_never_more_visible_than_its_group(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_group(anne, "Kring open")
    act(bert, group, "join")
    page = add_through_form(
        anne, group, "page", title="Openbare notulen", body="Het woord quokka.", access="public"
    )
    assert world.client().get(page).status_int == 200  # an open public group: as it says
    # the group for the site's members: its public page is for members at most
    anne.get(f"{group}@@edit")
    form = anne.get(f"{group}@@edit").forms["content-form"]
    form["access"].force_value("members")
    form.submit(status=303)
    world.client().get(page, status=403)
    assert carl.get(page).status_int == 200
    assert found(world.client(), "quokka") == [] and found(carl, "quokka") == ["Openbare notulen"]
    # closed: only its members, in the page, search, the group page and the API
    form = anne.get(f"{group}@@edit").forms["content-form"]
    form["joining"].force_value("closed")
    form.submit(status=303)
    carl.get(page, status=403)
    assert bert.get(page).status_int == 200
    assert found(carl, "quokka") == [] and found(bert, "quokka") == ["Openbare notulen"]
    assert "Openbare notulen" not in carl.get(group).text
    assert api_status(world, "carl", page) == 403 and api_status(world, "bert", page) == 200
    # the level it was given is kept: opening the group again gives it back
    form = anne.get(f"{group}@@edit").forms["content-form"]
    form["joining"].force_value("open")
    form["access"].force_value("public")
    form.submit(status=303)
    assert world.client().get(page).status_int == 200
    assert found(world.client(), "quokka") == ["Openbare notulen"]
    # a closed group offers only the levels it allows for new content
    form = anne.get(f"{group}@@edit").forms["content-form"]
    form["joining"].force_value("closed")
    form.submit(status=303)
    levels = [
        v for v, *_ in anne.get(f"{group}@@add?type=page").forms["content-form"]["access"].options
    ]
    assert levels == ["group", "private"]


def test_a_hidden_group_is_not_found_by_anyone_outside_it(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_group(anne, "Geheime kring", access="group")
    page = add_through_form(
        anne, group, "page", title="Verborgen notulen", body="Het woord wombat.", access="group"
    )
    for client in (carl, world.client()):
        for path in (group, page, f"{group}@@members", f"{page}@@history"):
            client.get(path, status=404)
        assert "Geheime kring" not in client.get("/community/").text
        assert found(client, "wombat") == []
    act(carl, group, "join", status=404)  # guessing its address joins nothing
    with world.committed(group) as node:
        assert node.member_count() == 1
    assert api_status(world, "carl", page) == 404
    assert api_status(world, "carl", group) == 404
    assert api_status(world, "anne", page) == 200
    # invited, one sees it and joins; then the content is theirs to see
    token = page_csrf(anne.get(group))
    anne.post(
        f"{group}@@members",
        {"csrf_token": token, "action": "invite", "people": "@Bert"},
        status=303,
    )
    assert "Geheime kring" in bert.get(group).text
    bert.get(page, status=403)  # invited is not a member yet: told to join the group
    act(bert, group, "join")
    assert bert.get(page).status_int == 200
    assert found(bert, "wombat") == ["Verborgen notulen"]
    carl.get(group, status=404)


def test_admins_answer_requests_and_take_members_out_but_only_owners_change_roles(
    world, mail
) -> None:
    anne, bert, carl, dora = (world.client(w) for w in ("anne", "bert", "carl", "dora"))
    group = add_group(anne, "Beheerde kring", joining="closed")
    act(bert, group, "join")  # a request
    token = page_csrf(anne.get(group))
    world_id = None
    with world.committed(group) as node:
        bert_id = next(iter(node.requests))
    anne.post(f"{group}@@members", {"csrf_token": token, "action": "approve", "account": bert_id})
    anne.post(f"{group}@@members", {"csrf_token": token, "action": "admin", "account": bert_id})
    with world.committed(group) as node:
        assert node.role_of(bert_id) == "admin"
    # Bert, an admin, is told of the next request and approves it
    act(carl, group, "join")
    assert any("Beheerde kring" in m["Subject"] for m in mail.to("bert@example.nl"))
    carl_id = account_id_of_request(world, group)
    token = page_csrf(bert.get(f"{group}@@members"))
    bert.post(f"{group}@@members", {"csrf_token": token, "action": "approve", "account": carl_id})
    # ...but does not make owners or take an owner out
    anne_id = account_id(world, group, "Anne")
    for action, who in (("owner", carl_id), ("admin", carl_id), ("remove", anne_id)):
        world_id = bert.post(
            f"{group}@@members",
            {"csrf_token": token, "action": action, "account": who},
            status=403,
        )
    with world.committed(group) as node:
        assert node.role_of(carl_id) == "member" and node.role_of(anne_id) == "owner"
    assert world_id is not None
    bert.post(f"{group}@@members", {"csrf_token": token, "action": "remove", "account": carl_id})
    with world.committed(group) as node:
        assert node.role_of(carl_id) is None
    # a plain member manages nothing
    act(dora, group, "join")
    dora.get(f"{group}@@members.csv", status=403)


def account_id_of_request(world, group: str) -> str:
    with world.committed(group) as node:
        return next(iter(node.requests))


def test_an_invitation_by_e_mail_is_for_the_invited_address_only(world, mail) -> None:
    anne, carl, dora = world.client("anne"), world.client("carl"), world.client("dora")
    group = add_group(anne, "Uitgenodigde kring", joining="closed", welcome="Fijn dat je er bent!")
    token = page_csrf(anne.get(f"{group}@@members"))
    bad = anne.post(
        f"{group}@@members",
        {"csrf_token": token, "action": "invite-email", "addresses": "dora@example.nl geen-adres"},
        status=400,
    )
    assert "geen-adres" in bad.html.select_one(".error-summary").text
    assert mail.to("dora@example.nl") == [] or all(
        "Uitgenodigde kring" not in m["Subject"] for m in mail.to("dora@example.nl")
    )
    anne.post(
        f"{group}@@members",
        {"csrf_token": token, "action": "invite-email", "addresses": "dora@example.nl"},
        status=303,
    )
    link = mail.link("dora@example.nl", "@@invitation").split("://", 1)[1].split("/", 1)[1]
    link = "/" + link
    # someone else with the link: refused, and the link still works
    refused = carl.get(link, status=403)
    assert "dora@example.nl" in refused.text
    carl.post(link, {"csrf_token": page_csrf(carl.get("/")), "token": link.split("token=")[1]},
              status=403)  # fmt: skip
    with world.committed(group) as node:
        assert node.member_count() == 1
    # not signed in: sign in first; the person it is for joins, and is welcomed
    assert "@@login" in world.client().get(link).text
    form = accept_form(dora.get(link))
    answer = form.submit(status=303).follow()
    assert "Fijn dat je er bent!" in answer.html.select_one(".welcome").text
    assert any("Welkom" in m["Subject"] for m in mail.to("dora@example.nl"))
    with world.committed(group) as node:
        assert node.member_count() == 2
    dora.get(link, status=400)  # once
    # an open link may be used by another member of the site, but not by an outsider
    anne.post(
        f"{group}@@members",
        {"csrf_token": token, "action": "invite-email", "addresses": "ext@example.org",
         "open_link": "on"},
        status=303,
    )  # fmt: skip
    link = "/" + mail.link("ext@example.org", "@@invitation").split("://", 1)[1].split("/", 1)[1]
    olga = world.setup.signed_in(world.app, "olga@example.nl", HOST)
    assert "@@join" in olga.get(link).text  # first a member of the site
    form = accept_form(carl.get(link))
    form.submit(status=303)
    with world.committed(group) as node:
        assert node.member_count() == 3
    world.client().get(f"{group}@@invitation?token=nonsense", status=400)


def accept_form(page):
    return next(f for f in page.forms.values() if "token" in f.fields)


def test_tools_decide_what_members_add_and_owners_download_the_members(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    group = add_group(anne, "Kring met gereedschap")
    form = anne.get(f"{group}@@edit").forms["content-form"]
    boxes = list(form.fields.get("checkbox", []))  # (deform names each box so)
    assert boxes, "a group offers its tools as checkboxes"
    for box in boxes:
        box.checked = box._value == "page"
    form.submit(status=303)
    act(bert, group, "join")
    with world.committed(group) as node:
        assert node.tools == ("page",)
    links = [a["href"] for a in bert.get(group).html.select(".actions a[href*='@@add']")]
    assert links and all(link.endswith("type=page") for link in links)
    bert.get(f"{group}@@add?type=group", status=404)
    answer = anne.get(f"{group}@@members.csv")
    assert answer.content_type == "text/csv" and "attachment" in answer.content_disposition
    for query in ("?page=%C2%B2", "?page=99999"):  # not a page: the first
        assert bert.get(group + query).status_int == 200
    assert anne.get(f"{group}@@members?start=%C2%B2").status_int == 200
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["name", "role", "since", "profile"]
    assert sorted(r[0] for r in rows[1:]) == ["Anne", "Bert"]


def test_moving_content_out_of_a_group_or_into_another_recomputes_its_group(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    first, second = add_group(anne, "Eerste kring"), add_group(carl, "Tweede kring")
    act(bert, first, "join")
    page = add_through_form(
        anne, first, "page", title="Verhuizende notulen", body="Het woord okapi.", access="group"
    )
    assert bert.get(page).status_int == 200
    registry = world.app.registry
    with world.changing() as site:
        request = SimpleNamespace(
            registry=registry,
            site_root=site,
            plugin_hooks=PLUGINS(registry).hooks_for(("community", "wiki")),
        )
        node = site["community"]["eerste-kring"]["verhuizende-notulen"]
        move_content(request, node, site["community"]["tweede-kring"])
    moved = f"{second}verhuizende-notulen/"
    bert.get(moved, status=403)  # the members of the old group no longer see it
    assert carl.get(moved).status_int == 200  # the new group's do
    assert found(bert, "okapi") == [] and found(carl, "okapi") == ["Verhuizende notulen"]
    with world.changing() as site:
        request.site_root = site
        node = site["community"]["tweede-kring"]["verhuizende-notulen"]
        move_content(request, node, site["wiki"])
    with world.committed("/wiki/verhuizende-notulen") as node:
        assert node.group is None and node.access == "private"  # out of every group: its owner's
    carl.get("/wiki/verhuizende-notulen/", status=403)
    assert anne.get("/wiki/verhuizende-notulen/").status_int == 200


@settings(max_examples=8, deadline=None)
@given(text=st.text(max_size=80))
def test_any_unicode_in_the_welcome_and_the_invitations_is_taken_or_refused_never_a_500(
    world, text: str
) -> None:
    """Arbitrary Unicode (surrogates and controls too) in the welcome, the names to invite
    and the addresses: a 303 or a 400 that says why, never a 500; a welcome taken is shown
    as it was written."""
    anne = world.client("anne")
    group = "/community/unicode-kring/"
    if anne.get(group, status="*").status_int == 404:
        add_group(anne, "Unicode kring")
    form = anne.get(f"{group}@@edit").forms["content-form"]
    form["welcome"] = text
    saved = form.submit("save", status="*")
    assert saved.status_int in (303, 400), saved.status_int
    if saved.status_int == 400:  # the field's message, or the page for what no text may hold
        said = saved.html.select(".error-summary, .utrecht-form-field-error-message")
        assert said or "Er is niets opgeslagen" in saved.html.main.get_text(" ", strip=True)
    token = page_csrf(anne.get(f"{group}@@members"))
    for action, field in (("invite", "people"), ("invite-email", "addresses")):
        answer = anne.post(
            f"{group}@@members", {"csrf_token": token, "action": action, field: text}, status="*"
        )
        assert answer.status_int in (303, 400), (action, answer.status_int)
    if saved.status_int == 303 and text.strip():
        with world.committed(group) as node:
            welcome = node.welcome
        shown = anne.get(group, params={"welcome": "1"}).html.select_one(".welcome-text")
        assert shown is not None and shown.text == welcome
