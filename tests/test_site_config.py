"""The site file format: parsing, validation, atomic writing."""

from pathlib import Path

import pytest

from pleio_core.sites.config import (
    SiteConfig,
    SiteConfigError,
    build_site_config,
    normalise_host,
    read_site_config,
    write_site_config,
)

MODULES = ("wiki", "community")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("KIA.localhost", "kia.localhost"),
        ("kia.localhost:6543", "kia.localhost"),
        ("kia.localhost.", "kia.localhost"),
        ("Kia.Localhost.:80", "kia.localhost"),
        ("[::1]:6543", "[::1]"),
        ("", None),
        ("bad_host!", None),
        ("-bad.localhost", None),
        ("a" * 64 + ".localhost", None),
        ("kia..localhost", None),
        ("kia.localhost:1;script-src *", None),
        ("kia.localhost:", None),
    ],
)
def test_normalise_host(raw: str, expected: str | None) -> None:
    assert normalise_host(raw) == expected


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


def test_a_complete_file_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "kia",
        'title = " KIA "\ndescription = "D"\nhosts = ["KIA.localhost", "kia.localhost"]\n'
        'modules = ["wiki"]\naccess = "closed"\nlanguage = "en"\n'
        'storage = "postgres://u@h/pleio_kia"\n',
    )
    site = read_site_config(path)
    assert site == SiteConfig(
        name="kia",
        title="KIA",
        description="D",
        hosts=("kia.localhost",),
        modules=("wiki",),
        access="closed",
        language="en",
        storage="postgres://u@h/pleio_kia",
    )


def test_defaults(tmp_path: Path) -> None:
    site = read_site_config(write(tmp_path, "kia", 'title = "K"\nhosts = ["kia.localhost"]\n'))
    assert (site.access, site.language, site.modules, site.storage) == ("public", "nl", (), None)


@pytest.mark.parametrize(
    ("name", "text", "key", "reason"),
    [
        ("kia", 'title = "K"\nhosts = [kia]\n', None, "malformed TOML"),
        ("kia", 'title = "K"\nhosts = ["k.localhost"]\ncolour = "red"\n', "colour", "unknown key"),
        ("kia", 'hosts = ["k.localhost"]\n', "title", "required"),
        ("kia", 'title = "K"\nhosts = []\n', "hosts", "at least one host"),
        ("kia", 'title = "K"\nhosts = ["k.localhost:80"]\n', "hosts", "not a host name"),
        ("kia", 'title = "K"\nhosts = ["http://k"]\n', "hosts", "not a host name"),
        ("kia", 'title = "K"\nhosts = "k.localhost"\n', "hosts", "list of strings"),
        (
            "kia",
            'title = "K"\nhosts = ["k.localhost"]\nmodules = ["Blog!"]\n',
            "modules",
            "not a module name",
        ),
        (
            "kia",
            'title = "K"\nhosts = ["k.localhost"]\naccess = "secret"\n',
            "access",
            "must be one of",
        ),
        (
            "kia",
            'title = "K"\nhosts = ["k.localhost"]\nlanguage = "de"\n',
            "language",
            "must be one of",
        ),
        ("kia", 'title = 3\nhosts = ["k.localhost"]\n', "title", "must be a string"),
        (
            "kia",
            'title = "K"\nhosts = ["k.localhost"]\nstorage = "nowhere"\n',
            "storage",
            "storage URI",
        ),
        ("Bad_Name", 'title = "K"\nhosts = ["k.localhost"]\n', None, "invalid site name"),
    ],
)
def test_bad_files_are_refused_with_file_key_and_reason(
    tmp_path: Path, name: str, text: str, key: str | None, reason: str
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(SiteConfigError) as info:
        read_site_config(path)
    error = info.value
    assert error.source == str(path)
    assert error.key == key
    assert reason in error.reason
    assert str(path) in str(error)


def test_write_is_atomic_and_round_trips(tmp_path: Path) -> None:
    site = SiteConfig(name="kia", title="K", hosts=("kia.localhost",), modules=("wiki",))
    path = write_site_config(tmp_path, site)
    assert read_site_config(path) == site
    assert [p.name for p in tmp_path.iterdir()] == ["kia.toml"]  # no temporary file left


def test_a_module_that_is_not_installed_is_kept_but_a_new_site_refuses_it(tmp_path: Path) -> None:
    """An existing file may name a module that is gone (it is then unavailable, not an
    error: see test_plugin_containment); a new site or an import may not."""
    text = 'title = "K"\nhosts = ["k.localhost"]\nmodules = ["wiki", "polls"]\n'
    assert read_site_config(write(tmp_path, "kia", text)).modules == ("wiki", "polls")
    data = {"title": "K", "hosts": ["k.localhost"], "modules": ["wiki", "polls"]}
    with pytest.raises(SiteConfigError, match="unknown module 'polls'"):
        build_site_config("kia", data, "new site", MODULES)
