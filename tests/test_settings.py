"""Settings are parsed once; bad ones stop start-up with a clear line."""

import re
import secrets
import subprocess
from pathlib import Path

import pytest
from pyramid.paster import get_appsettings

from pleio_core.services import SETTINGS
from pleio_core.settings import (
    PleioSettings,
    SettingsError,
    estimated_bits,
    is_published_secret,
    secret_problem,
)

ROOT = Path(__file__).parents[1]
SECRET = "s" * 40  # enough for development, refused in production
STRONG = secrets.token_urlsafe(48)
#: the environment production.ini reads, as an operator sets it
PRODUCTION_ENV = {
    "PLEIO_SECRET": STRONG,
    "PLEIO_PLATFORM_HOST": "pleio.example.nl",
    "PLEIO_SITE_CONFIGS": "/etc/pleio/sites",
    "PLEIO_STORAGE_URI": "postgres://pleio@db/pleio_{site}",
    "PLEIO_PLATFORM_STORAGE_URI": "postgres://pleio@db/pleio_platform",
    "PLEIO_SECURITY_CONTACT": "mailto:security@example.nl",
    "PLEIO_MAIL_HOST": "smtp.example.nl",
    "PLEIO_MAIL_PORT": "587",
    "PLEIO_MAIL_USERNAME": "pleio",
    "PLEIO_MAIL_PASSWORD": "pw",
    "PLEIO_MAIL_SENDER": "Pleio <noreply@pleio.example.nl>",
}


def production_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in {**PRODUCTION_ENV, **values}.items():
        monkeypatch.setenv(name, value)


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
    production_env(monkeypatch, PLEIO_PLATFORM_HOST="Pleio.Example.nl")
    s = PleioSettings.from_settings(get_appsettings(str(ROOT / "production.ini")))
    assert s.secure_cookies and s.secret == STRONG
    assert s.platform_host == "pleio.example.nl"
    assert s.storage_uri == "postgres://pleio@db/pleio_{site}"
    assert s.site_configs_dir == Path("/etc/pleio/sites")


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_ini_names_a_missing_variable(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    production_env(monkeypatch)
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
    assert SETTINGS(app.registry).mail.options["mail.port"] == str(smtp_server.port)
    setup.close()
    monkeypatch.delenv("TEST_MAIL_PORT")
    with pytest.raises(SettingsError, match=r"mail\.port needs the environment variable"):
        setup.make_app(**{"mail.host": "127.0.0.1", "mail.port": "${TEST_MAIL_PORT}"})


# -- the secret ------------------------------------------------------------------------------


def production(monkeypatch: pytest.MonkeyPatch, secret: str) -> PleioSettings:
    """production.ini as the operator starts it, with ``secret`` in PLEIO_SECRET."""
    production_env(monkeypatch, PLEIO_SECRET=secret)
    return PleioSettings.from_settings(get_appsettings(str(ROOT / "production.ini")))


def development_secret() -> str:
    return get_appsettings(str(ROOT / "development.ini"))["pleio.secret"]


def test_production_refuses_the_secrets_published_in_the_repository(monkeypatch) -> None:
    from pleio_core.testing import SECRET as TEST_SECRET

    for published in (development_secret(), TEST_SECRET):
        with pytest.raises(SettingsError, match="published") as refused:
            production(monkeypatch, published)
        assert "pleio secret" in str(refused.value) and "token_urlsafe(48)" in str(refused.value)


@pytest.mark.parametrize(
    "weak",
    [
        "s" * 40,  # one character
        "abcdefgh" * 5,  # a repeated block
        "0123456789" * 4,
        "abcdefghijklmnopqrstuvwxyz0123456789",  # runs
        "pa$word" + "x" * 32,
        "73018264951730825649103857261940",  # digits only, short (fixed: xdist collects twice)
        "aaaaaaaaaaaaaaaaBBBBBBBBBBBBBBBB11111111",
    ],
)
def test_production_refuses_a_weak_secret(monkeypatch, weak: str) -> None:
    with pytest.raises(SettingsError, match="too easy to guess") as refused:
        production(monkeypatch, weak)
    assert "pleio secret" in str(refused.value)


def test_production_takes_a_strong_secret_and_development_its_own(monkeypatch) -> None:
    for _ in range(20):  # random values, each well over the bar
        value = secrets.token_urlsafe(48)
        assert secret_problem(value, production=True) is None
        assert estimated_bits(value) > 250
    assert production(monkeypatch, STRONG).secret == STRONG
    # development.ini keeps working with the secret it publishes
    dev = PleioSettings.from_settings(get_appsettings(str(ROOT / "development.ini")))
    assert not dev.secure_cookies and dev.secret == development_secret()
    with pytest.raises(SettingsError, match="at least 32 characters"):
        PleioSettings.from_settings({"here": "/srv", "pleio.secret": "short"})


#: A secret written in a file: ``pleio.secret = …`` in an .ini or a document, ``SECRET = "…"``
#: (or ``PLEIO_SECRET=…``) in code and docs.
WRITTEN_SECRET = re.compile(
    r"""(?:pleio\.secret\s*=\s*|SECRET\s*=\s*["']|PLEIO_SECRET=["']?)([^\s"'`$]{32,})"""
)


def test_every_secret_written_in_the_repository_is_refused_in_production() -> None:
    """A secret someone adds to a file (an example in the docs, a new fixture) must join
    PUBLISHED_SECRETS: the repository is public."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    found = {}
    for name in listed:
        path = ROOT / name
        if path.suffix not in (".py", ".ini", ".md", ".cfg", ".toml", ".txt", ".sh", "") or (
            not path.is_file()
        ):
            continue
        for match in WRITTEN_SECRET.finditer(path.read_text(errors="replace")):
            found[match[1]] = name
    assert development_secret() in found  # the scan sees what it must
    unlisted = {name: value for value, name in found.items() if not is_published_secret(value)}
    assert not unlisted, f"add their SHA-256 to PUBLISHED_SECRETS: {unlisted}"


def test_pleio_secret_prints_a_secret_that_production_takes(capsys) -> None:
    from pleio_core.cli import main

    made = []
    for _ in range(2):
        assert main(["secret"]) == 0
        made.append(capsys.readouterr().out.strip())
    assert made[0] != made[1] and all(len(value) == 64 for value in made)
    assert all(secret_problem(value, production=True) is None for value in made)


# -- read once, and as documented ------------------------------------------------------------


def test_an_unknown_pleio_setting_stops_start_up() -> None:
    """A typo (``pleio.page_cach``) would otherwise be ignored in silence."""
    with pytest.raises(SettingsError, match=r"pleio.page_cach is not a setting"):
        PleioSettings.from_settings({"pleio.secret": SECRET, "pleio.page_cach": "false"})


def test_an_empty_security_contact_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """security.txt without a Contact says nothing: refused, as the operator guide says."""
    production_env(monkeypatch, PLEIO_SECURITY_CONTACT="")
    with pytest.raises(SettingsError, match="security_contact is empty"):
        PleioSettings.from_settings(get_appsettings(str(ROOT / "production.ini")))


def test_every_section_is_parsed_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    production_env(monkeypatch)
    s = PleioSettings.from_settings(get_appsettings(str(ROOT / "production.ini")))
    assert s.security_txt.contacts == ("mailto:security@example.nl",)
    assert s.mail.host == "smtp.example.nl" and s.mail.options["mail.port"] == "587"
    assert s.mail.sender("x") == "Pleio <noreply@pleio.example.nl>"
    assert s.retry_attempts == 3  # without make_configurator's default of 20


def documented_settings() -> dict[str, str]:
    """The operator guide's settings table: setting -> default column."""
    guide = (ROOT / "docs" / "operator-guide.md").read_text()
    section = guide.split("### Settings (`[app:main]` in the `.ini`)", 1)[1].split("\n### ", 1)[0]
    return dict(re.findall(r"^\| `(pleio\.[a-z_]+)` \| ([^|]*) \|", section, re.MULTILINE))


def test_the_operator_guide_lists_every_setting_and_no_other() -> None:
    from pleio_core.settings import SETTINGS

    assert sorted(documented_settings()) == sorted(f"pleio.{key}" for key in SETTINGS)


def test_the_documented_defaults_are_the_defaults() -> None:
    s = PleioSettings.from_settings({"here": "/srv", "pleio.secret": SECRET})
    documented = documented_settings()
    for key, value in {
        "pleio.platform_host": s.platform_host,
        "pleio.max_open_sites": s.max_open_sites,
        "pleio.config_check_interval": s.config_check_interval,
        "pleio.page_cache": str(s.page_cache).lower(),
        "pleio.page_cache_entries": s.page_cache_entries,
        "pleio.secure_cookies": str(s.secure_cookies).lower(),
        "pleio.security_contact": s.security_txt.contacts[0],
    }.items():
        assert documented[key].startswith(f"`{value}`"), (key, documented[key], value)
