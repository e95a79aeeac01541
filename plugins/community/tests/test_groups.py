"""Groups through their pages: make one, join and leave, closed groups, owners, access, exit."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile

import pytest

from pleio_core.testing import (
    PleioTestSetup,
    SiteWorld,
    add_through_form,
    bearer,
    make_token,
    page_csrf,
    rebuild_archive,
    sign_in_client,
)

HOST = "groups.localhost"
PEOPLE = {"anne": "member", "bert": "member", "carl": "member", "eva": "editor", "admin": "admin"}


@pytest.fixture
def world(pleio_setup: PleioTestSetup, smtp_server) -> SiteWorld:
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("groups", modules=("community", "wiki"), access="public")
    for who, role in PEOPLE.items():
        pleio_setup.create_account(f"{who}@example.nl", who.capitalize(), groups=role)
    pleio_setup.create_account("outsider@example.nl", "Olga")  # no member of this site
    return SiteWorld(pleio_setup, pleio_setup.make_app(), "groups", HOST)


def add(client, where: str, type_name: str, title: str, status=303, **fields):
    return add_through_form(client, where, type_name, status=status, title=title, **fields)


def add_group(client, title="Werkgroep", joining="open", access="public") -> str:
    return add(
        client, "/community/", "group", title, body="Over ons.", access=access, joining=joining
    )


def act(client, group: str, view: str, status=303, **fields):
    """POST to ``group@@view`` with the CSRF token from the group's page."""
    token = page_csrf(client.get(group))
    return client.post(f"{group}@@{view}", {"csrf_token": token, **fields}, status=status)


def members_page(client, group: str):
    """The group's members page as a screen reader has it: without the avatars' initials
    (``aria-hidden``; the name beside each says who)."""
    page = client.get(f"{group}@@members").html
    for hidden in page.select('[aria-hidden="true"]'):
        hidden.decompose()
    return page


def account_of(owner, group: str, name: str) -> str:
    """The account id behind ``name`` on the group's members page (as an owner sees it)."""
    page = members_page(owner, group)
    for row in page.select("table tbody tr, #requests-heading ~ ul li"):
        if row.text.split()[0] == name:
            return row.select_one("input[name=account]")["value"]
    raise AssertionError(f"{name} is not on the members page")


def found(client, text: str) -> list[str]:
    page = client.get("/@@search", params={"text": text})
    return [a.text for a in page.html.select(".search-hits h3 a")]


def members_of(client, group: str) -> list[str]:
    rows = members_page(client, group).select("table tbody tr")
    return [
        " ".join(row.select("td")[0].text.split()) + ":" + row.select("td")[1].text for row in rows
    ]


# -- making and joining --------------------------------------------------------------------


def test_the_maker_owns_the_group_and_others_join_an_open_group_and_leave_it(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    group = add_group(anne)
    assert group == "/community/werkgroep/"
    assert members_of(anne, group) == ["Anne (jij):Eigenaar"]
    page = bert.get(group)
    assert page.html.select_one("h1").text == "Werkgroep"
    assert "Lid worden van deze groep" in page.text
    act(bert, group, "join")
    assert "Je bent lid van deze groep." in bert.get(group).text
    assert members_of(anne, group) == ["Anne (jij):Eigenaar", "Bert:Lid"]
    act(bert, group, "leave")
    assert members_of(anne, group) == ["Anne (jij):Eigenaar"]
    # the only owner cannot leave: the group keeps an owner
    refused = act(anne, group, "leave", status=400)
    assert "enige eigenaar" in refused.html.select_one(".error-summary").text
    assert members_of(anne, group) == ["Anne (jij):Eigenaar"]


def test_the_groups_page_shows_your_groups_first_then_the_others(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    first = add_group(anne, "Werkgroep")
    add_group(anne, "Besloten kring", joining="closed")
    act(bert, first, "join")

    def cards(page, heading: str) -> list[str]:
        section = page.html.select_one(f"#{heading}").parent
        return [" ".join(card.text.split()) for card in section.select(".group-card")]

    page = bert.get("/community/")
    assert cards(page, "mine-heading") == [
        "Werkgroep Over ons. 2 leden · Open: leden van de site worden direct lid"
    ]
    assert cards(page, "groups-heading")[0].startswith("Besloten kring Over ons. 1 lid ·")
    assert "/static-community/community.css" in page.text
    page = world.client().get("/community/")
    assert not page.html.select("#mine-heading")
    assert [c.split(" Over")[0] for c in cards(page, "groups-heading")] == [
        "Besloten kring",
        "Werkgroep",
    ]
    carl = world.client("carl")
    assert "Je bent nog in geen enkele groep" in carl.get("/community/").text


def test_a_closed_group_takes_requests_that_an_owner_approves_or_declines(
    world, smtp_server
) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_group(anne, "Besloten kring", joining="closed")
    assert "Vraag om lid te worden" in bert.get(group).text
    act(bert, group, "join")
    act(bert, group, "join")  # twice: one request, one e-mail
    act(carl, group, "join")
    # the owner hears of each request, in Dutch, with the way to answer it
    told = smtp_server.to("anne@example.nl")
    assert [m["Subject"] for m in told] == ["Verzoek om lid te worden van Besloten kring"] * 2
    assert "Bert vraagt om lid te worden" in told[0].get_body(("plain",)).get_content()
    assert smtp_server.link("anne@example.nl", "@@members").endswith(f"{group}@@members")
    assert "Je hebt gevraagd om lid te worden" in bert.get(group).text
    assert members_of(anne, group) == ["Anne (jij):Eigenaar"]
    requests = anne.get(f"{group}@@members").html.select("#requests-heading ~ ul li")
    assert [" ".join(r.text.split()).split(" ·")[0] for r in requests] == ["Bert", "Carl"]
    # someone who is not an owner cannot answer requests
    bert_id, carl_id = account_of(anne, group, "Bert"), account_of(anne, group, "Carl")
    act(carl, group, "members", status=403, action="approve", account=bert_id)
    act(anne, group, "members", action="approve", account=bert_id)
    act(anne, group, "members", action="decline", account=carl_id)
    assert [m["Subject"] for m in smtp_server.to("bert@example.nl")] == [
        "Je bent lid van Besloten kring"
    ]
    assert smtp_server.to("carl@example.nl") == []
    assert members_of(anne, group) == ["Anne (jij):Eigenaar", "Bert:Lid"]
    assert "Vraag om lid te worden" in carl.get(group).text  # may ask again
    # bad input: a clear 400, nothing changed
    act(anne, group, "members", status=400, action="approve", account=bert_id)
    act(anne, group, "members", status=400, action="explode", account=bert_id)
    act(anne, group, "members", status=400, action="remove", account="nobody")


def test_owners_hand_over_the_group_and_remove_members(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    group = add_group(anne)
    act(bert, group, "join")
    bert_id, anne_id = account_of(anne, group, "Bert"), account_of(anne, group, "Anne")
    refused = act(anne, group, "members", status=400, action="member", account=anne_id)
    assert "enige eigenaar" in refused.text
    act(anne, group, "members", action="owner", account=bert_id)
    assert bert.get(f"{group}@@edit").status_int == 200  # an owner changes the group
    act(bert, group, "members", action="member", account=anne_id)
    act(bert, group, "members", action="remove", account=anne_id)
    assert members_of(bert, group) == ["Bert (jij):Eigenaar"]
    anne.get(f"{group}@@edit", status=403)


def test_only_site_members_join_and_every_change_needs_the_csrf_token(world) -> None:
    anne = world.client("anne")
    group = add_group(anne)
    outsider = world.setup.signed_in(world.app, "outsider@example.nl", HOST)
    page = outsider.get(group)
    assert "Lid worden van deze groep" not in page.text
    anonymous = world.client()
    assert "Log in om lid te worden" in anonymous.get(group).text
    token = anonymous.testapp.cookies["pleio_csrf"]
    anonymous.post(f"{group}@@join", {"csrf_token": token}, status=403)
    bert = world.client("bert")
    bert.post(f"{group}@@join", {}, status=400)  # no CSRF token
    assert members_of(anne, group) == ["Anne (jij):Eigenaar"]


def test_a_draft_group_is_its_owners_and_nobody_else_adds_in_it(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_group(anne)
    act(bert, group, "join")
    page = add(anne, group, "page", "Open", body="Tekst.", access="public")
    act(anne, group, "members", action="owner", account=account_of(anne, group, "Bert"))
    act(bert, group, "members", action="remove", account=account_of(bert, group, "Anne"))
    form = bert.get(f"{group}@@edit").forms["content-form"]
    form["state"].force_value("draft")
    form.submit("save", status=303)
    # its owner (not its maker) keeps it; its maker, no longer in it, has nothing
    assert bert.get(f"{group}@@members").status_int == 200
    assert bert.get(f"{page}@@add?type=page").status_int == 200
    anne.get(f"{group}@@edit", status=403)
    for who in (anne, carl):
        who.get(f"{page}@@add?type=page", status=403)
        who.get(group, status=403)


def test_site_editors_edit_a_group_but_only_its_owners_manage_its_members(world) -> None:
    anne, bert, eva = world.client("anne"), world.client("bert"), world.client("eva")
    group = add_group(anne, joining="closed")
    act(bert, group, "join")
    assert eva.get(f"{group}@@edit").status_int == 200  # moderation of its text
    members = eva.get(f"{group}@@members")
    assert not members.html.select("#requests-heading")
    assert not members.html.select("main form, table form")
    act(
        eva, group, "members", status=403, action="approve", account=account_of(anne, group, "Bert")
    )
    admin = world.client("admin")
    act(admin, group, "members", action="approve", account=account_of(anne, group, "Bert"))


def test_someone_removed_from_the_site_leaves_its_groups_at_once(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_group(anne)
    closed = add_group(anne, "Besloten kring", joining="closed")
    act(bert, group, "join")
    act(bert, closed, "join")  # a request, waiting
    act(carl, group, "join")
    act(anne, group, "members", action="owner", account=account_of(anne, group, "Bert"))
    page = add(anne, group, "page", "Notulen", body="Alleen voor de groep.", access="group")
    assert bert.get(page).status_int == 200
    admin = world.client("admin")
    panel = admin.get("/@@control-panel-members")
    row = next(r for r in panel.html.select("tbody tr") if r.text.split()[0] == "Bert")
    account = row.select_one("input[name=account]")["value"]
    token = row.select_one("input[name=csrf_token]")["value"]
    admin.post(
        "/@@control-panel-members",
        {"csrf_token": token, "action": "remove", "account": account},
        status=303,
    )
    bert.get(page, status=403)
    bert.get(f"{page}@@edit", status=403)
    bert.get(f"{group}@@edit", status=403)
    # and no name lingers: not in the members list, not among the requests
    assert members_of(anne, group) == ["Anne (jij):Eigenaar", "Carl:Lid"]
    assert not anne.get(f"{closed}@@members").html.select("#requests-heading")
    with world.committed("/community") as folder:
        assert bert_id_absent(folder, account)


def test_the_command_line_removing_a_member_takes_them_out_of_groups_too(world) -> None:
    anne, carl = world.client("anne"), world.client("carl")
    group = add_group(anne)
    act(carl, group, "join")
    world.setup.close()
    assert world.setup.pleio("user", "revoke", "carl@example.nl", "groups") == 0
    world.app = world.setup.make_app()
    world._clients.clear()
    assert members_of(world.client("anne"), group) == ["Anne (jij):Eigenaar"]


def bert_id_absent(folder, account_id: str) -> bool:
    return account_id not in folder.group_memberships.principals


# -- content in the group --------------------------------------------------------------------


def test_group_content_is_for_its_members_in_views_search_and_api(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_group(anne)
    act(bert, group, "join")
    # only the group's members add content in it
    carl.get(f"{group}@@add?type=page", status=403)
    form = anne.get(f"{group}@@add?type=page").forms["content-form"]
    levels = [value for value, *_ in form["access"].options]
    assert levels == ["public", "members", "group", "private"]
    assert form["access"].value == "group"  # a wiki page in a group starts as the group's
    page = add(anne, group, "page", "Geheime notulen", body="Het woord zeppelin.", access="group")
    assert page == "/community/werkgroep/geheime-notulen/"
    assert bert.get(page).html.select_one("h1").text == "Geheime notulen"
    carl.get(page, status=403)
    world.client().get(page, status=403)
    assert "Geheime notulen" in bert.get(group).text
    assert "Geheime notulen" not in carl.get(group).text
    assert found(bert, "zeppelin") == ["Geheime notulen"]
    assert found(carl, "zeppelin") == []
    # the API, with each one's token
    for who, status in (("bert", 200), ("carl", 403)):
        api = sign_in_client(world.setup, world.app, f"{who}@example.nl", HOST)
        auth = bearer(make_token(api, "groups"))
        api.get("/api/v1/content" + page.rstrip("/"), headers=auth, host=HOST, status=status)
    # leaving the group takes its content away at once
    act(bert, group, "leave")
    bert.get(page, status=403)


def test_a_group_wiki_has_its_own_tree_trail_and_writers(world) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_group(anne)
    act(bert, group, "join")
    top = add(anne, group, "page", "Handboek", body="Zie [[Werkwijze]].", access="public")
    sub = add(bert, top, "page", "Werkwijze", body="Terug naar [[Handboek]].", access="public")
    assert sub == "/community/werkgroep/handboek/werkwijze/"
    view = carl.get(sub)  # public: everyone reads it
    assert [a.text for a in view.html.select(".utrecht-breadcrumb-nav a")] == [
        "Werkgroep",
        "Handboek",
        "Werkwijze",
    ]
    assert [a.text for a in view.html.select(".wiki-tree a")][:2] == ["Handboek", "Werkwijze"]
    assert [li.text for li in view.html.select("#backlinks li")] == ["Handboek"]
    # the group's members write its wiki; other members of the site only read it
    assert bert.get(f"{top}@@edit").status_int == 200
    carl.get(f"{top}@@edit", status=403)
    # a link in the group's wiki finds the group's page, not a site wiki page of that title
    add(carl, "/wiki/", "page", "Werkwijze", body="De site-brede werkwijze.", access="public")
    link = carl.get(top).html.select_one("a.wiki-link")
    assert link["href"].endswith(sub)
    # the group's wiki as Markdown files
    export = bert.get(f"{group}@@export")
    assert export.content_type == "application/zip"


def test_module_disabled_hides_groups_and_their_content_and_brings_them_back(world) -> None:
    anne = world.client("anne")
    group = add_group(anne)
    page = add(anne, group, "page", "Notulen", body="Het woord zeppelin.", access="public")
    world.switch_module("community", enabled=False)
    for path in (group, page, f"{group}@@members"):
        anne.get(path, status=404)
    assert found(world.client(), "zeppelin") == []
    world.switch_module("community", enabled=True)
    assert anne.get(page).html.select_one("h1").text == "Notulen"
    assert found(world.client(), "zeppelin") == ["Notulen"]


def test_the_wiki_off_hides_a_groups_wiki_pages_from_the_group_too(world) -> None:
    anne = world.client("anne")
    group = add_group(anne)
    page = add(anne, group, "page", "Notulen", body="Tekst.", access="public")
    assert "Notulen" in anne.get(group).html.select_one("#group-content-heading").parent.text
    world.switch_module("wiki", enabled=False)
    listed = anne.get(group).html.select_one("#group-content-heading").parent
    assert "Notulen" not in listed.text and "Wikipagina toevoegen" not in listed.text
    anne.get(page, status=404)
    world.switch_module("wiki", enabled=True)
    assert "Notulen" in anne.get(group).html.select_one("#group-content-heading").parent.text


def test_the_community_off_hides_its_groups_wiki_pages_from_the_home_page_too(world) -> None:
    anne = world.client("anne")
    group = add_group(anne)
    add(anne, group, "page", "Notulen van de groep", body="Tekst.", access="public")
    assert "Notulen van de groep" in world.client().get("/").text
    world.switch_module("community", enabled=False)
    assert "Notulen van de groep" not in world.client().get("/").text
    world.switch_module("community", enabled=True)
    assert "Notulen van de groep" in world.client().get("/").text


def test_deleting_a_group_takes_its_principal_from_its_members(world) -> None:
    anne, bert = world.client("anne"), world.client("bert")
    group = add_group(anne)
    act(bert, group, "join")
    form = anne.get(f"{group}@@delete").forms["delete-form"]
    form.submit(status=303)
    with world.committed("/community") as folder:
        assert list(folder.group_memberships.principals) == []


def test_bad_group_input_is_refused_with_a_clear_message(world) -> None:
    anne = world.client("anne")
    response = add(anne, "/community/", "group", "   ", status=400, access="public")
    assert response.html.select(".error-summary")
    response = add(
        anne, "/community/", "group", "Goed", status=400, access="public", joining="half"
    )
    assert response.html.select(".error-summary")
    with world.committed("/community") as folder:
        assert [k for k in folder if k != "welcome"] == []


# -- the exit: site export and import -------------------------------------------------------


def test_an_imported_site_keeps_groups_members_requests_and_group_only_content(
    world, tmp_path, capsys
) -> None:
    anne, bert, carl = world.client("anne"), world.client("bert"), world.client("carl")
    group = add_group(anne, "Besloten kring", joining="closed")
    act(bert, group, "join")
    act(anne, group, "members", action="approve", account=account_of(anne, group, "Bert"))
    act(carl, group, "join")  # still waiting
    page = add(bert, group, "page", "Notulen", body="Alleen voor de kring.", access="group")
    world.setup.close()
    archive = str(tmp_path / "groups.zip")
    assert world.setup.pleio("site", "export", "groups", archive) == 0
    assert world.setup.pleio("site", "import", "copy", archive, "--host", "copy.localhost") == 0
    bad = tmp_path / "bad.zip"
    for key, why in (("x:owner", "not 1-64 letters"), (None, "two groups have the key")):
        names = zipfile.ZipFile(archive).namelist()
        docs = {
            n: json.loads(zipfile.ZipFile(archive).read(n))
            for n in names
            if n.startswith("content/")
        }
        groups = [n for n, d in docs.items() if d["type"] == "group"]
        if key is None:  # a second group with the first one's key
            twin = dict(docs[groups[0]], path="community/tweeling")
            raw = json.dumps(twin).encode()
            listed = _listing("content/00000099.json", raw)
            bad.write_bytes(
                rebuild_archive(archive, extra=[("content/00000099.json", raw)], manifest=listed)
            )
        else:
            docs[groups[0]]["extra"]["community"]["uid"] = key
            bad.write_bytes(
                rebuild_archive(archive, {groups[0]: json.dumps(docs[groups[0]]).encode()})
            )
        assert world.setup.pleio("site", "import", "worse", str(bad), "--host", "w.localhost") == 2
        assert why in capsys.readouterr().err
    app = world.setup.make_app()

    def on_copy(who: str):
        return world.setup.signed_in(app, f"{who}@example.nl", "copy.localhost")

    anne, bert, carl = on_copy("anne"), on_copy("bert"), on_copy("carl")
    rows = members_page(anne, group).select("table tbody tr")
    assert [row.select("td")[0].text.split()[0] for row in rows] == ["Anne", "Bert"]
    assert [
        r.text.split()[0]
        for r in anne.get(f"{group}@@members").html.select("#requests-heading ~ ul li")
    ] == ["Carl"]
    assert bert.get(page).html.select_one("h1").text == "Notulen"
    carl.get(page, status=403)


def _listing(name: str, raw: bytes):
    """A manifest change that lists one more content document, with its checksum."""

    def change(manifest: dict) -> None:
        manifest["checksums"][name] = hashlib.sha256(raw).hexdigest()
        manifest["counts"]["content"] += 1
        manifest["types"]["group"]["count"] += 1

    return change


def test_my_groups_are_in_my_data_and_the_api(world) -> None:
    """Through the core's extension points: the personal data export and an API endpoint."""
    anne, bert = world.client("anne"), world.client("bert")
    open_group = add_group(anne, "Open kring")
    closed = add_group(anne, "Besloten kring", joining="closed")
    act(bert, open_group, "join")
    act(bert, closed, "join")  # a request, not yet a membership
    response = bert.get("/@@my-data").forms["my-data-form"].submit(status=200)
    with zipfile.ZipFile(io.BytesIO(response.body)) as zf:
        part = json.loads(zf.read("plugins/community.json"))
        everything = b"".join(zf.read(n) for n in zf.namelist()).decode()
    assert [(g["group"], g["role"]) for g in part["groups"]] == [("Open kring", "member")]
    assert [r["group"] for r in part["requests"]] == ["Besloten kring"]
    assert "anne@example.nl" not in everything and "Anne" not in everything
    token = bearer(
        make_token(sign_in_client(world.setup, world.app, "anne@example.nl", HOST), "groups")
    )
    api = world.client()
    mine = api.get("/api/v1/modules/community/my-groups", headers=token).json["groups"]
    assert sorted((g["path"], g["role"]) for g in mine) == [
        ("besloten-kring", "owner"),
        ("open-kring", "owner"),
    ]
    api.get("/api/v1/modules/community/my-groups", status=401)
    document = api.get("/api/v1/openapi.json").json
    assert document["paths"]["/api/v1/modules/community/my-groups"]["get"]["security"]


def test_a_member_of_the_site_refused_a_group_page_is_told_which_group(world) -> None:
    """Not "only for members of this site" to someone who is one: the group's name, and a
    link to it, where they can ask to join; the others refused keep the general answer."""
    anne, carl = world.client("anne"), world.client("carl")
    group = add_group(anne, "Kring Archief")
    page = add(anne, group, "page", "Notulen", body="Voor de kring.", access="group")
    refused = carl.get(page, status=403).html
    assert refused.h1.text == "Alleen voor leden van een groep"
    main = " ".join(refused.select_one("main").text.split())
    assert "Deze pagina is alleen voor leden van de groep Kring Archief." in main
    assert "deze site" not in main
    link = refused.select_one("main").find("a", string=re.compile("^Ga naar Kring Archief"))
    assert link["href"] == f"http://{HOST}{group}"
    joined = carl.get(group)
    assert joined.forms[next(k for k, f in joined.forms.items() if f.action.endswith("@@join"))]
    # a visitor, and a draft the member may not see for another reason: the general answer
    general = "Deze pagina is alleen voor leden van deze site."
    assert general in world.client().get(page, status=403).text
    draft = add(anne, "/wiki/", "page", "Concept", state="draft", access="members")
    assert general in carl.get(draft, status=403).text


def test_an_owner_invites_and_the_invitee_is_notified_and_joins(world, smtp_server) -> None:
    """The invitation goes through the core's notifications (the plugin API's ``notify``):
    in the invitee's list, by e-mail, and the invitee then joins a closed group at once."""
    anne, bert = world.client("anne"), world.client("bert")
    group = add_group(anne, "Besloten kring", joining="closed")
    refused = act(anne, group, "members", status=400, action="invite", people="niemand hier")
    assert "Noem leden van de site met een @" in refused.text
    act(anne, group, "members", action="invite", people="@Bert en @Olga")  # Olga: no member
    [mail] = [m for m in smtp_server.to("bert@example.nl") if "nodigt je uit" in m["Subject"]]
    assert "Besloten kring" in mail["Subject"]
    assert smtp_server.to("outsider@example.nl") == []
    listed = bert.get("/@@notifications").html.select_one("#notifications a")
    assert "Anne nodigt je uit" in listed.text and listed["href"].endswith(group)
    page = bert.get(group)
    assert "Je bent uitgenodigd" in page.text
    settings = bert.get("/@@notification-settings").forms["notification-settings"]
    assert settings["kind-group-invitation"].value == "email"  # the plugin's kind, offered
    act(bert, group, "join")
    assert "Bert" in members_page(anne, group).text
    with world.committed(group) as stored:
        assert len(stored.members) == 2 and not stored.invitations  # (settled by joining)
    follow = bert.get(group).forms
    assert any("@@follow" in f.action for f in follow.values())  # follow the group
