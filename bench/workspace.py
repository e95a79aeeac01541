"""The workspace: a large file up and down through the web and WebDAV, a folder as a ZIP,
and a folder of 10,000 files.

    .venv/bin/python bench/workspace.py [--file-mb 500] [--zip-files 1000]
                                        [--list-files 10000] [--duration 10s] [--rounds 2]
    .venv/bin/python bench/workspace.py --only listing      (or: web, dav, zip)

One deelsite with the four modules. Before the server starts, a member (made with the
``pleio`` command, as ``signedin.py`` does, and made the site's editor) gets, in the
workspace: a folder "Uploads", a folder "Duizend" of ``--zip-files`` text files of
``--zip-file-kb`` KB each, and a folder "Tienduizend" of ``--list-files`` files of 1 KB
(the model's classes and ``ContentAdded``, as the other benchmarks fill their sites).
Then, against one waitress server (bench/serve.py, 4 threads):

* web: the member signs in over HTTP; ``--file-mb`` MB of random bytes go up as one
  multipart POST to ``Uploads/@@upload`` (field ``files``, with the page's CSRF token),
  then come down from the file's ``@@download`` (checked by SHA-256), and once more as
  the folder's ``@@zip`` (the one large member deflated as it is sent).
* dav: an app password is made on the account page, as its holder would; the same bytes
  go up by ``PUT`` and come down by ``GET`` under ``/dav/`` with ``Authorization: Basic``.
  Where the server has no WebDAV yet (``/dav/`` answers 404) this part says so and is
  skipped.
* zip: ``Duizend/@@zip``, ``--rounds`` + 1 times (the first checked with ``zipfile``).
* listing: wrk (one thread, 8 connections) on the folder of 10,000 files — its first page
  by name, a page deep in it, the first page by size (every item looked at) — interleaved
  with a bare Pyramid hello world in its own server, as ratios to it.

For each transfer: MB/s (wall time of the whole request, first byte sent to last byte
read) and the server's resident memory (VmRSS sampled every 10 ms, and VmHWM after
resetting it through ``/proc/PID/clear_refs`` where that is allowed) above what it held
just before. Prints the figures and writes them to bench/results/workspace.json.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from load import run_wrk
from procinfo import memory_kb
from servers import Server, warm_up
from signedin import EMAIL, Browser, create_member, form_inputs, sign_in
from sites import BENCH_HOST, write_ini, write_site

HERE = Path(__file__).resolve().parent
UPLOADS, ZIPPED, LISTED = "Uploads", "Duizend", "Tienduizend"
CHUNK = 1 << 20
FILL_BATCH = 1000  # files per transaction while filling
WORDS = "overheid samenwerken informatie archief beleid burger gemeente project".split()


# -- the site -------------------------------------------------------------------------------


def fill(root: Path, site: str, zip_files: int, zip_file_kb: int, list_files: int) -> dict:
    """The member's id and the three folders; what was made."""
    from pleio_workspace.files.model import File, Version, WorkspaceFolder

    from pleio_core.cli.context import load_platform
    from pleio_core.content import ContentAdded
    from pleio_core.content.files import store_file
    from pleio_core.security.store import accounts_of

    platform = load_platform(str(write_ini(root)))
    registry = platform.registry

    def who(platform_root) -> tuple[str, str]:
        account = accounts_of(platform_root).by_email(EMAIL)
        return account.id, account.name

    owner, owner_name = platform.read_platform(who)

    def make_folders(site_root) -> None:
        workspace = site_root["workspace"]
        for name in (UPLOADS, ZIPPED, LISTED):
            folder = WorkspaceFolder(name, owner=owner)
            folder.access = "members"
            workspace.add(name, folder)
            registry.notify(ContentAdded(folder))

    platform.edit_site(platform.sites.get(site), make_folders)

    def add_files(folder_name: str, count: int, size: int) -> None:
        for start in range(0, count, FILL_BATCH):

            def add(site_root, start=start) -> None:
                folder = site_root["workspace"][folder_name]
                for n in range(start, min(start + FILL_BATCH, count)):
                    text = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(size // 8 + 1))
                    data = f"Bestand {n}\n{text}".encode()[:size]
                    name = f"bestand-{n:05d}.txt"
                    file = File(name, owner=owner)
                    file.access = "members"
                    stored = store_file(_Bytes(data), name, "text/plain")
                    file.add_version(Version(1, stored, owner, owner_name, ""))
                    folder.add(name, file)
                    registry.notify(ContentAdded(file))

            platform.edit_site(platform.sites.get(site), add)

    add_files(ZIPPED, zip_files, zip_file_kb * 1024)
    add_files(LISTED, list_files, 1024)
    return {ZIPPED: zip_files, LISTED: list_files, "zip_file_bytes": zip_file_kb * 1024}


class _Bytes:
    """A readable of ``data`` (``store_file`` reads a stream)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data


def grant_editor(root: Path, site: str) -> None:
    """The member may add files and folders anywhere in the site (``pleio user grant``)."""
    pleio = str(Path(sys.executable).with_name("pleio"))
    done = subprocess.run(
        [pleio, "-c", str(write_ini(root)), "user", "grant", EMAIL, site, "editor"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pleio user grant failed: {done.stderr.strip()}")


# -- memory while a request runs ------------------------------------------------------------


class MemoryWatch:
    """The server's VmRSS sampled while a request runs; and its VmHWM, reset first where
    the kernel lets this process (``clear_refs``: the same user, or root)."""

    def __init__(self, pid: int, every: float = 0.01) -> None:
        self.pid, self.every = pid, every
        self.before = memory_kb(pid)["VmRSS"]
        self.peak = self.before
        self.hwm_reset = _reset_hwm(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, memory_kb(self.pid)["VmRSS"])
            self._stop.wait(self.every)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        now = memory_kb(self.pid)
        self.peak = max(self.peak, now["VmRSS"])
        self.after = now["VmRSS"]
        self.hwm = now["VmHWM"]

    def figures(self) -> dict:
        found = {
            "rss_before_kb": self.before,
            "rss_peak_sampled_kb": self.peak,
            "rss_after_kb": self.after,
            "growth_mb": (self.peak - self.before) / 1024,
        }
        if self.hwm_reset:
            found["hwm_kb"] = self.hwm
            found["growth_hwm_mb"] = (self.hwm - self.before) / 1024
        return found


def _reset_hwm(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# -- transfers ------------------------------------------------------------------------------


def random_block() -> bytes:
    return os.urandom(CHUNK)


def body_digest(block: bytes, megabytes: int) -> str:
    digest = hashlib.sha256()
    for _ in range(megabytes):
        digest.update(block)
    return digest.hexdigest()


def send(
    server: Server,
    method: str,
    path: str,
    headers: dict[str, str],
    pieces: Callable[[], Iterator[bytes]],
    length: int,
) -> tuple[int, dict[str, str], bytes, float]:
    """One request whose body is streamed from ``pieces``; status, headers, body, seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        started = time.perf_counter()
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in {**headers, "Content-Length": str(length)}.items():
            conn.putheader(name, value)
        conn.endheaders()
        for piece in pieces():
            conn.send(piece)
        response = conn.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
        return response.status, dict(response.getheaders()), body, seconds
    finally:
        conn.close()


def receive(server: Server, path: str, headers: dict[str, str]) -> dict:
    """One GET read in pieces: status, bytes, SHA-256, seconds (the body is never held)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        digest, size = hashlib.sha256(), 0
        while piece := response.read(CHUNK):
            digest.update(piece)
            size += len(piece)
        seconds = time.perf_counter() - started
        return {
            "status": response.status,
            "bytes": size,
            "sha256": digest.hexdigest(),
            "seconds": seconds,
            "headers": dict(response.getheaders()),
        }
    finally:
        conn.close()


def rate(size: int, seconds: float) -> float:
    return size / (1 << 20) / seconds if seconds else 0.0


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def measure_web(server: Server, browser: Browser, megabytes: int, block: bytes) -> dict:
    """A ``megabytes`` MB file up through ``Uploads/@@upload`` and down again."""
    folder = f"/workspace/{UPLOADS}/"
    page = browser.request("GET", f"http://{BENCH_HOST}{folder}")
    if page.status != 200:
        raise RuntimeError(f"{folder} answered {page.status}")
    token = csrf_token(page.body)
    name = "groot-bestand.bin"
    boundary = "pleio-bench-" + os.urandom(8).hex()
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = megabytes * CHUNK

    def pieces() -> Iterator[bytes]:
        yield head
        for _ in range(megabytes):
            yield block
        yield tail

    headers = {
        "Host": BENCH_HOST,
        "Cookie": browser.cookie_header(BENCH_HOST),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    with MemoryWatch(server.process.pid) as up_memory:
        status, _seen, body, seconds = send(
            server, "POST", f"{folder}@@upload", headers, pieces, len(head) + size + len(tail)
        )
    if status != 303:
        raise RuntimeError(f"the upload answered {status}: {body[:2000]!r}")
    upload = {"status": status, "seconds": seconds, "mb_per_s": rate(size, seconds),
              "memory": up_memory.figures()}  # fmt: skip
    cookie = {"Host": BENCH_HOST, "Cookie": browser.cookie_header(BENCH_HOST)}
    with MemoryWatch(server.process.pid) as down_memory:
        got = receive(server, f"{folder}{quote(name)}/@@download", cookie)
    download = {
        "status": got["status"],
        "seconds": got["seconds"],
        "mb_per_s": rate(got["bytes"], got["seconds"]),
        "same_bytes": got["sha256"] == body_digest(block, megabytes) and got["bytes"] == size,
        "content_disposition": got["headers"].get("Content-Disposition", ""),
        "memory": down_memory.figures(),
    }
    # the folder that holds it as a ZIP: the large member is deflated as it is sent
    with MemoryWatch(server.process.pid) as zip_memory:
        zipped = receive(server, f"{folder}@@zip", cookie)
    as_zip = {
        "status": zipped["status"],
        "seconds": zipped["seconds"],
        "mb_per_s": rate(size, zipped["seconds"]),
        "archive_bytes": zipped["bytes"],
        "memory": zip_memory.figures(),
    }
    return {"megabytes": megabytes, "upload": upload, "download": download, "zip": as_zip}


def make_app_password(browser: Browser, site: str) -> str:
    """An app password for ``site``, made on the account page as its holder would."""
    page = browser.request("GET", "http://localhost/account")
    fields = form_inputs(page.body, "app-password-form")
    if page.status != 200 or "csrf_token" not in fields:
        raise LookupError("the account page has no app password form")
    fields.update(app_password_name="bench", app_password_site=site)
    made = browser.request("POST", "http://localhost/account-app-password", fields)
    match = re.search(r'id="new-app-password">([^<]+)<', made.body)
    if made.status != 200 or not match:
        raise RuntimeError(f"making an app password answered {made.status}")
    return match.group(1).strip()


def measure_dav(
    server: Server, browser: Browser, megabytes: int, block: bytes, prefix: str
) -> dict:
    """The same bytes up by PUT and down by GET under ``prefix`` (``/dav/``)."""
    try:
        password = make_app_password(browser, "bench")
    except LookupError as missing:
        return {"skipped": f"no app passwords on this server yet: {missing}"}
    basic = base64.b64encode(f"{EMAIL}:{password}".encode()).decode()
    auth = {"Host": BENCH_HOST, "Authorization": f"Basic {basic}"}
    conn = server.connection()
    try:
        conn.request("PROPFIND", prefix, headers={**auth, "Depth": "0"})
        answer = conn.getresponse()
        answer.read()
    finally:
        conn.close()
    if answer.status not in (200, 207):
        return {"skipped": f"PROPFIND {prefix} answered {answer.status}: no WebDAV here yet"}
    path = f"{prefix}{UPLOADS}/dav-bestand.bin"
    size = megabytes * CHUNK

    def pieces() -> Iterator[bytes]:
        for _ in range(megabytes):
            yield block

    headers = {**auth, "Content-Type": "application/octet-stream"}
    with MemoryWatch(server.process.pid) as up_memory:
        status, _seen, body, seconds = send(server, "PUT", path, headers, pieces, size)
    if status not in (201, 204):
        raise RuntimeError(f"PUT {path} answered {status}: {body[:2000]!r}")
    with MemoryWatch(server.process.pid) as down_memory:
        got = receive(server, path, auth)
    return {
        "megabytes": megabytes,
        "path": path,
        "upload": {
            "status": status,
            "seconds": seconds,
            "mb_per_s": rate(size, seconds),
            "memory": up_memory.figures(),
        },
        "download": {
            "status": got["status"],
            "seconds": got["seconds"],
            "mb_per_s": rate(got["bytes"], got["seconds"]),
            "same_bytes": got["sha256"] == body_digest(block, megabytes) and got["bytes"] == size,
            "memory": down_memory.figures(),
        },
    }


def measure_zip(
    server: Server, cookie: dict[str, str], tmp: Path, files: int, file_bytes: int, rounds: int
) -> dict:
    """``Duizend/@@zip`` ``rounds`` + 1 times; the first one's archive checked."""
    path = f"/workspace/{ZIPPED}/@@zip"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        conn.request("GET", path, headers=cookie)
        response = conn.getresponse()
        archive = tmp / "duizend.zip"
        with archive.open("wb") as out:
            while piece := response.read(CHUNK):
                out.write(piece)
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    finally:
        conn.close()
    with zipfile.ZipFile(archive) as z:
        names = [i.filename for i in z.infolist() if not i.is_dir()]
        broken = z.testzip()
    runs = []
    for _ in range(rounds):
        with MemoryWatch(server.process.pid) as memory:
            got = receive(server, path, cookie)
        runs.append({"seconds": got["seconds"], "bytes": got["bytes"],
                     "memory": memory.figures()})  # fmt: skip
    seconds = statistics.median(r["seconds"] for r in runs)
    return {
        "files": files,
        "files_in_archive": len(names),
        "archive_ok": broken is None,
        "archive_bytes": archive.stat().st_size,
        "median_s": seconds,
        "files_per_s": files / seconds,
        "archive_mb_per_s": rate(runs[0]["bytes"], seconds),
        "content_mb_per_s": rate(files * file_bytes, seconds),
        "growth_mb_max": max(r["memory"]["growth_mb"] for r in runs),
        "runs": runs,
    }


def measure_listing(
    servers: dict[str, Server], cookie: dict[str, str], files: int, duration: str, rounds: int
) -> dict:
    folder = f"/workspace/{LISTED}/"
    last_page = max(1, (files + 49) // 50)
    targets = {
        "hello": ("hello", None, "/", None),
        "listing_first_page": ("pleio", BENCH_HOST, folder, cookie),
        "listing_deep_page": ("pleio", BENCH_HOST, f"{folder}?page={last_page // 2}", cookie),
        "listing_by_size": ("pleio", BENCH_HOST, f"{folder}?sort=size&order=asc&page=1", cookie),
    }
    for server, host, path, headers in targets.values():
        warm_up(servers[server], path, host or "127.0.0.1", requests=20, headers=headers)
    runs: dict[str, list[float]] = {key: [] for key in targets}
    for _ in range(rounds):
        for key, (server, host, path, headers) in targets.items():
            url = servers[server].url + path
            extra = {k: v for k, v in (headers or {}).items() if k != "Host"}
            runs[key].append(run_wrk(url, host, duration, extra)["requests_per_s"])
    hello = statistics.median(runs["hello"])
    return {
        "requests_per_s": {key: statistics.median(v) for key, v in runs.items()},
        "ratio_to_hello": {key: statistics.median(v) / hello for key, v in runs.items()},
        "runs": runs,
    }


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def environment() -> dict:
    """What the figures depend on besides the code: the machine's CPUs and how busy it
    was (other work on the machine slows every transfer here)."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, text=True,
                            capture_output=True).stdout.strip()  # fmt: skip
    return {"cpus": os.cpu_count(), "loadavg_before": loadavg(), "git_commit": commit}


# -- the run --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file-mb", type=int, default=500)
    parser.add_argument("--zip-files", type=int, default=1000)
    parser.add_argument("--zip-file-kb", type=int, default=20)
    parser.add_argument("--list-files", type=int, default=10_000)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dav-prefix", default="/dav/")
    parser.add_argument("--only", choices=("web", "dav", "zip", "listing"))
    parser.add_argument("--output", type=Path, default=HERE / "results" / "workspace.json")
    args = parser.parse_args()
    parts = {args.only} if args.only else {"web", "dav", "zip", "listing"}
    tmp = Path(tempfile.mkdtemp(prefix="pleio-workspace-bench-"))
    root = tmp / "pleio"
    results: dict = {"command": " ".join(["bench/workspace.py", *sys.argv[1:]]),
                     "environment": environment()}  # fmt: skip
    try:
        write_site(root, "bench", BENCH_HOST)
        create_member(root, "bench")
        grant_editor(root, "bench")
        started = time.perf_counter()
        zip_files = args.zip_files if "zip" in parts else 0
        list_files = args.list_files if "listing" in parts else 0
        results["made"] = fill(root, "bench", zip_files, args.zip_file_kb, list_files)
        results["fill_s"] = time.perf_counter() - started
        servers = {"pleio": Server("pleio", tmp / "pleio.log", root=root,
                                   settings={"pleio.max_upload_size": "2 GB"})}  # fmt: skip
        try:
            servers["hello"] = Server("hello", tmp / "hello.log")
            browser = sign_in(servers["pleio"], BENCH_HOST).browser
            page = browser.request("GET", f"http://{BENCH_HOST}/workspace/{UPLOADS}/")
            if page.status != 200:
                raise RuntimeError(f"the member's first workspace page answered {page.status}")
            cookie = {"Host": BENCH_HOST, "Cookie": browser.cookie_header(BENCH_HOST)}
            results["server_rss_kb_start"] = servers["pleio"].memory_kb()
            block = random_block()
            if "web" in parts:
                print(f"web: {args.file_mb} MB up and down ...", flush=True)
                results["web"] = measure_web(servers["pleio"], browser, args.file_mb, block)
            if "dav" in parts:
                print(f"dav: {args.file_mb} MB up and down ...", flush=True)
                results["dav"] = measure_dav(
                    servers["pleio"], browser, args.file_mb, block, args.dav_prefix
                )
            if "zip" in parts:
                print(f"zip: {args.zip_files} files ...", flush=True)
                results["zip"] = measure_zip(
                    servers["pleio"], cookie, tmp, args.zip_files, args.zip_file_kb * 1024,
                    args.rounds + 1,
                )  # fmt: skip
            if "listing" in parts:
                print(f"listing: {args.list_files} files, wrk -d{args.duration} ...", flush=True)
                results["listing"] = measure_listing(
                    servers, cookie, args.list_files, args.duration, args.rounds
                )
            results["server_rss_kb_end"] = servers["pleio"].memory_kb()
            browser.close()
        finally:
            for server in servers.values():
                server.stop()
    except Exception:
        print(f"failed; the server's log is in {tmp}", file=sys.stderr)
        raise
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    results["environment"]["loadavg_after"] = loadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    report(results)


def report(results: dict) -> None:
    for part in ("web", "dav"):
        found = results.get(part)
        if not found:
            continue
        if "skipped" in found:
            print(f"{part:4} skipped: {found['skipped']}")
            continue
        for way in ("upload", "download", "zip"):
            if way not in found:
                continue
            figures = found[way]
            memory = figures["memory"]
            growth = memory.get("growth_hwm_mb", memory["growth_mb"])
            print(f"{part:4} {way:8} {found['megabytes']} MB: {figures['mb_per_s']:7.1f} MB/s,"
                  f" server RSS +{growth:.1f} MB")  # fmt: skip
    if "zip" in results:
        z = results["zip"]
        print(f"zip  {z['files_in_archive']} files: {z['median_s']:.2f} s"
              f" ({z['files_per_s']:.0f} files/s, {z['content_mb_per_s']:.0f} MB/s of files),"
              f" RSS +{z['growth_mb_max']:.1f} MB")  # fmt: skip
    if "listing" in results:
        for key, ratio in results["listing"]["ratio_to_hello"].items():
            rps = results["listing"]["requests_per_s"][key]
            print(f"{key:22} {rps:9.0f} req/s  {ratio:5.3f} x hello")


if __name__ == "__main__":
    main()
