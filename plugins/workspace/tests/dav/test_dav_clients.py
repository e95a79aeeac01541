"""WebDAV with real clients over real HTTP: rclone and cadaver against a LiveServer."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

RCLONE = "/usr/bin/rclone"
CADAVER = "/usr/bin/cadaver"


def need(program: str) -> str:
    if not Path(program).exists():
        pytest.fail(f"{program} is missing: apt-get install {Path(program).name}")
    return program


def rclone(config: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [need(RCLONE), "--config", str(config), "--low-level-retries", "1", "--retries", "1",
         *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if check and done.returncode != 0:
        pytest.fail(f"rclone {' '.join(args)}: {done.returncode}\n{done.stderr[-3000:]}")
    return done


def rclone_config(tmp_path: Path, url: str, user: str, password: str) -> Path:
    obscured = subprocess.run(
        [need(RCLONE), "obscure", password], capture_output=True, text=True, check=True
    ).stdout.strip()
    config = tmp_path / "rclone.conf"
    config.write_text(
        f"[pleio]\ntype = webdav\nurl = {url}\nvendor = other\nuser = {user}\npass = {obscured}\n"
    )
    return config


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` by its path, with its SHA-256."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def make_tree(root: Path) -> None:
    (root / "Verslagen 2026" / "Één map" / "diep").mkdir(parents=True)
    (root / "leeg").mkdir()
    (root / "notities.txt").write_text("Hallo werkruimte\n")
    (root / "Verslagen 2026" / "café \u2013 overzicht.txt").write_text("Ünïcödé ✓\n" * 100)
    (root / "Verslagen 2026" / "Één map" / "日本語.bin").write_bytes(os.urandom(300_000))
    (root / "Verslagen 2026" / "Één map" / "diep" / "plaatje.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + os.urandom(5000)
    )
    (root / "Verslagen 2026" / "Één map" / "diep" / "groot.dat").write_bytes(
        os.urandom(3 * 1024 * 1024 + 17)
    )


def test_an_rclone_round_trip_keeps_every_byte_and_name(world, live_server_factory, tmp_path):
    server = live_server_factory(world.app)
    url = server.url(world.loopback, "/dav/")
    config = rclone_config(tmp_path, url, "anne@example.nl", world.password("anne"))
    source, back = tmp_path / "in", tmp_path / "out"
    make_tree(source)
    rclone(config, "copy", str(source), "pleio:")
    listed = json.loads(rclone(config, "lsjson", "-R", "pleio:").stdout)
    files = {e["Path"]: e["Size"] for e in listed if not e["IsDir"]}
    folders = {e["Path"] for e in listed if e["IsDir"]}
    assert files == {p: (source / p).stat().st_size for p in tree(source)}
    assert {"Verslagen 2026", "Verslagen 2026/Één map", "Verslagen 2026/Één map/diep"} <= folders
    rclone(config, "copy", "pleio:", str(back))
    assert tree(back) == tree(source)
    # and the web shows what came in: the folders are the workspace's folders
    page = world.client("anne").get("/workspace/Verslagen%202026")
    assert "café \u2013 overzicht.txt" in page.text
    # a second copy changes nothing; a changed file becomes a new version of the same file
    (source / "notities.txt").write_text("Hallo, tweede versie\n")
    rclone(config, "copy", str(source), "pleio:")
    shutil.rmtree(back)
    rclone(config, "copy", "pleio:", str(back))
    assert tree(back) == tree(source)
    with world.committed("/workspace/notities.txt") as file:
        assert [v.number for v in file.versions] == [1, 2]
    # rclone's delete and purge go to the trash
    rclone(config, "purge", "pleio:Verslagen 2026/Één map/diep")
    assert "diep" not in world.names("/workspace/Verslagen 2026/Één map")


def test_rclone_with_a_revoked_or_wrong_password_gets_nothing(world, live_server_factory, tmp_path):
    server = live_server_factory(world.app)
    url = server.url(world.loopback, "/dav/")
    config = rclone_config(tmp_path, url, "anne@example.nl", "pleio_wrong")
    done = rclone(config, "lsjson", "pleio:", check=False)
    assert done.returncode != 0 and "401" in done.stderr


def cadaver(server_url: str, netrc_home: Path, script: str, cwd: Path) -> str:
    done = subprocess.run(
        [need(CADAVER), server_url],
        input=script, capture_output=True, text=True, timeout=60, check=False, cwd=cwd,
        env={**os.environ, "HOME": str(netrc_home)},
    )  # fmt: skip
    return done.stdout + done.stderr


def netrc(home: Path, host: str, login: str, password: str) -> None:
    home.mkdir(exist_ok=True)
    path = home / ".netrc"
    path.write_text(f"machine {host}\nlogin {login}\npassword {password}\n")
    path.chmod(0o600)


def test_cadaver_lists_makes_puts_gets_and_locks(world, live_server_factory, tmp_path):
    server = live_server_factory(world.app)
    url = server.url(world.loopback, "/dav/")
    anne_home, bert_home = tmp_path / "anne", tmp_path / "bert"
    netrc(anne_home, world.loopback, "anne@example.nl", world.password("anne"))
    netrc(bert_home, world.loopback, "bert@example.nl", world.password("bert"))
    (tmp_path / "brief.txt").write_text("Beste collega,\n")
    out = cadaver(
        url,
        anne_home,
        "mkcol Stukken\ncd Stukken\nput brief.txt\nls\nget brief.txt terug.txt\n"
        "lock brief.txt\nquit\n",
        tmp_path,
    )
    assert "brief.txt" in out, out
    assert (tmp_path / "terug.txt").read_text() == "Beste collega,\n"
    # the lock is the file's check-out: the web shows it, and Bert's PUT waits
    with world.committed("/workspace/Stukken/brief.txt") as file:
        lock = file.active_lock()
        assert lock is not None and lock.owner == world.id_of("anne")
    (tmp_path / "brief.txt").write_text("Beste collega's,\n")
    out = cadaver(url, bert_home, "cd Stukken\nput brief.txt\nquit\n", tmp_path)
    assert "423" in out or "Locked" in out, out
    assert world.dav("bert", "PUT", "/dav/Stukken/brief.txt", body=b"x", status=423)
    page = world.client("bert").get("/workspace/Stukken/brief.txt")
    assert "Anne" in page.text
    # Anne's cadaver session holds the token: it writes, then unlocks
    out = cadaver(
        url, anne_home, "cd Stukken\nlock brief.txt\nput brief.txt\nunlock brief.txt\nquit\n",
        tmp_path,
    )  # fmt: skip
    with world.committed("/workspace/Stukken/brief.txt") as file:
        assert file.active_lock() is None and len(file.versions) == 2, out
    world.dav("editor", "PUT", "/dav/Stukken/brief.txt", body=b"Editor was here", status=204)
