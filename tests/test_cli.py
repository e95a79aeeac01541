"""The ``pleio`` command, run as the console script an operator runs."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pleio_core.testing import PleioTestSetup

PLEIO = str(Path(sys.executable).with_name("pleio"))


def pleio(setup: PleioTestSetup, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PLEIO, "-c", str(setup.ini_file()), *args], capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def setup(pleio_setup: PleioTestSetup) -> PleioTestSetup:
    pleio_setup.write_site("kia", modules=("wiki",), title="KIA")
    return pleio_setup


def test_site_create_writes_the_file_and_the_database(setup: PleioTestSetup) -> None:
    result = pleio(
        setup,
        "site",
        "create",
        "gemeente",
        "--title",
        "Gemeente Voorbeeld",
        "--host",
        "Gemeente.localhost",
        "--module",
        "wiki",
        "--module",
        "community",
        "--access",
        "closed",
        "--language",
        "en",
    )
    assert result.returncode == 0, result.stderr
    assert "created site gemeente: http://gemeente.localhost/" in result.stdout
    data = tomllib.loads((setup.site_configs / "gemeente.toml").read_text())
    assert data == {
        "title": "Gemeente Voorbeeld",
        "description": "",
        "hosts": ["gemeente.localhost"],
        "modules": ["wiki", "community"],
        "access": "closed",
        "language": "en",
    }
    assert (setup.root / "var/sites/gemeente/Data.fs").exists()
    shown = pleio(setup, "site", "show", "gemeente")
    assert "modules:     wiki, community" in shown.stdout
    assert "access:      closed" in shown.stdout
    listed = pleio(setup, "site", "list").stdout.splitlines()
    assert listed == [
        "gemeente\tclosed\tgemeente.localhost\tGemeente Voorbeeld",
        "kia\tpublic\tkia.localhost\tKIA",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["site", "create", "kia", "--title", "T", "--host", "x.localhost"],
            "a site named 'kia' already exists",
        ),
        (
            ["site", "create", "new", "--title", "T", "--host", "KIA.localhost"],
            "host 'KIA.localhost' is already used by site 'kia'",
        ),
        (["site", "create", "new", "--title", "T", "--host", "localhost"], "platform host"),
        (
            ["site", "create", "Bad_Name", "--title", "T", "--host", "x.localhost"],
            "invalid site name 'Bad_Name'",
        ),
        (
            ["site", "create", "new", "--title", "T", "--host", "x.localhost", "--module", "blog"],
            "unknown module 'blog'",
        ),
        (["site", "create", "new", "--title", " ", "--host", "x.localhost"], "title: is required"),
        (["site", "create", "new", "--title", "T", "--host", "http://x"], "not a host name"),
        (["site", "create", "new", "--title", "T"], "the following arguments are required: --host"),
        (["site", "show", "nope"], "no site named 'nope'"),
        (["site", "enable-module", "kia", "blog"], "unknown module 'blog'"),
        (["site", "enable-module", "nope", "wiki"], "no site named 'nope'"),
        (["site", "frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    setup: PleioTestSetup, args: list[str], message: str
) -> None:
    before = sorted(p.name for p in setup.site_configs.iterdir())
    result = pleio(setup, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert sorted(p.name for p in setup.site_configs.iterdir()) == before  # nothing written


def test_a_missing_config_file_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [PLEIO, "-c", str(tmp_path / "nope.ini"), "site", "list"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "nope.ini: no such configuration file" in result.stderr


def test_a_bad_site_file_is_named(setup: PleioTestSetup) -> None:
    (setup.site_configs / "broken.toml").write_text(
        'title = "B"\nhosts = ["b.localhost"]\nfoo = 1\n'
    )
    result = pleio(setup, "site", "list")
    assert result.returncode == 2
    assert "broken.toml: foo: unknown key" in result.stderr


def test_enable_and_disable_module_edit_the_file(setup: PleioTestSetup) -> None:
    assert pleio(setup, "site", "enable-module", "kia", "community").returncode == 0
    data = tomllib.loads((setup.site_configs / "kia.toml").read_text())
    assert data["modules"] == ["wiki", "community"]
    again = pleio(setup, "site", "enable-module", "kia", "community")
    assert again.returncode == 0 and "already enabled" in again.stderr
    assert pleio(setup, "site", "disable-module", "kia", "wiki").returncode == 0
    data = tomllib.loads((setup.site_configs / "kia.toml").read_text())
    assert data["modules"] == ["community"]


def test_show_reads_a_database_a_server_holds_open(setup: PleioTestSetup) -> None:
    client = setup.client()
    client.get("/", host="kia.localhost")  # the server now holds the FileStorage lock
    assert setup.pleio("site", "disable-module", "kia", "wiki") == 0
    result = pleio(setup, "site", "show", "kia")
    assert result.returncode == 0, result.stderr
    assert "modules:     \n" in result.stdout  # the file's change, as the server will apply it


def test_plugins_list(setup: PleioTestSetup) -> None:
    lines = pleio(setup, "plugins", "list").stdout.splitlines()
    rows = [line.split("\t")[:3] for line in lines]
    assert rows == sorted(rows)  # by name; other plugins may be installed (examples/)
    assert [row for row in rows if row[0] in ("community", "intranet", "wiki", "workspace")] == [
        ["community", "0.1.0", "Community"],
        ["intranet", "0.1.0", "Intranet"],
        ["wiki", "0.1.0", "Wiki"],
        ["workspace", "0.1.0", "Workspace"],
    ]


def test_demo_creates_three_sites_with_sample_content_once(pleio_setup: PleioTestSetup) -> None:
    first = pleio(pleio_setup, "demo")
    assert first.returncode == 0, first.stderr
    assert "http://rijksportaal.localhost:6543/" in first.stdout
    assert sorted(p.name for p in pleio_setup.site_configs.iterdir()) == [
        "kia.toml",
        "rijksportaal.toml",
        "waterschap.toml",
    ]
    client = pleio_setup.client()
    wiki = client.get("/wiki/", host="rijksportaal.localhost")
    assert "Beginnen met de wiki" in wiki.text
    assert "Getting started with the wiki" in client.get("/wiki/", host="kia.localhost").text
    page = client.get("/wiki/welcome/", host="rijksportaal.localhost")  # a real wiki page
    assert "@@edit" not in page.text and "Wikipagina" in page.text  # anonymous: read only
    # written by the site's demo admin, as content people write is, and saying so
    meta = " ".join(page.html.select_one(".meta").text.split())
    assert meta.startswith("Wikipagina · door Beheerder Rijksportaal Samenwerken · ")
    members = client.get("/community/sample-group/@@members", host="rijksportaal.localhost")
    assert "Beheerder Rijksportaal Samenwerken" in members.text  # it owns the group
    admin = pleio_setup.signed_in(
        client.app,
        "beheer@rijksportaal.example",
        "rijksportaal.localhost",
        "demo-rijksportaal-wachtwoord",
    )
    people = admin.get("/@@people", params={"department": "Digitalisering"})
    assert [a.text for a in people.html.select(".people-list h2 a")] == [
        "Ahmed Yilmaz",
        "Jan de Boer",
    ]  # the demo's people, with their profiles
    assert "beheer@kia.example  demo-kia-wachtwoord" in first.stdout
    form = client.get("/login", host="localhost").forms["login-form"]
    form["email"], form["password"] = "beheer@kia.example", "demo-kia-wachtwoord"
    assert form.submit(headers={"Host": "localhost"}).status_int == 303
    pleio_setup.close()
    assert pleio(pleio_setup, "demo").returncode == 0  # idempotent


def test_demo_prints_the_port_the_server_listens_on(pleio_setup: PleioTestSetup) -> None:
    ini = pleio_setup.ini_file()
    ini.write_text(ini.read_text() + "[server:main]\nuse = egg:waitress#main\nlisten = *:7080\n")
    done = subprocess.run([PLEIO, "-c", str(ini), "demo"], capture_output=True, text=True)
    assert "http://rijksportaal.localhost:7080/" in done.stdout, done.stderr
    assert ":6543" not in done.stdout
    done = subprocess.run(
        [PLEIO, "-c", str(ini), "demo", "--port", "80"], capture_output=True, text=True
    )
    assert "http://rijksportaal.localhost/" in done.stdout


def test_a_database_held_by_a_server_is_a_clear_error(setup: PleioTestSetup) -> None:
    setup.client().get("/", host="kia.localhost")  # the "server" holds the FileStorages
    result = subprocess.run(
        [PLEIO, "-c", str(setup.ini_file()), "user", "create", "a@b.nl", "--name", "A"],
        input="long enough password\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "the platform database is in use by another process" in result.stderr
