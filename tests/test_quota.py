"""The upload limit, the operator's quota per deelsite, and the bytes in use.

The usage is a ``BTrees.Length`` on the site root: concurrent uploads through connections
of their own never conflict over it, and the total stays exact.
"""

import threading
from pathlib import Path

import pytest
import transaction
from ZODB.POSException import ConflictError

from pleio_core.content.site import ROOT_KEY
from pleio_core.services import SITE_DATABASES
from pleio_core.settings import PleioSettings, SettingsError, parse_size, size_text
from pleio_core.sites.config import SiteConfigError, read_site_config
from pleio_core.testing import PleioTestSetup, assert_valid_html
from pleio_core.uploads import (
    FileRefused,
    add_usage,
    check_quota,
    format_size,
    storage_usage,
    upload_limit,
)

HOST = "alpha.localhost"
BASE = {"pleio.secret": "x" * 40}


def take_view(context, request):
    """What an upload form does with the room: check the quota, then count the bytes."""
    size = int(request.POST["size"])
    try:
        check_quota(request, size)
    except FileRefused as refused:
        request.response.status = refused.status
        return {"refused": request.localizer.translate(refused.message)}
    add_usage(request.site_root, size)
    return {"usage": storage_usage(request.site_root), "limit": upload_limit(request)}


def with_take_view(config) -> None:
    config.add_view(
        take_view,
        context="pleio_core.content.site.SiteRoot",
        name="test-take",
        request_method="POST",
        permission="view",
        renderer="json",
        require_csrf=False,
    )


@pytest.mark.parametrize(
    ("raw", "size"),
    [
        ("1 GB", 10**9),
        ("500 MB", 500 * 10**6),
        ("500MB", 500 * 10**6),
        ("2 GiB", 2 * 2**30),
        ("1048576", 1048576),
        ("1.5 GB", 1_500_000_000),
        ("64 kib", 65536),
        ("10 B", 10),
    ],
)
def test_sizes_are_read_in_decimal_and_binary_units(raw: str, size: int) -> None:
    assert parse_size(raw) == size
    assert parse_size(size_text(size)) == size  # what a site file is written with


@pytest.mark.parametrize("raw", ["", "GB", "1 XB", "-1", "1,5 GB", "1 GB extra", "one"])
def test_what_is_not_a_size_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(raw)


def test_the_upload_limit_is_parsed_once_with_a_default_of_1_gb() -> None:
    assert PleioSettings.from_settings(BASE).max_upload_size == 10**9
    settings = PleioSettings.from_settings({**BASE, "pleio.max_upload_size": "2 GiB"})
    assert settings.max_upload_size == 2**31
    for bad, message in (
        ("a lot", "pleio.max_upload_size: 'a lot' is not a size"),
        ("0", "pleio.max_upload_size must be at least 1 byte"),
        ("1,5 GB", "pleio.max_upload_size: '1,5 GB' is not a size"),
    ):
        with pytest.raises(SettingsError, match=message):
            PleioSettings.from_settings({**BASE, "pleio.max_upload_size": bad})


def test_format_size_says_it_in_the_language_and_never_rounds_up() -> None:
    assert format_size(0) == "0 B"
    assert format_size(1500, "nl") == "1,5 kB" and format_size(1500, "en") == "1.5 kB"
    assert format_size(999_999_999) == "999 MB"
    assert format_size(10 * 10**9) == "10 GB"


def write(tmp_path: Path, quota: str) -> Path:
    path = tmp_path / "alpha.toml"
    path.write_text(f'title = "Alpha"\nhosts = ["alpha.localhost"]\n{quota}\n')
    return path


def test_the_quota_is_read_from_the_site_file(tmp_path: Path) -> None:
    assert read_site_config(write(tmp_path, 'quota = "10 GB"')).quota == 10 * 10**9
    assert read_site_config(write(tmp_path, "quota = 5000")).quota == 5000
    assert read_site_config(write(tmp_path, "")).quota is None
    assert read_site_config(write(tmp_path, 'quota = "2 GiB"')).to_toml()["quota"] == "2 GiB"


@pytest.mark.parametrize(
    ("quota", "reason"),
    [
        ('quota = "lots"', "quota: 'lots' is not a size: write a number and a unit"),
        ('quota = "10 GBs"', "quota: '10 GBs' is not a size"),
        ("quota = 0", "quota: must be at least 1 byte (leave it out for no limit)"),
        ("quota = -5", "quota: must be at least 1 byte"),
        ("quota = true", 'quota: must be a size such as "10 GB" or a number of bytes'),
        ("quota = 1.5", 'quota: must be a size such as "10 GB"'),
    ],
)
def test_a_bad_quota_is_refused_naming_the_file_and_key(tmp_path, quota, reason) -> None:
    path = write(tmp_path, quota)
    with pytest.raises(SiteConfigError) as info:
        read_site_config(path)
    assert str(info.value).startswith(f"{path}: {reason}")


def test_a_bad_quota_stops_start_up(pleio_setup: PleioTestSetup) -> None:
    (pleio_setup.site_configs / "alpha.toml").write_text(
        'title = "Alpha"\nhosts = ["alpha.localhost"]\nquota = "ten gigabytes"\n'
    )
    with pytest.raises(SiteConfigError, match=r"alpha\.toml: quota: 'ten gigabytes' is not a size"):
        pleio_setup.make_app()


@pytest.fixture
def quota_site(pleio_setup: PleioTestSetup) -> PleioTestSetup:
    pleio_setup.write_site("alpha", title="Alpha", quota=1000)
    pleio_setup.create_account("ada@example.nl", "Ada", alpha="admin")
    return pleio_setup


def test_uploads_over_the_quota_are_refused_with_507_saying_what_is_left(quota_site) -> None:
    app = quota_site.make_app(with_take_view, **{"pleio.max_upload_size": "500 MB"})
    ada = quota_site.signed_in(app, "ada@example.nl", HOST)
    assert ada.post("/@@test-take", {"size": "600"}).json == {"usage": 600, "limit": 500 * 10**6}
    refused = ada.post("/@@test-take", {"size": "401"}, status=507).json["refused"]
    assert refused == (
        "Er is geen ruimte voor deze upload: die heeft 401 B nodig, en van de 1 kB van deze "
        "site is nog 400 B over. Verwijder bestanden, of vraag de beheerder van het platform "
        "om meer ruimte."
    )
    assert ada.post("/@@test-take", {"size": "400"}).json["usage"] == 1000  # exactly full
    ada.post("/@@test-take", {"size": "1"}, status=507)


def test_without_a_quota_anything_fits(pleio_setup: PleioTestSetup) -> None:
    pleio_setup.write_site("alpha", title="Alpha")
    pleio_setup.create_account("ada@example.nl", "Ada", alpha="member")
    app = pleio_setup.make_app(with_take_view)
    ada = pleio_setup.signed_in(app, "ada@example.nl", HOST)
    assert ada.post("/@@test-take", {"size": str(10**15)}).json["limit"] == 10**9


def test_usage_never_goes_below_zero(quota_site) -> None:
    app = quota_site.make_app()
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        root = conn.root()[ROOT_KEY]
        assert storage_usage(root) == 0 and root.storage_usage is None  # nothing made on reading
        add_usage(root, 300)
        add_usage(root, -500)
        assert storage_usage(root) == 0


def test_concurrent_usage_changes_do_not_conflict_and_add_up_exactly(quota_site) -> None:
    """Eight threads, each with a connection and transactions of its own, commit 25 changes
    each at the same time: no ConflictError, and the total is exact."""
    app = quota_site.make_app()
    db = SITE_DATABASES(app.registry).get("alpha")
    with db.transaction() as conn:
        add_usage(conn.root()[ROOT_KEY], 0)  # the count exists (made on the first change)
        add_usage(conn.root()[ROOT_KEY], 7)
    threads, rounds = 8, 25
    start = threading.Barrier(threads)
    conflicts: list[Exception] = []

    def uploader(number: int) -> None:
        manager = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager)
        try:
            start.wait()
            for i in range(rounds):
                manager.begin()
                root = conn.root()[ROOT_KEY]
                add_usage(root, 1000 + number)
                if i % 5 == 4:
                    add_usage(root, -(1000 + number))  # a purge now and then
                try:
                    manager.commit()
                except ConflictError as exc:
                    conflicts.append(exc)
                    manager.abort()
        finally:
            conn.close()

    workers = [threading.Thread(target=uploader, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert conflicts == []
    expected = 7 + sum((1000 + n) * (rounds - rounds // 5) for n in range(threads))
    with db.transaction() as conn:
        assert storage_usage(conn.root()[ROOT_KEY]) == expected


def set_usage(app, size: int) -> None:
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        add_usage(conn.root()[ROOT_KEY], size)


def test_the_control_panel_shows_usage_and_the_quota(quota_site) -> None:
    app = quota_site.make_app()
    ada = quota_site.signed_in(app, "ada@example.nl", HOST)
    set_usage(app, 250)
    page = ada.get("/@@control-panel")
    assert "Ruimte voor bestanden" in page.text
    assert "Bestanden nemen 250 B in van de 1 kB die deze site mag gebruiken (25%)." in page.text
    assert "De site is vol" not in page.text
    set_usage(app, 750)
    full = ada.get("/@@control-panel")
    assert "Bestanden nemen 1 kB in van de 1 kB die deze site mag gebruiken (100%)." in full.text
    assert "De site is vol: uploads worden geweigerd" in full.text
    ada.get("/@@language?lang=en&came_from=/", status=303)
    english = ada.get("/@@control-panel").text
    assert "Files take 1 kB of the 1 kB this site may use (100%)." in english
    assert_valid_html({"control panel, quota": page.body, "control panel, full": full.body})


def test_the_control_panel_without_a_quota_says_there_is_no_limit(pleio_setup) -> None:
    pleio_setup.write_site("alpha", title="Alpha")
    pleio_setup.create_account("ada@example.nl", "Ada", alpha="admin")
    app = pleio_setup.make_app()
    set_usage(app, 1_500_000)
    page = pleio_setup.signed_in(app, "ada@example.nl", HOST).get("/@@control-panel")
    assert "Bestanden nemen 1,5 MB in. Voor deze site is geen limiet ingesteld." in page.text


def test_pleio_site_show_prints_the_quota_and_usage(quota_site, capsys) -> None:
    app = quota_site.make_app()
    set_usage(app, 640)
    quota_site.close()
    capsys.readouterr()
    assert quota_site.pleio("site", "show", "alpha") == 0
    assert "quota:       1 kB (640 B in use)" in capsys.readouterr().out
    quota_site.write_site("beta", title="Beta")
    assert quota_site.pleio("site", "show", "beta") == 0
    assert "quota:       none (no database yet)" in capsys.readouterr().out


def test_the_operator_sets_the_quota_with_the_pleio_command(quota_site, capsys) -> None:
    app = quota_site.make_app()
    set_usage(app, 640)
    quota_site.close()
    file = quota_site.site_configs / "alpha.toml"
    assert quota_site.pleio("site", "quota", "alpha", "2 GiB") == 0
    assert "quota of alpha: 2 GiB, 640 B in use" in capsys.readouterr().out
    assert 'quota = "2 GiB"' in file.read_text() and read_site_config(file).quota == 2**31
    assert quota_site.pleio("site", "quota", "alpha", "none") == 0
    assert read_site_config(file).quota is None and "quota" not in file.read_text()
    assert quota_site.pleio("site", "quota", "alpha", "plenty") != 0
    assert "quota: 'plenty' is not a size" in capsys.readouterr().err
    assert read_site_config(file).quota is None  # unchanged
    assert quota_site.pleio(
        "site", "create", "gamma", "--title", "Gamma", "--host", "gamma.localhost",
        "--quota", "5 GB",
    ) == 0  # fmt: skip
    assert read_site_config(quota_site.site_configs / "gamma.toml").quota == 5 * 10**9
    assert quota_site.pleio(
        "site", "create", "delta", "--title", "Delta", "--host", "delta.localhost",
        "--quota", "5 GBs",
    ) != 0  # fmt: skip
    assert "quota" in capsys.readouterr().err
    assert not (quota_site.site_configs / "delta.toml").exists()


def test_a_running_server_applies_a_changed_quota(quota_site) -> None:
    from pleio_core.testing import wait_for

    app = quota_site.make_app(with_take_view)
    ada = quota_site.signed_in(app, "ada@example.nl", HOST)
    ada.post("/@@test-take", {"size": "2000"}, status=507)
    quota_site.write_site("alpha", title="Alpha", quota=10**6)
    wait_for(
        lambda: ada.post("/@@test-take", {"size": "2000"}, expect_errors=True).status_int == 200
    )


def test_the_operators_sites_page_shows_each_sites_files_and_quota(quota_site) -> None:
    quota_site.write_site("beta", title="Beta")
    quota_site.create_account("op@example.nl", "Olga", operator=True)
    app = quota_site.make_app()
    quota_site.client(app, HOST).get("/")  # the sites' databases are made on first use
    quota_site.client(app, "beta.localhost").get("/")
    set_usage(app, 250)
    operator = quota_site.signed_in_on_platform(app, "op@example.nl")
    page = operator.get("/@@operator-sites")
    assert "Ruimte voor bestanden" in page.text
    assert ">250 B van 1 kB</td>" in page.text and ">0 B</td>" in page.text
    assert_valid_html({"operator's sites page": page.body})
