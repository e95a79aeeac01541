"""The SiteRegistry: start-up refuses bad files; a running registry keeps the last good one."""

import logging
import os
from pathlib import Path

import pytest

from pleio_core.sites import SiteConfigError, SiteRegistry


def write(directory: Path, name: str, title: str, hosts: str, modules: str = "") -> Path:
    path = directory / f"{name}.toml"
    path.write_text(f'title = "{title}"\nhosts = [{hosts}]\nmodules = [{modules}]\n')
    # make every write visible to the mtime check, even within one clock tick
    stamp = path.stat().st_mtime_ns + 10_000_000
    os.utime(path, ns=(stamp, stamp))
    return path


@pytest.fixture
def registry(tmp_path: Path) -> SiteRegistry:
    write(tmp_path, "one", "One", '"one.localhost"')
    reg = SiteRegistry(tmp_path, {"wiki"}, check_interval=0)
    reg.load()
    return reg


def test_host_lookup(registry: SiteRegistry) -> None:
    assert registry.site_for_host("one.localhost").name == "one"
    assert registry.site_for_host("two.localhost") is None
    assert registry.host_owner("ONE.localhost:8080") == "one"


def test_a_host_claimed_twice_stops_start_up(tmp_path: Path) -> None:
    write(tmp_path, "one", "One", '"shared.localhost"')
    write(tmp_path, "two", "Two", '"shared.localhost"')
    with pytest.raises(SiteConfigError, match="already claimed by site 'one'") as info:
        SiteRegistry(tmp_path, set()).load()
    assert info.value.source.endswith("two.toml") and info.value.key == "hosts"


def test_the_platform_host_cannot_be_claimed(tmp_path: Path) -> None:
    write(tmp_path, "one", "One", '"localhost"')
    with pytest.raises(SiteConfigError, match="platform host"):
        SiteRegistry(tmp_path, set()).load()


def test_new_changed_and_removed_files_are_picked_up(
    registry: SiteRegistry, tmp_path: Path
) -> None:
    version = registry.version
    write(tmp_path, "two", "Two", '"two.localhost"', '"wiki"')
    write(tmp_path, "one", "One renamed", '"one.localhost"')
    assert registry.refresh()
    assert registry.site_for_host("two.localhost").modules == ("wiki",)
    assert registry.get("one").title == "One renamed"
    (tmp_path / "two.toml").unlink()
    assert registry.refresh()
    assert registry.get("two") is None and registry.site_for_host("two.localhost") is None
    assert registry.version == version + 2
    assert not registry.refresh()  # nothing changed


def test_a_bad_change_keeps_the_last_good_config(
    registry: SiteRegistry, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "one.toml").write_text("title = [broken")
    with caplog.at_level(logging.ERROR):
        registry.refresh()
    assert registry.get("one").title == "One"
    assert "one.toml" in caplog.text and "malformed TOML" in caplog.text


def test_a_new_file_stealing_a_host_is_ignored(registry: SiteRegistry, tmp_path: Path) -> None:
    write(tmp_path, "thief", "Thief", '"one.localhost"')
    registry.refresh()
    assert registry.get("thief") is None
    assert registry.site_for_host("one.localhost").name == "one"


def test_refresh_is_throttled(tmp_path: Path) -> None:
    write(tmp_path, "one", "One", '"one.localhost"')
    reg = SiteRegistry(tmp_path, set(), check_interval=60)
    reg.load()
    write(tmp_path, "two", "Two", '"two.localhost"')
    assert not reg.refresh()
    assert reg.refresh(force=True)
