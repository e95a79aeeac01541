"""The audit log of a deelsite: kept in its own database, newest first, safe under concurrency."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from pleio_core.cli.context import load_platform
from pleio_core.content.site import SiteRoot
from pleio_core.security.accounts import Account
from pleio_core.security.audit import PAGE_SIZE, record, record_sign_in
from pleio_core.sites.audit import AuditLog, audit_log
from pleio_core.testing import PleioTestSetup

PASSWORD = "correct horse battery"
WINTER = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)  # 13:00 in Amsterdam
SUMMER = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)  # 14:00 in Amsterdam


def test_entries_come_newest_first_by_kind_and_page_by_page() -> None:
    log = AuditLog()
    start = datetime(2024, 3, 1, tzinfo=UTC)
    for n in range(10):
        kind = "join-request" if n % 2 else "sign-in"
        log.append(kind, f"a{n}", f"a{n}@example.nl", {"n": n}, when=start + timedelta(minutes=n))
    assert len(log) == 10
    assert [e.details["n"] for e in log.entries()] == list(range(9, -1, -1))
    requests = list(log.entries("join-request"))
    assert [e.details["n"] for e in requests] == [9, 7, 5, 3, 1]
    assert [e.details["n"] for e in log.entries("join-request", after=requests[1].key)] == [5, 3, 1]
    assert list(log.entries("module-enabled")) == []
    with pytest.raises(ValueError, match="unknown audit kind"):
        log.append("sign-out", None, "", {})


def test_entries_in_the_same_microsecond_are_all_kept() -> None:
    log = AuditLog()
    for n in range(200):
        log.append("sign-in", "a", "a@example.nl", {"n": n}, when=WINTER)
    assert len(log) == 200 and len({e.key for e in log.entries()}) == 200


def test_concurrent_writers_do_not_conflict(tmp_path) -> None:
    """Two requests logging at the same time both commit: the BTree resolves the conflict."""
    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    with db.transaction() as conn:
        conn.root()["site"] = SiteRoot("alpha", "Alpha")
        for n in range(5):
            record(conn.root()["site"], "sign-in", f"a{n}", actor_email=f"a{n}@example.nl")
    managers = [transaction.TransactionManager() for _ in range(2)]
    conns = [db.open(transaction_manager=tm) for tm in managers]
    for n, conn in enumerate(conns):
        record(conn.root()["site"], "role-change", f"admin{n}", role="editor")
    for tm in managers:  # both started from the same state: the second must resolve
        tm.commit()
    for conn in conns:
        conn.close()
    with db.transaction() as conn:
        log = audit_log(conn.root()["site"])
        assert len(log) == 7
        assert sorted(e.actor_id for e in log.entries("role-change")) == ["admin0", "admin1"]
    db.close()


def test_record_sign_in_logs_the_account_it_is_given() -> None:
    root = SiteRoot("alpha", "Alpha")
    account = Account("a1", "anne@example.nl", "Anne")
    request = SimpleNamespace(site_root=root, identity=None)
    entry = record_sign_in(request, account)
    assert (entry.kind, entry.actor_id, entry.actor_email) == ("sign-in", "a1", "anne@example.nl")
    on_platform = SimpleNamespace(site_root=None, identity=None)
    assert record_sign_in(on_platform, account) is None  # no site, nothing to log
    assert len(audit_log(root)) == 1


# -- the audit page -----------------------------------------------------------------------------


def sign_in(setup: PleioTestSetup, app, email: str):
    client = setup.client(app)
    start = client.get("/@@login?came_from=/", host="alpha.localhost", status=303)
    form = client.get(start.location.replace("http://localhost", ""), host="localhost").forms[0]
    form["email"], form["password"] = email, PASSWORD
    done = form.submit(headers={"Host": "localhost"}, status=303)
    client.get(done.location.replace("http://alpha.localhost", ""), host="alpha.localhost")
    return client


@pytest.fixture
def app(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha", access="closed")
    pleio_setup.create_account("admin@example.nl", alpha="admin")

    def seed(root: SiteRoot) -> None:
        log = audit_log(root, create=True)
        log.append("module-enabled", None, "", {"module": "wiki"}, when=WINTER)
        log.append(
            "role-change",
            "x",
            "<script>alert(1)</script>@example.nl",
            {"account": "<b>bert</b>@example.nl", "role": "editor", "previous": "member"},
            when=SUMMER,
        )
        later = SUMMER + timedelta(days=1)
        for n in range(PAGE_SIZE + 10):
            log.append("sign-in", "s", f"user{n}@example.nl", {}, when=later + timedelta(minutes=n))

    platform = load_platform(str(pleio_setup.ini_file()))
    platform.edit_site(platform.sites.get("alpha"), seed)
    return pleio_setup.make_app(configure=lambda c: c.include("pleio_core.security.audit"))


def rows(page) -> list[list[str]]:
    return [
        [" ".join(td.text.split()) for td in tr.find_all("td")]
        for tr in page.html.find("table").find("tbody").find_all("tr")
    ]


def test_the_audit_page_pages_newest_first_in_dutch_time(pleio_setup, app) -> None:
    admin = sign_in(pleio_setup, app, "admin@example.nl")
    first = admin.get("/@@audit", host="alpha.localhost")
    shown = rows(first)
    assert len(shown) == PAGE_SIZE
    # what really happened comes first: the admin's own sign-in, the role given on the
    # command line, the wiki switched on when the site was made; then the entries of 2024
    assert shown[0][1:3] == ["Ingelogd", "admin@example.nl"]
    assert shown[1][1:3] == ["Rol gewijzigd", "het platform"]
    assert shown[2][1:4] == ["Module aangezet", "het platform", "Module: wiki"]
    assert shown[3][1:3] == ["Ingelogd", f"user{PAGE_SIZE + 9}@example.nl"]
    older = first.html.find("a", string="Oudere regels")["href"]
    second = admin.get(older.replace("http://alpha.localhost", ""), host="alpha.localhost")
    rest = rows(second)
    assert [r[1] for r in rest] == ["Ingelogd"] * 13 + ["Rol gewijzigd", "Module aangezet"]
    assert rest[-2][0] == "2024-07-01 14:00:00"  # summer time
    assert rest[-1][0] == "2024-01-15 13:00:00"  # winter time
    assert rest[-1][2] == "het platform" and rest[-1][3] == "Module: wiki"
    assert "Vorige rol: lid" in rest[-2][3] and "Rol: redacteur" in rest[-2][3]
    assert second.html.find("a", string="Oudere regels") is None
    assert second.html.find("a", string="Nieuwste regels") is not None


def test_the_audit_page_filters_by_kind_and_escapes(pleio_setup, app) -> None:
    admin = sign_in(pleio_setup, app, "admin@example.nl")
    page = admin.get("/@@audit?kind=role-change", host="alpha.localhost")
    assert [r[1] for r in rows(page)] == [
        "Rol gewijzigd"
    ] * 2  # the command line's and the seeded one
    assert "<script>" not in page.text and "<b>bert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;@example.nl" in page.text
    assert page.html.find("option", selected=True)["value"] == "role-change"
    unknown = admin.get("/@@audit?kind=nonsense&after=abc", host="alpha.localhost")
    assert len(rows(unknown)) == PAGE_SIZE  # a bad filter shows everything


def test_the_audit_page_is_for_admins_only(pleio_setup, app) -> None:
    setup = pleio_setup
    setup.client(app).get("/@@audit", host="alpha.localhost", status=403)
    page = sign_in(setup, app, "admin@example.nl").get("/@@audit", host="alpha.localhost")
    assert re.search(r"<h1>Logboek</h1>", page.text)


def test_the_audit_page_says_what_changed_in_dutch(pleio_setup: PleioTestSetup) -> None:
    """The details' values are Dutch too: "Gewijzigd: kleuren", not "colours"; "Via:
    opdrachtregel", not "command line"; an access level, a state and a yes or no."""
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha")
    pleio_setup.create_account("admin@example.nl", alpha="admin")

    def seed(root: SiteRoot) -> None:
        log = audit_log(root, create=True)
        log.append("appearance", "a", "", {"changed": ["colours", "logo"], "primary": "#8b0000"})
        log.append("site-settings", "a", "", {"changed": ["description", "front_page"]})
        log.append("join-policy", "a", "", {"join_mode": "request", "via": "command line"})
        log.append("two-factor-policy", "a", "", {"required": True})
        log.append("access-changed", "a", "", {"access": "public → private", "state": "draft"})

    platform = load_platform(str(pleio_setup.ini_file()))
    platform.edit_site(platform.sites.get("alpha"), seed)
    app = pleio_setup.make_app()
    page = sign_in(pleio_setup, app, "admin@example.nl").get("/@@audit", host="alpha.localhost")
    details = [
        [line.strip() for line in td.get_text("\n").splitlines() if line.strip()]
        for td in page.html.select("tbody tr td:nth-of-type(4)")
    ]
    assert ["Gewijzigd: kleuren, logo", "Hoofdkleur: #8b0000"] in details
    assert ["Gewijzigd: beschrijving, voorpagina"] in details
    assert ["Hoe mensen lid worden: op verzoek", "Via: opdrachtregel"] in details
    assert ["Vereist: ja"] in details
    assert ["Wie mag dit zien: openbaar → privé", "Status: concept"] in details
