"""Joining a deelsite: at once, on request, by invitation, by e-mail domain; who may decide."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from pleio_core.cli.context import load_platform
from pleio_core.content.site import ROOT_KEY
from pleio_core.security.invitations import parse_addresses
from pleio_core.security.joining import clean_domains
from pleio_core.security.store import accounts_of, tokens_of
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES
from pleio_core.sites.audit import audit_log
from pleio_core.testing import PleioTestSetup, assert_accessible, wait_for

PASSWORD = "correct horse battery"
ADMIN, EDITOR, MEMBER = "admin@example.nl", "editor@example.nl", "member@example.nl"
OUTSIDER, JOINER = "other-admin@example.nl", "jan@example.nl"


def wired(config) -> None:
    """The joining and audit views, as the security package includes them."""
    config.include("pleio_core.security.joining")
    config.include("pleio_core.security.audit")


@pytest.fixture
def setup(pleio_setup: PleioTestSetup, smtp_server) -> PleioTestSetup:
    pleio_setup.settings.update(smtp_server.settings)
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha", access="closed")
    pleio_setup.write_site("beta", modules=("wiki",), title="Beta")
    pleio_setup.create_account(ADMIN, "Ada Admin", alpha="admin")
    pleio_setup.create_account(EDITOR, "Eddy Editor", alpha="editor")
    pleio_setup.create_account(MEMBER, "Mia Member", alpha="member")
    pleio_setup.create_account(OUTSIDER, "Otto Other", beta="admin")
    pleio_setup.create_account(JOINER, "Jan Joiner")
    return pleio_setup


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_in(setup: PleioTestSetup, app, email: str, host: str = "alpha.localhost", came_from="/"):
    """A client signed in on ``host`` through the platform's form, as a browser would be."""
    client = setup.client(app)
    start = client.get("/@@login", params={"came_from": came_from}, host=host, status=303)
    form = client.get(path_of(start.location), host="localhost").forms[0]
    form["email"], form["password"] = email, PASSWORD
    done = form.submit(headers={"Host": "localhost"}, status=303)
    landed = client.get(path_of(done.location), host=host, status=303)
    assert landed.location == f"http://{host}{came_from}"
    return client


def form_for(page, action: str, index: int = 0):
    """The page's ``index``-th form that posts to ``action`` (the layout has a sign-out form)."""
    return [f for f in page.forms.values() if f.action.endswith(action)][index]


def csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def site_state(app, name: str, read):
    with SITE_DATABASES(app.registry).get(name).transaction() as conn:
        return read(conn.root()[ROOT_KEY])


def role(app, email: str, site: str = "alpha") -> str | None:
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        account_id = accounts_of(conn.root()["pleio_platform"]).by_email(email).id
    return site_state(app, site, lambda root: root.members.role_of(account_id))


#: Logged while the tests set up sites and accounts and sign in; not what these tests check.
SETUP_KINDS = ("sign-in", "module-enabled", "role-change")


def audit_kinds(app, site: str = "alpha") -> list[str]:
    """The kinds of the site's audit entries, newest first, without those of the set-up."""

    def kinds(root):
        log = audit_log(root)
        entries = log.entries() if log is not None else ()
        return [entry.kind for entry in entries if entry.kind not in SETUP_KINDS]

    return site_state(app, site, kinds)


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_open_join_makes_a_member_at_once(setup) -> None:
    assert setup.pleio("site", "join-mode", "beta", "open") == 0
    app = setup.make_app(configure=wired)
    anonymous = setup.client(app)
    assert "/@@join" not in anonymous.get("/", host="beta.localhost").text
    client = sign_in(setup, app, JOINER, host="beta.localhost")
    home = client.get("/", host="beta.localhost")
    assert 'href="http://beta.localhost/@@join">Lid worden van deze site</a>' in home.text
    page = client.get("/@@join", host="beta.localhost")
    assert "Iedereen met een Pleio-account" in page.text
    done = form_for(page, "/@@join").submit(headers={"Host": "beta.localhost"})
    assert "Je bent nu lid van deze site." in done.text
    assert role(app, JOINER, "beta") == "member"
    assert "/@@join" not in client.get("/", host="beta.localhost").text
    assert audit_kinds(app, "beta") == ["joined", "join-policy"]


def test_request_is_mailed_to_the_admins_and_approval_makes_a_member(setup, smtp_server) -> None:
    app = setup.make_app(configure=wired)
    anonymous = setup.client(app)
    notice = anonymous.get("/", host="alpha.localhost")
    assert (
        'href="http://alpha.localhost/@@join">Vraag om lid te worden van deze site</a>'
        in notice.text
    )
    away = anonymous.get("/@@join", host="alpha.localhost", status=303)
    assert away.location == "http://alpha.localhost/@@login?came_from=%2F%40%40join"

    joiner = sign_in(setup, app, JOINER)
    joiner.get("/wiki/", host="alpha.localhost", status=403)
    assert "Vraag om lid te worden van deze site" in joiner.get("/", host="alpha.localhost").text
    form = form_for(joiner.get("/@@join", host="alpha.localhost"), "/@@join")
    form["message"] = "Ik werk bij <Rijkswaterstaat> & wil graag meedoen."
    sent = form.submit(headers={"Host": "alpha.localhost"})
    assert "Je verzoek is naar de beheerders van deze site gestuurd." in sent.text
    assert "wacht op een beheerder" in joiner.get("/@@join", host="alpha.localhost").text
    home = joiner.get("/", host="alpha.localhost").text  # asked already: not offered again
    assert "Je verzoek om lid te worden wacht op een beheerder" in home
    assert "Vraag om lid te worden van deze site" not in home

    (mail,) = wait_for(lambda: smtp_server.to(ADMIN))
    assert mail["Subject"] == "Jan Joiner vraagt om lid te worden van Alpha"
    assert "Ik werk bij <Rijkswaterstaat> & wil graag meedoen." in body(mail)
    assert (
        smtp_server.link(ADMIN, "members-requests") == "http://alpha.localhost/@@members-requests"
    )
    assert not smtp_server.to(EDITOR) and not smtp_server.to(MEMBER)

    admin = sign_in(setup, app, ADMIN)
    listing = admin.get("/@@members-requests", host="alpha.localhost")
    assert "Jan Joiner" in listing.text and JOINER in listing.text
    assert "Ik werk bij &lt;Rijkswaterstaat&gt; &amp; wil graag meedoen." in listing.text
    decide = form_for(listing, "/@@members-requests")
    decide["message"] = "Welkom, Jan!"
    done = decide.submit("decision", value="approve", headers={"Host": "alpha.localhost"})
    assert done.status_int == 303
    after = admin.get(path_of(done.location), host="alpha.localhost")
    assert "goedgekeurd" in after.text and "Er wachten geen verzoeken." in after.text

    (welcome,) = wait_for(lambda: smtp_server.to(JOINER))
    assert welcome["Subject"] == "Welkom bij Alpha"
    assert "goedgekeurd" in body(welcome) and "Welkom, Jan!" in body(welcome)
    assert role(app, JOINER) == "member"
    joiner.get("/wiki/", host="alpha.localhost", status=200)
    assert audit_kinds(app) == ["join-approved", "join-request"]


def test_a_denied_request_is_told_and_changes_nothing(setup, smtp_server) -> None:
    app = setup.make_app(configure=wired)
    joiner = sign_in(setup, app, JOINER)
    form_for(joiner.get("/@@join", host="alpha.localhost"), "/@@join").submit(
        headers={"Host": "alpha.localhost"}
    )
    admin = sign_in(setup, app, ADMIN)
    form = form_for(admin.get("/@@members-requests", host="alpha.localhost"), "/@@members-requests")
    form["message"] = "Alleen voor medewerkers."
    form.submit("decision", value="deny", headers={"Host": "alpha.localhost"}, status=303)
    (told,) = wait_for(lambda: smtp_server.to(JOINER))
    assert told["Subject"] == "Je verzoek om lid te worden van Alpha"
    assert "niet goedgekeurd" in body(told) and "Alleen voor medewerkers." in body(told)
    assert role(app, JOINER) is None
    joiner.get("/wiki/", host="alpha.localhost", status=403)
    again = form.submit("decision", value="deny", headers={"Host": "alpha.localhost"}, status=409)
    assert "al beantwoord" in again.text
    assert len(smtp_server.to(JOINER)) == 1
    assert audit_kinds(app) == ["join-denied", "join-request"]


def test_an_invitation_from_the_real_mail_is_accepted_once(setup, smtp_server) -> None:
    app = setup.make_app(configure=wired)
    admin = sign_in(setup, app, ADMIN)
    form = form_for(admin.get("/@@invite", host="alpha.localhost"), "/@@invite")
    form["addresses"] = f"nieuw@example.nl, geen-adres\n{MEMBER}; <{JOINER}>  ook@fout"
    form["role"] = "editor"
    result = form.submit(headers={"Host": "alpha.localhost"})
    assert result.status_int == 200
    summary = result.html.find(class_="error-summary")
    assert summary["role"] == "alert"
    assert [li.text for li in summary.find_all("li")] == ["geen-adres", "ook@fout"]
    status = result.html.find(class_="status-message").text
    assert "nieuw@example.nl" in status and JOINER in status and MEMBER in status
    assert form_for(result, "/@@invite")["addresses"].value == "geen-adres\nook@fout"
    wait_for(lambda: smtp_server.to("nieuw@example.nl") and smtp_server.to(JOINER))
    assert not smtp_server.to(MEMBER)
    (mail,) = smtp_server.to(JOINER)
    assert mail["Subject"] == "Je bent uitgenodigd voor Alpha"
    assert "Ada Admin nodigt je uit om redacteur te worden van Alpha" in body(mail)

    link = smtp_server.link(JOINER, "/@@invitation?token=")
    assert link.startswith("http://alpha.localhost/@@invitation?token=")
    anonymous = setup.client(app)
    shown = anonymous.get(path_of(link), host="alpha.localhost")
    assert "no-store" in shown.headers["Cache-Control"]
    assert "redacteur" in shown.text and JOINER in shown.text
    sign_in_link = shown.html.find("a", string="Inloggen om te accepteren")["href"]
    assert parse_qs(urlsplit(sign_in_link).query)["came_from"] == [path_of(link)]
    wrong_site = sign_in(setup, app, JOINER, host="beta.localhost")
    wrong_site.get(path_of(link), host="beta.localhost", status=400)  # not consumed

    joiner = sign_in(setup, app, JOINER, came_from=path_of(link))
    accept = form_for(joiner.get(path_of(link), host="alpha.localhost"), "/@@invitation")
    signed_out = joiner.get("/", host="alpha.localhost")
    form_for(signed_out, "/@@logout").submit(headers={"Host": "alpha.localhost"}, status=303)
    # signing out renewed the CSRF token: the form of before is refused, and nothing changes
    accept.submit(headers={"Host": "alpha.localhost"}, status=400)
    assert role(app, JOINER) is None

    joiner = sign_in(setup, app, JOINER, came_from=path_of(link))
    accept = form_for(joiner.get(path_of(link), host="alpha.localhost"), "/@@invitation")
    accepted = accept.submit(headers={"Host": "alpha.localhost"})
    assert "Je bent nu lid van deze site." in accepted.text
    assert role(app, JOINER) == "editor"
    joiner.get("/wiki/", host="alpha.localhost", status=200)
    used = accept.submit(headers={"Host": "alpha.localhost"}, status=400)
    assert "al gebruikt" in used.text
    joiner.get(path_of(link), host="alpha.localhost", status=400)
    assert audit_kinds(app).count("invitation-sent") == 2
    assert audit_kinds(app)[0] == "invitation-accepted"


def test_an_invited_person_without_an_account_makes_one_and_lands_on_the_invitation(
    setup, smtp_server
) -> None:
    """The invitation's sign-in page, its "create an account", the confirmation mail and its
    page: each hands the invitation on, so signing in afterwards lands on accepting it."""
    app = setup.make_app(configure=wired)
    invite(setup, app, "nieuw@example.nl", "member")
    wait_for(lambda: smtp_server.to("nieuw@example.nl"))
    invitation = path_of(smtp_server.link("nieuw@example.nl", "/@@invitation?token="))
    browser = setup.client(app)
    shown = browser.get(invitation, host="alpha.localhost")
    start = shown.html.find("a", string="Inloggen om te accepteren")["href"]
    login = browser.get(path_of(browser.get(path_of(start), host="alpha.localhost").location))
    register = browser.get(path_of(login.html.find("a", string="Een account aanmaken")["href"]))
    back = parse_qs(urlsplit(register.html.find("a", string=re.compile("inloggen"))["href"]).query)
    assert back == {"site": ["alpha.localhost"], "came_from": [invitation]}
    form = register.forms["register-form"]
    form["email"], form["name"], form["password"] = "nieuw@example.nl", "Nina Nieuw", PASSWORD
    form.submit(headers={"Host": "localhost"})
    confirm = browser.get(path_of(smtp_server.link("nieuw@example.nl", "/verify")))
    confirmed = confirm.forms["confirm-form"].submit(headers={"Host": "localhost"})
    link = confirmed.html.select_one("main").find("a", string="Inloggen")
    sign_in_again = browser.get(path_of(link["href"]))
    form = sign_in_again.forms["login-form"]
    form["email"], form["password"] = "nieuw@example.nl", PASSWORD
    ticket = form.submit(headers={"Host": "localhost"}, status=303)
    landed = browser.get(path_of(ticket.location), host="alpha.localhost", status=303)
    assert landed.location == f"http://alpha.localhost{invitation}"
    accept = form_for(browser.get(invitation, host="alpha.localhost"), "/@@invitation")
    assert "Je bent nu lid" in accept.submit(headers={"Host": "alpha.localhost"}).text
    assert role(app, "nieuw@example.nl") == "member"


def test_the_way_back_goes_only_to_a_deelsite_and_a_local_path(setup, smtp_server) -> None:
    app = setup.make_app(configure=wired)
    register = setup.client(app).get(
        "/register", params={"site": "evil.example", "came_from": "https://evil.example/"}
    )
    assert (
        register.html.find("a", string=re.compile("inloggen"))["href"] == "http://localhost/login"
    )
    assert register.forms["register-form"]["site"].value == ""


def test_operators_invite_from_the_command_line(setup, smtp_server) -> None:
    assert (
        setup.pleio(
            "site",
            "invite",
            "alpha",
            "cli@example.nl",
            "fout",
            MEMBER,
            "--url",
            "http://alpha.localhost:8080",
        )
        == 0
    )
    (mail,) = smtp_server.to("cli@example.nl")
    assert "Pleio nodigt je uit om lid te worden van Alpha" in body(mail)
    link = smtp_server.link("cli@example.nl", "/@@invitation?token=")
    assert link.startswith("http://alpha.localhost:8080/@@invitation?token=")
    assert not smtp_server.to(MEMBER)
    setup.create_account("cli@example.nl", "Cas Cli")
    app = setup.make_app(configure=wired)
    client = sign_in(setup, app, "cli@example.nl", came_from=path_of(link))
    form_for(client.get(path_of(link), host="alpha.localhost"), "/@@invitation").submit(
        headers={"Host": "alpha.localhost"}
    )
    assert role(app, "cli@example.nl") == "member"


def test_a_verified_address_in_a_listed_domain_joins_by_itself(setup) -> None:
    assert setup.pleio("site", "join-mode", "alpha", "invitation") == 0
    assert setup.pleio("site", "join-domains", "alpha", "Example.nl", "@minbzk.nl") == 0
    setup.create_account("vera@unverified.example.nl", "Vera")
    platform = load_platform(str(setup.ini_file()))

    def unverify(root) -> None:
        accounts_of(root).by_email(JOINER).email_verified = False

    platform.edit_platform(unverify)
    app = setup.make_app(configure=wired)
    # an address that is not confirmed cannot even sign in, so it joins nothing
    client = setup.client(app)
    start = client.get("/@@login", host="alpha.localhost", status=303)
    form = client.get(path_of(start.location), host="localhost").forms["login-form"]
    form["email"], form["password"] = JOINER, PASSWORD
    refused = form.submit(headers={"Host": "localhost"}, status=400)
    assert "Bevestig eerst je e-mailadres" in refused.text
    assert role(app, JOINER) is None

    other = sign_in(setup, app, "vera@unverified.example.nl")
    assert "Alleen wie is uitgenodigd" in other.get("/@@join", host="alpha.localhost").text

    setup.close()
    assert setup.pleio("site", "join-domains", "alpha", "example.nl", "minbzk.nl") == 0
    setup.create_account("piet@example.nl", "Piet")
    app = setup.make_app(configure=wired)
    verified = sign_in(setup, app, "piet@example.nl")
    offer = verified.get("/@@join", host="alpha.localhost")  # a GET writes nothing
    assert "Je e-mailadres eindigt op example.nl" in offer.text
    assert role(app, "piet@example.nl") is None and "auto-join" not in audit_kinds(app)
    welcome = form_for(offer, "/@@join").submit(headers={"Host": "alpha.localhost"})
    assert "Je bent nu lid van deze site." in welcome.text
    assert role(app, "piet@example.nl") == "member"
    verified.get("/wiki/", host="alpha.localhost", status=200)
    assert audit_kinds(app)[0] == "auto-join"


def test_a_get_of_the_join_page_never_makes_a_member(setup) -> None:
    """Joining is a POST with the CSRF token, in every way of joining."""
    assert setup.pleio("site", "join-mode", "beta", "open") == 0
    assert setup.pleio("site", "join-domains", "alpha", "example.nl") == 0
    app = setup.make_app(configure=wired)
    for host, site in (("beta.localhost", "beta"), ("alpha.localhost", "alpha")):
        joiner = sign_in(setup, app, JOINER, host=host)
        page = joiner.get("/@@join", host=host)
        joiner.get("/@@join", host=host)
        joiner.head("/@@join", host=host)
        assert role(app, JOINER, site) is None
        assert "joined" not in audit_kinds(app, site) and "auto-join" not in audit_kinds(app, site)
        joiner.post("/@@join", {}, host=host, status=400)  # without the token: refused
        assert role(app, JOINER, site) is None
        form_for(page, "/@@join").submit(headers={"Host": host})
        assert role(app, JOINER, site) == "member"


def invite(setup, app, addresses: str, role_name: str, open_link: bool = False):
    admin = sign_in(setup, app, ADMIN)
    form = form_for(admin.get("/@@invite", host="alpha.localhost"), "/@@invite")
    form["addresses"], form["role"] = addresses, role_name
    if open_link:
        form["open_link"] = True
    return form.submit(headers={"Host": "alpha.localhost"})


def test_an_invitation_works_only_for_the_address_it_was_sent_to(setup, smtp_server) -> None:
    """Even an admin's invitation: a forwarded mail makes nobody else an admin."""
    app = setup.make_app(configure=wired)
    sent = invite(setup, app, JOINER, "admin")
    assert "alleen voor het adres" in sent.html.find(class_="status-message").text
    wait_for(lambda: smtp_server.to(JOINER))
    link = path_of(smtp_server.link(JOINER, "/@@invitation?token="))
    before = audit_kinds(app)
    other = sign_in(setup, app, OUTSIDER, came_from=link)
    refused = other.get(link, host="alpha.localhost", status=403)
    alert = refused.html.find(class_="error-summary").get_text(" ", strip=True)
    assert JOINER in alert and OUTSIDER in alert and "alleen dat adres" in alert
    assert not [f for f in refused.forms.values() if f.action.endswith("/@@invitation")]
    data = {"token": parse_qs(urlsplit(link).query)["token"][0], "csrf_token": csrf(refused)}
    again = other.post("/@@invitation", data, host="alpha.localhost", status=403)
    assert "alleen dat adres" in again.text
    assert role(app, OUTSIDER) is None and audit_kinds(app) == before  # nothing written
    # the link is not used up: the person it was sent to still accepts it
    joiner = sign_in(setup, app, JOINER, came_from=link)
    accept = form_for(joiner.get(link, host="alpha.localhost"), "/@@invitation")
    assert "Je bent nu lid" in accept.submit(headers={"Host": "alpha.localhost"}).text
    assert role(app, JOINER) == "admin"


def test_an_admin_may_send_an_open_link_knowingly(setup, smtp_server) -> None:
    app = setup.make_app(configure=wired)
    sent = invite(setup, app, "gedeeld@example.nl", "member", open_link=True)
    listed = sent.html.find(class_="status-message").get_text(" ", strip=True)
    assert "open uitnodiging" in listed and "gedeeld@example.nl (open link)" in listed
    assert form_for(sent, "/@@invite")["open_link"].checked  # the choice is kept shown
    wait_for(lambda: smtp_server.to("gedeeld@example.nl"))
    link = path_of(smtp_server.link("gedeeld@example.nl", "/@@invitation?token="))
    joiner = sign_in(setup, app, JOINER, came_from=link)
    page = joiner.get(link, host="alpha.localhost")
    assert "Dit is een open link" in page.text
    form_for(page, "/@@invitation").submit(headers={"Host": "alpha.localhost"})
    assert role(app, JOINER) == "member"

    def details(root):
        return [e.details for e in audit_log(root).entries() if e.kind.startswith("invitation")]

    assert all(d.get("open_link") is True for d in site_state(app, "alpha", details))


def test_the_command_line_binds_invitations_unless_told_otherwise(setup, smtp_server, capsys):
    url = "http://alpha.localhost"
    assert setup.pleio("site", "invite", "alpha", "gebonden@example.nl", "--url", url) == 0
    assert "(bound)" in capsys.readouterr().out
    assert (
        setup.pleio("site", "invite", "alpha", "open@example.nl", "--open-link", "--url", url) == 0
    )
    assert "an open link" in capsys.readouterr().out
    wait_for(lambda: smtp_server.to("gebonden@example.nl") and smtp_server.to("open@example.nl"))
    bound = path_of(smtp_server.link("gebonden@example.nl", "/@@invitation?token="))
    open_link = path_of(smtp_server.link("open@example.nl", "/@@invitation?token="))
    app = setup.make_app(configure=wired)
    joiner = sign_in(setup, app, JOINER, came_from=bound)
    joiner.get(bound, host="alpha.localhost", status=403)
    page = joiner.get(open_link, host="alpha.localhost")
    form_for(page, "/@@invitation").submit(headers={"Host": "alpha.localhost"})
    assert role(app, JOINER) == "member"


def test_mails_and_pages_name_the_site_as_its_holder_calls_it(setup, smtp_server) -> None:
    app = setup.make_app(configure=wired)
    admin = sign_in(setup, app, ADMIN)
    form = admin.get("/@@control-panel-general", host="alpha.localhost").forms["panel-form"]
    form["title"] = "Alfa zoals de holder wil"
    form.submit(headers={"Host": "alpha.localhost"}, status=303)
    invite(setup, app, "nieuw@example.nl", "member")
    wait_for(lambda: smtp_server.to("nieuw@example.nl"))
    (mail,) = smtp_server.to("nieuw@example.nl")
    assert mail["Subject"] == "Je bent uitgenodigd voor Alfa zoals de holder wil"
    joiner = sign_in(setup, app, JOINER)
    assert "Alfa zoals de holder wil" in joiner.get("/@@join", host="alpha.localhost").text


@pytest.mark.parametrize("who", [MEMBER, EDITOR, OUTSIDER, None])
def test_only_admins_reach_the_admin_pages(setup, smtp_server, who) -> None:
    app = setup.make_app(configure=wired)
    joiner = sign_in(setup, app, JOINER)
    form_for(joiner.get("/@@join", host="alpha.localhost"), "/@@join").submit(
        headers={"Host": "alpha.localhost"}
    )
    mails = len(smtp_server.messages)
    before = audit_kinds(app)
    client = sign_in(setup, app, who) if who else setup.client(app)
    # anonymous visitors have no form, so no token: the permission is checked first anyway
    token = csrf(client.get("/@@join", host="alpha.localhost")) if who else "none"
    for path in ("/@@members-requests", "/@@invite", "/@@audit"):
        client.get(path, host="alpha.localhost", status=403)
    account_id = site_state(app, "alpha", lambda root: next(iter(root.join_requests)).account_id)
    posts = {
        "/@@members-requests": {"account": account_id, "decision": "approve"},
        "/@@invite": {"addresses": "stiekem@example.nl", "role": "admin"},
    }
    for path, values in posts.items():
        client.post(path, {**values, "csrf_token": token}, host="alpha.localhost", status=403)
    assert role(app, JOINER) is None
    assert site_state(app, "alpha", lambda root: len(root.join_requests)) == 1
    with PLATFORM_DATABASE(app.registry).transaction() as conn:
        assert len(tokens_of(conn.root()["pleio_platform"])) == 0
    assert len(smtp_server.messages) == mails and audit_kinds(app) == before


def test_posts_without_the_csrf_token_are_refused(setup) -> None:
    app = setup.make_app(configure=wired)
    admin = sign_in(setup, app, ADMIN)
    joiner = sign_in(setup, app, JOINER)
    admin.post("/@@invite", {"addresses": "x@example.nl"}, host="alpha.localhost", status=400)
    admin.post("/@@members-requests", {"decision": "approve"}, host="alpha.localhost", status=400)
    joiner.post("/@@join", {"message": "hallo"}, host="alpha.localhost", status=400)
    joiner.post("/@@invitation", {"token": "x"}, host="alpha.localhost", status=400)
    assert audit_kinds(app) == []


def test_a_closed_site_shows_outsiders_only_its_join_pages(setup) -> None:
    app = setup.make_app(configure=wired)
    joiner = sign_in(setup, app, JOINER)
    assert "Vraag om lid te worden" in joiner.get("/", host="alpha.localhost").text
    joiner.get("/@@join", host="alpha.localhost", status=200)
    joiner.get("/@@invitation?token=nope", host="alpha.localhost", status=400)
    for path in ("/wiki/", "/@@members-requests", "/@@audit", "/@@invite"):
        joiner.get(path, host="alpha.localhost", status=403)


def test_address_lists_and_domains_are_parsed_forgivingly() -> None:
    good, bad = parse_addresses("A@Example.nl,b@example.nl;\n a@example.nl <c@x.nl> nope @")
    assert good == ["a@example.nl", "b@example.nl", "c@x.nl"]
    assert bad == ["nope", "@"]
    assert clean_domains(["Minbzk.NL", "@rijksoverheid.nl", "minbzk.nl"]) == (
        "minbzk.nl",
        "rijksoverheid.nl",
    )
    for wrong in ("localhost", "evil.nl/x", "a b.nl", "minbzk.nl:25"):
        with pytest.raises(ValueError):
            clean_domains([wrong])


def test_the_command_line_refuses_a_bad_domain(setup, capsys) -> None:
    assert setup.pleio("site", "join-domains", "alpha", "not a domain") == 2
    assert "not an e-mail domain" in capsys.readouterr().err


# -- in a real browser -------------------------------------------------------------------------


def browser_sign_in(page, server, email: str, path: str) -> None:
    page.goto(server.url("alpha.localhost", f"/@@login?came_from={path}"))
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url("alpha.localhost", path))


def tab_to(page, name: str, presses: int = 40) -> None:
    """Press Tab until the control named ``name`` has the focus, as a keyboard user does."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def test_join_and_admin_pages_pass_axe(setup, live_server_factory, browser) -> None:
    assert setup.pleio("site", "join-domains", "alpha", "minbzk.nl") == 0
    setup.create_account("piet@minbzk.nl", "Piet")
    server = live_server_factory(setup.make_app(configure=wired))
    by_domain = browser.new_context()
    page = by_domain.new_page()
    browser_sign_in(page, server, "piet@minbzk.nl", "/@@join")
    assert_accessible(page, server.url("alpha.localhost", "/@@join"))
    assert "Je e-mailadres eindigt op minbzk.nl" in page.content()
    tab_to(page, "Lid worden van deze site")
    page.keyboard.press("Enter")
    page.get_by_role("status").wait_for()
    assert "Je bent nu lid van deze site." in page.get_by_role("status").inner_text()
    by_domain.close()

    joining = browser.new_context()
    page = joining.new_page()
    browser_sign_in(page, server, JOINER, "/@@join")
    assert_accessible(page, server.url("alpha.localhost", "/@@join"))
    page.get_by_label("Een bericht voor de beheerders (niet verplicht)").fill("Graag!")
    page.get_by_role("button", name="Vraag om lid te worden").click()
    page.get_by_role("status").wait_for()
    joining.close()

    admin = browser.new_context()
    page = admin.new_page()
    browser_sign_in(page, server, ADMIN, "/@@members-requests")
    assert page.get_by_role("heading", name="Jan Joiner").is_visible()
    for path in ("/@@members-requests", "/@@invite", "/@@audit"):
        assert_accessible(page, server.url("alpha.localhost", path))
    page.goto(server.url("alpha.localhost", "/@@invite"))
    page.get_by_label("E-mailadressen").fill("iemand@example.nl, fout")
    page.get_by_role("button", name="Uitnodigingen versturen").click()
    assert page.get_by_role("alert").inner_text().count("fout") == 1
    admin.close()
