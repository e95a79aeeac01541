"""Settings are parsed once; bad ones stop start-up with a clear line."""

from pathlib import Path

import pytest
from pyramid.paster import get_appsettings

from pleio_core.settings import PleioSettings, SettingsError

ROOT = Path(__file__).parents[1]
SECRET = "s" * 40


def test_defaults() -> None:
    s = PleioSettings.from_settings({"here": "/srv/pleio", "pleio.secret": SECRET})
    assert s.platform_host == "localhost"
    assert s.storage_uri.startswith("file:///srv/pleio/var/sites/{site}/Data.fs")
    assert s.platform_storage_uri.startswith("file:///srv/pleio/var/platform/Data.fs")
    assert s.site_configs_dir == Path("/srv/pleio/site_configs")
    assert (s.max_open_sites, s.page_cache, s.secure_cookies) == (64, True, False)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("pleio.max_open_sites", "many", "must be a whole number"),
        ("pleio.max_open_sites", "0", "must be at least 1"),
        ("pleio.storage_uri", "file:///var/Data.fs", "must contain {site}"),
        ("pleio.secret", "short", "at least 32 characters"),
        ("pleio.config_check_interval", "soon", "number of seconds"),
    ],
)
def test_bad_settings(key: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        PleioSettings.from_settings({"here": "/srv", "pleio.secret": SECRET, key: value})


def test_production_ini_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLEIO_SECRET", SECRET)
    monkeypatch.setenv("PLEIO_PLATFORM_HOST", "Pleio.Example.nl")
    monkeypatch.setenv("PLEIO_SITE_CONFIGS", "/etc/pleio/sites")
    monkeypatch.setenv("PLEIO_STORAGE_URI", "postgres://pleio@db/pleio_{site}")
    monkeypatch.setenv("PLEIO_PLATFORM_STORAGE_URI", "postgres://pleio@db/pleio_platform")
    s = PleioSettings.from_settings(get_appsettings(str(ROOT / "production.ini")))
    assert s.secure_cookies and s.secret == SECRET
    assert s.platform_host == "pleio.example.nl"
    assert s.storage_uri == "postgres://pleio@db/pleio_{site}"
    assert s.site_configs_dir == Path("/etc/pleio/sites")


@pytest.mark.parametrize(
    "missing", ["PLEIO_SECRET", "PLEIO_STORAGE_URI", "PLEIO_SITE_CONFIGS", "PLEIO_PLATFORM_HOST"]
)
def test_production_ini_names_a_missing_variable(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    for name in (
        "PLEIO_PLATFORM_HOST",
        "PLEIO_SITE_CONFIGS",
        "PLEIO_STORAGE_URI",
        "PLEIO_PLATFORM_STORAGE_URI",
    ):
        monkeypatch.setenv(name, "x{site}")
    monkeypatch.setenv("PLEIO_SECRET", SECRET)
    monkeypatch.delenv(missing)
    with pytest.raises(SettingsError, match=f"needs the environment variable {missing}"):
        PleioSettings.from_settings(get_appsettings(str(ROOT / "production.ini")))


def test_a_dollar_sign_is_kept_and_only_braced_variables_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DB_HOST", "db.example.nl")
    s = PleioSettings.from_settings(
        {
            "here": "/srv",
            "pleio.secret": "pa$word" + "x" * 32,
            "pleio.storage_uri": "postgres://pleio:pa$word@${DB_HOST}/pleio_{site}",
        }
    )
    assert s.secret.startswith("pa$word")
    assert s.storage_uri == "postgres://pleio:pa$word@db.example.nl/pleio_{site}"


def test_a_bad_storage_uri_stops_start_up_with_one_line(tmp_path: Path) -> None:
    from pleio_core import main

    with pytest.raises(SystemExit) as stop:
        main(
            {},
            here=str(tmp_path),
            **{"pleio.secret": SECRET, "pleio.platform_storage_uri": "nosuch://x"},
        )
    assert str(stop.value.code).startswith("pleio: cannot start: bad storage URI for platform")


def test_mail_settings_read_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, smtp_server
) -> None:
    from pleio_core.testing import PleioTestSetup

    monkeypatch.setenv("TEST_MAIL_PORT", str(smtp_server.port))
    setup = PleioTestSetup(tmp_path)
    app = setup.make_app(**{"mail.host": "127.0.0.1", "mail.port": "${TEST_MAIL_PORT}"})
    assert app.registry.settings["mail.port"] == str(smtp_server.port)
    setup.close()
    monkeypatch.delenv("TEST_MAIL_PORT")
    with pytest.raises(SettingsError, match="mail.port needs the environment variable"):
        setup.make_app(**{"mail.host": "127.0.0.1", "mail.port": "${TEST_MAIL_PORT}"})
