"""The operator's sites page on the platform host: list, create, switch off and on again."""

import re

import pytest
from webtest import Upload

from pleio_core.jobs import JOB_WORKER
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import (
    PleioTestSetup,
    add_through_form,
    assert_accessible,
    assert_valid_html,
    wait_for,
)
from pleio_core.testing.browser import axe_violations, sign_in_page

PLATFORM = "localhost"


@pytest.fixture
def world(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("alpha", modules=("wiki",), title="Alpha")
    pleio_setup.write_site("beta", modules=(), title="Beta", access="closed")
    pleio_setup.create_account("op@example.nl", "Olga", operator=True)
    pleio_setup.create_account("ada@example.nl", "Ada", alpha="admin")
    pleio_setup.create_account("mo@example.nl", "Mo", alpha="member")
    app = pleio_setup.make_app()
    pleio_setup.client(app, "alpha.localhost").get("/")  # alpha has its database now
    operator = pleio_setup.signed_in_on_platform(app, "op@example.nl")
    return pleio_setup, app, operator


def token(client) -> str:
    return client.get("/@@operator-sites").forms["create-form"]["csrf_token"].value


def cells_of(page, title: str) -> list[str]:
    row = page.html.find("a", string=title).find_parent("tr")
    return [td.get_text(" ", strip=True) for td in row.find_all("td")]


def test_the_operator_sees_every_site_with_its_facts(world) -> None:
    _setup, _app, operator = world
    assert "/@@operator-sites" in operator.get("/").text  # the frame links to it
    page = wait_for(
        lambda: (page := operator.get("/@@operator-sites")) and cells_of(page, "Alpha")[2] == "2"
        and page
    )  # fmt: skip
    cells = cells_of(page, "Alpha")
    assert cells[0] == "alpha.localhost" and cells[1] == "wiki" and cells[2] == "2"
    assert cells[3].endswith(" kB") or cells[3].endswith(" MB")  # as the files are counted
    assert re.fullmatch(r"\d\d-\d\d-\d{4} \d\d:\d\d", cells[5])  # when it was measured
    assert "Beta" in page.text  # closed sites too


def test_the_page_reads_no_site_database_and_measures_in_the_background(world, clock) -> None:
    """The figures come from the platform database with their age; the job that measures
    them is queued by the page when they are missing or older than ten minutes."""
    setup, app, operator = world
    worker = JOB_WORKER(app.registry)
    worker.stop()
    databases = SITE_DATABASES(app.registry)
    databases.close_all()
    page = operator.get("/@@operator-sites")
    assert databases.open_names() == []  # no site database was opened for the page
    assert cells_of(page, "Alpha")[2] == "—" and cells_of(page, "Alpha")[5] == "—"
    assert "worden nu gemeten" in page.html.select_one("#facts-status").text
    assert worker.run_one()  # the job the page queued
    assert sorted(databases.open_names()) == ["alpha", "beta"]
    databases.close_all()
    page = operator.get("/@@operator-sites")
    assert cells_of(page, "Alpha")[2] == "2" and cells_of(page, "Alpha")[5] != "—"
    assert not page.html.select_one("#facts-status").text.strip()  # fresh: nothing queued
    assert databases.open_names() == []
    # a new member shows after the next measuring, which the operator may ask for
    setup.close()
    setup.create_account("nel@example.nl", "Nel", alpha="member")
    app = setup.make_app()
    worker = JOB_WORKER(app.registry)
    worker.stop()
    operator = setup.signed_in_on_platform(app, "op@example.nl")
    assert cells_of(operator.get("/@@operator-sites"), "Alpha")[2] == "2"  # as measured
    form = operator.get("/@@operator-sites").forms["measure-form"]
    assert "done=measure" in form.submit(status=303).location
    assert worker.run_one()
    SITE_DATABASES(app.registry).close_all()
    assert cells_of(operator.get("/@@operator-sites"), "Alpha")[2] == "3"
    # older than ten minutes: the page has them measured again by itself
    clock.advance(601)
    assert "worden nu gemeten" in operator.get("/@@operator-sites").text
    assert worker.run_one() and not worker.run_one()


def test_others_get_403(world) -> None:
    setup, app, _operator = world
    admin = setup.signed_in_on_platform(app, "ada@example.nl")
    admin.get("/@@operator-sites", status=403)
    csrf = admin.get("/").forms[0]["csrf_token"].value  # the sign-out form's: a valid token
    data = {"action": "disable", "site": "alpha", "csrf_token": csrf}
    admin.post("/@@operator-sites", data, status=403)
    admin.post("/@@operator-sites", {**data, "action": "measure"}, status=403)
    admin.post("/@@operator-import", {**data, "name": "x", "hosts": "x.localhost"}, status=403)
    assert not setup.site_configs.joinpath("alpha.toml").read_text().count("disabled")
    setup.client(app, PLATFORM).get("/@@operator-sites", status=403)
    assert "/@@operator-sites" not in admin.get("/").text


def test_a_database_open_in_this_process_is_read_at_once(world) -> None:
    """No opening, a few reads: what this process serves is shown as it is now."""
    _setup, app, operator = world
    JOB_WORKER(app.registry).stop()
    assert "alpha" in SITE_DATABASES(app.registry).open_names()  # the fixture's visit
    assert cells_of(operator.get("/@@operator-sites"), "Alpha")[2] == "2"
    assert cells_of(operator.get("/@@operator-sites"), "Beta")[2] == "—"  # not open here


def test_a_bad_action_is_a_400_with_why(world) -> None:
    _setup, _app, operator = world
    data = {"action": "nonsense", "csrf_token": token(operator)}
    answer = operator.post("/@@operator-sites", data, status=400)
    assert "Kies aanmaken, uitschakelen, inschakelen of meten." in answer.text


def test_the_operator_creates_a_site_with_the_rules_of_the_command(world) -> None:
    setup, app, operator = world
    form = operator.get("/@@operator-sites").forms["create-form"]
    form["name"], form["title"], form["hosts"] = "gamma", "Gamma", "gamma.localhost"
    form["modules"] = ["wiki"]
    response = form.submit(status=303)
    assert "done=created" in response.location
    assert (setup.site_configs / "gamma.toml").exists()
    home = setup.client(app, "gamma.localhost").get("/")
    assert "Gamma" in home.text and "/wiki/" in home.text

    for name, hosts, message in (  # in Dutch, as the rest of the page
        ("gamma", "other.localhost", "er is al een site met de naam 'gamma'"),
        ("delta", "alpha.localhost", "is al in gebruik bij site 'alpha'"),
        ("delta", "localhost", "is de host van het platform zelf"),
        ("Delta!", "delta.localhost", "ongeldige sitenaam 'Delta!': gebruik 2 tot 63"),
        ("delta", "", "Hostnamen: er is minstens één hostnaam nodig"),
    ):
        form = operator.get("/@@operator-sites").forms["create-form"]
        form["name"], form["title"], form["hosts"] = name, "Delta", hosts
        response = form.submit(status=400)
        assert message in response.html.select_one("#form-error").text, name
    assert not (setup.site_configs / "delta.toml").exists()
    # two mistakes at once: both are said, not only the first
    form = operator.get("/@@operator-sites").forms["create-form"]
    form["name"], form["title"], form["hosts"] = "Delta!", "", "delta.localhost"
    summary = form.submit(status=400).html.select_one("#form-error")
    assert summary.p.text == "De site is niet aangemaakt:"
    problems = [li.text for li in summary.select("li")]
    assert len(problems) == 2 and problems[0].startswith("ongeldige sitenaam 'Delta!'")
    assert problems[1] == "Titel: is verplicht en mag niet leeg zijn"


def test_a_disabled_site_shows_a_maintenance_page_and_keeps_its_data(world) -> None:
    setup, app, operator = world
    visitor = setup.client(app, "alpha.localhost")
    db_file = setup.root / "var" / "sites" / "alpha" / "Data.fs"
    size_before = db_file.stat().st_size
    operator.post(
        "/@@operator-sites",
        {"action": "disable", "site": "alpha", "csrf_token": token(operator)},
        status=303,
    )
    page = wait_for(
        lambda: (
            visitor.get("/wiki/", expect_errors=True).status_int == 503
            and visitor.get("/wiki/", expect_errors=True)
        )
    )
    assert "onderhoud" in page.text
    assert page.headers["Retry-After"] == "3600"
    assert visitor.get("/", status=503)
    assert db_file.stat().st_size == size_before  # nothing was written
    operator.post(
        "/@@operator-sites",
        {"action": "enable", "site": "alpha", "csrf_token": token(operator)},
        status=303,
    )
    wait_for(lambda: visitor.get("/wiki/", expect_errors=True).status_int == 200)


def test_the_sites_page_is_valid_html_measured_and_being_measured(world) -> None:
    _setup, app, operator = world
    worker = JOB_WORKER(app.registry)
    worker.stop()
    SITE_DATABASES(app.registry).close_all()
    pages = {"being measured": operator.get("/@@operator-sites").body}
    assert worker.run_one()
    SITE_DATABASES(app.registry).close_all()
    pages["measured"] = operator.get("/@@operator-sites?done=measure").body
    assert b"2</td>" in pages["measured"] and b"worden nu gemeten" in pages["being measured"]
    assert_valid_html(pages)


def test_the_operator_imports_a_site_from_an_archive_as_a_job(world, tmp_path) -> None:
    setup, app, operator = world
    ada = setup.signed_in(app, "ada@example.nl", "alpha.localhost")
    add_through_form(ada, "/wiki/", "page", title="Meegenomen", body="Tekst", access="public")
    setup.close()
    archive = tmp_path / "alpha.zip"
    assert setup.pleio("site", "export", "alpha", str(archive)) == 0
    (tmp_path / "garbage.zip").write_bytes(b"not a zip at all")
    app = setup.make_app()
    worker = JOB_WORKER(app.registry)
    worker.stop()
    operator = setup.signed_in_on_platform(app, "op@example.nl")

    def submit(status: int, file: str | None = "alpha.zip", **fields: str):
        form = operator.get("/@@operator-sites").forms["import-form"]
        for key, value in fields.items():
            form[key] = value
        if file is not None:
            form["archive"] = Upload(str(tmp_path / file))
        return form.submit(status=status)

    # what is wrong is said, and nothing is queued
    refused = submit(400, None, name="gamma", hosts="")
    problems = [li.text for li in refused.html.select("#import-error li")]
    assert problems == [
        "Hostnamen: er is minstens één hostnaam nodig",
        "Archief: kies het archief (een .zip-bestand) om te importeren",
    ]
    pages = {"refused (400)": refused.body}
    assert refused.html.select_one('a[href$="/@@operator-sites#import-heading"]') is not None
    refused = submit(400, name="alpha", hosts="new.localhost")
    assert "er is al een site met de naam 'alpha'" in refused.html.select_one("#import-error").text
    operator.post("/@@operator-import", {"name": "x"}, status=400)  # without its CSRF token
    # queued, then done by a worker: the site is there with its content
    started = submit(303, name="gamma", hosts="gamma.localhost", title="Gamma")
    assert "done=import" in started.location
    page = operator.get(started.location.split("localhost", 1)[1])
    assert "wordt op de achtergrond geïmporteerd" in page.text
    pages["queued"] = page.body
    item = page.html.select_one('#import-status li[data-state="queued"]')
    assert item is not None and "gamma" in item.text
    while worker.run_one():  # the import, and the measuring the page asked for
        pass
    done = operator.get("/@@operator-sites").html.select_one("#import-status li")
    assert done["data-state"] == "done" and "Geïmporteerd" in done.text
    assert (setup.site_configs / "gamma.toml").exists()
    home = setup.client(app, "gamma.localhost")
    assert "Meegenomen" in home.get("/wiki/meegenomen/").text
    # a file that is no archive: the job fails and says why; no site is left behind
    submit(303, "garbage.zip", name="delta", hosts="delta.localhost")
    while worker.run_one():
        pass
    failed = operator.get("/@@operator-sites").html.select_one(
        '#import-status li[data-state="failed"]'
    )
    assert "Niet geïmporteerd" in failed.text and "geen archief van een site" in failed.text
    assert not (setup.site_configs / "delta.toml").exists()
    assert not (setup.root / "var" / "sites" / "delta").exists()
    pages["done and failed"] = operator.get("/@@operator-sites").body
    assert_valid_html(pages)


def test_the_import_by_keyboard_and_its_pages_pass_axe(
    world, tmp_path, live_server_factory, page
) -> None:
    setup, app, _operator = world
    setup.close()
    archive = tmp_path / "alpha.zip"
    assert setup.pleio("site", "export", "alpha", str(archive)) == 0
    app = setup.make_app()
    worker = JOB_WORKER(app.registry)
    worker.stop()
    server = live_server_factory(app)
    sign_in_page(page, server, "localhost", "op@example.nl")
    page.goto(server.url("localhost", "/@@operator-sites"))
    # without a file: the refusal page says why and leads back
    page.get_by_label("Naam").last.fill("gamma")
    page.locator("#import-hosts").fill("gamma.localhost")
    page.get_by_role("button", name="Site importeren").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "kies het archief" in page.get_by_role("alert").inner_text()
    assert axe_violations(page) == []  # (a POST's answer: checked where it is)
    page.get_by_role("link", name="Terug naar de sitespagina").click()
    page.locator("#import-name").fill("gamma")
    page.locator("#import-hosts").fill("gamma.localhost")
    page.locator("#import-archive").set_input_files(str(archive))
    page.get_by_role("button", name="Site importeren").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "gamma" in page.locator("#import-status").inner_text()
    assert_accessible(page, page.url)  # queued, with its progress
    while worker.run_one():
        pass
    page.goto(server.url("localhost", "/@@operator-sites"))
    assert "Geïmporteerd" in page.locator("#import-status").inner_text()
    assert_accessible(page, page.url)
