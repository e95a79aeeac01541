"""Nothing acknowledged is lost: writes over real HTTP while a ``pserve`` process is killed.

Several client threads write (a blog post through the JSON API, a comment on one, a like,
a file uploaded through the workspace's form) against real ``pserve`` processes; one of
them gets SIGKILL in the middle of the load and is started again. Afterwards every write
that was answered 2xx/3xx is there, and nothing half-exists: every post has its catalog
entry (search finds it by its own word) and is in its folder's listing, every comment is on
its post, every like is counted, every file downloads whole, byte for byte. Writes that got
no answer (the killed process's) may be there or not, but whole if they are.

On PostgreSQL (RelStorage) two processes share the databases and the clients alternate
between them; on FileStorage one process, and ZODB's ``fstest`` and ``fsrefs`` find the
files clean afterwards. Then the conflicts test: 200 likes of one post by 200 accounts, 20
client threads spread over two processes: exactly 200, with the retries counted from the
processes' ``pleio.conflicts`` log lines.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from pleio_core.testing import PleioTestSetup
from pleio_core.testing.processes import ServerProcess

HOST = "kia.localhost"
PLATFORM = "localhost"
WORKERS = 6
PASSWORD = "correct horse battery"


# -- a small browser: cookies per host, any process --------------------------------------------


class FormInputs(HTMLParser):
    """The ``<input>`` names and values of the form with a given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif tag == "input" and self.inside and a.get("name"):
            self.values[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


@dataclass
class Answer:
    status: int  # 0: no answer
    headers: dict[str, str]
    body: bytes
    #: why there was no answer: "refused" (no process on the port), "cut" (the connection
    #: broke or timed out: the process died with the request in flight)
    error: str = ""

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Browser:
    """A browser that talks to any of the processes: the Host header says which site, the
    port which process; cookies are kept per host, as a browser keeps them."""

    cookies: dict[str, dict[str, str]] = field(default_factory=dict)

    def request(
        self,
        process: ServerProcess,
        method: str,
        host: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 20.0,
    ) -> Answer:
        sent = {"Host": host, **(headers or {})}
        jar = self.cookies.setdefault(host, {})
        if jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        conn = http.client.HTTPConnection("127.0.0.1", process.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        except ConnectionRefusedError:
            return Answer(0, {}, b"", "refused")
        except (OSError, http.client.HTTPException):
            return Answer(0, {}, b"", "cut")
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or ():
            pair, _sep, attributes = value.partition(";")
            name, _sep, cookie = pair.strip().partition("=")
            if "max-age=0" in attributes.replace(" ", "").lower():
                jar.pop(name, None)
            else:
                jar[name] = cookie
        return Answer(response.status, dict(response.getheaders()), data)

    def sign_in(self, process: ServerProcess, email: str) -> None:
        """The whole sign-in of a browser: the site's ``@@login``, the platform's form, the
        one-time ticket back on the site (its cookie)."""
        start = self.request(process, "GET", HOST, "/@@login?came_from=/")
        assert start.status == 303, start
        login = urlsplit(start.headers["Location"])
        form_page = self.request(process, "GET", PLATFORM, f"{login.path}?{login.query}")
        parser = FormInputs("login-form")
        parser.feed(form_page.body.decode())
        fields = {**parser.values, "email": email, "password": PASSWORD}
        posted = self.request(
            process,
            "POST",
            PLATFORM,
            "/login",
            urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert posted.status == 303, (posted.status, posted.body[-2000:])
        ticket = urlsplit(posted.headers["Location"])
        assert ticket.netloc == HOST and ticket.path == "/@@sso", ticket
        landed = self.request(process, "GET", HOST, f"{ticket.path}?{ticket.query}")
        assert landed.status == 303 and "pleio_auth" in self.cookies[HOST], landed
        home = self.request(process, "GET", HOST, "/")
        assert home.status == 200 and "pleio_csrf" in self.cookies[HOST], home.status

    @property
    def csrf(self) -> str:
        return self.cookies[HOST]["pleio_csrf"]

    def api(self, process: ServerProcess, method: str, path: str, data: object = None) -> Answer:
        headers = {"X-CSRF-Token": self.csrf}
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        return self.request(process, method, HOST, path, body, headers)

    def upload(self, process: ServerProcess, folder: str, name: str, data: bytes) -> Answer:
        """The workspace's upload form: the CSRF token and one file, multipart."""
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{self.csrf}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(process, "POST", HOST, f"{folder}@@upload", b"".join(parts), headers)


# -- the write load ----------------------------------------------------------------------------


def word(number: int) -> str:
    """A word of letters only, its own for each number (what search finds a post by)."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not number:
            return "dur" + letters


@dataclass
class Written:
    """Every write the clients tried: what was answered 2xx/3xx, and what got no answer
    or a 5xx (tried: it may be there or not, but whole)."""

    posts: dict[str, str] = field(default_factory=dict)  # word → path, answered
    authors: dict[str, int] = field(default_factory=dict)  # word → the writer's number
    tried_posts: set[str] = field(default_factory=set)  # words sent, whatever the answer
    comments: list[tuple[str, int, str]] = field(default_factory=list)  # post path, id, text
    likes: list[tuple[str, str]] = field(default_factory=list)  # post path, who
    files: dict[str, bytes] = field(default_factory=dict)  # name → bytes, answered
    tried_files: dict[str, bytes] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)  # kind → status → n
    lock: threading.Lock = field(default_factory=threading.Lock)

    #: requests whose connection broke: in flight when the process was killed
    cut: int = 0

    def count(self, kind: str, answer: Answer) -> None:
        with self.lock:
            seen = self.statuses.setdefault(kind, {})
            seen[answer.status] = seen.get(answer.status, 0) + 1
            self.cut += answer.error == "cut"
        if answer.error == "refused":
            time.sleep(0.05)  # the process is starting again: do not spin

    def acknowledged(self) -> int:
        return len(self.posts) + len(self.comments) + len(self.likes) + len(self.files)

    def server_errors(self) -> dict[str, dict[int, int]]:
        return {
            kind: {s: n for s, n in seen.items() if s >= 500}
            for kind, seen in self.statuses.items()
            if any(s >= 500 for s in seen)
        }


def ok(answer: Answer) -> bool:
    return 200 <= answer.status < 400


class Writer(threading.Thread):
    """One client: a signed-in browser writing in turn a post, a comment, a like and a file,
    each request to the next process in turn."""

    def __init__(
        self, number: int, browser: Browser, processes: list[ServerProcess], written: Written
    ) -> None:
        super().__init__(name=f"writer-{number}")
        self.number, self.browser, self.processes, self.written = (
            number,
            browser,
            processes,
            written,
        )
        self.stop = threading.Event()
        self.random = random.Random(number)
        self.turn = 0
        self.liked: set[str] = set()
        self.failure: BaseException | None = None

    def process(self) -> ServerProcess:
        self.turn += 1
        return self.processes[(self.turn + self.number) % len(self.processes)]

    def run(self) -> None:
        actions = (self.post, self.comment, self.like, self.upload)
        try:
            step = 0
            while not self.stop.is_set():
                actions[step % len(actions)]()
                step += 1
        except BaseException as exc:  # reported by the test
            self.failure = exc

    def some_post(self) -> str | None:
        with self.written.lock:
            paths = sorted(self.written.posts.values())
        return self.random.choice(paths) if paths else None

    def post(self) -> None:
        own = word(self.number * 100_000 + self.turn)
        with self.written.lock:
            self.written.tried_posts.add(own)
        data = {
            "type": "blog",
            "title": f"Post {own}",
            "body": f"About {own}.",
            "access": "members",
        }
        answer = self.browser.api(self.process(), "POST", "/api/v1/content/intranet", data)
        self.written.count("post", answer)
        if ok(answer):
            with self.written.lock:
                self.written.posts[own] = answer.json()["path"]
                self.written.authors[own] = self.number

    def comment(self) -> None:
        path = self.some_post()
        if path is None:
            return
        text = f"Comment {self.number}.{self.turn} on {path}"
        answer = self.browser.api(
            self.process(), "POST", f"/api/v1/comments/{path}", {"text": text}
        )
        self.written.count("comment", answer)
        if ok(answer):
            with self.written.lock:
                self.written.comments.append((path, answer.json()["id"], text))

    def like(self) -> None:
        path = self.some_post()
        if path is None or path in self.liked:
            return
        answer = self.browser.api(self.process(), "PUT", f"/api/v1/likes/{path}")
        self.written.count("like", answer)
        if ok(answer):
            self.liked.add(path)
            with self.written.lock:
                self.written.likes.append((path, f"writer{self.number}"))

    def upload(self) -> None:
        name = f"file-{self.number}-{self.turn}.bin"
        data = self.random.randbytes(self.random.randrange(10_000, 300_000))
        with self.written.lock:
            self.written.tried_files[name] = data
        answer = self.browser.upload(self.process(), "/workspace/", name, data)
        self.written.count("upload", answer)
        if ok(answer):
            with self.written.lock:
                self.written.files[name] = data


def prepare(setup: PleioTestSetup, workers: int) -> None:
    """The site (intranet and workspace) and the writers' accounts, members of it."""
    setup.write_site("kia", modules=("intranet", "workspace"))
    for n in range(workers):
        setup.create_account(f"writer{n}@example.nl", kia="member")


def signed_in_browsers(processes: list[ServerProcess], workers: int) -> list[Browser]:
    browsers = []
    for n in range(workers):
        browser = Browser()
        browser.sign_in(processes[n % len(processes)], f"writer{n}@example.nl")
        browsers.append(browser)
    return browsers


def write_while_killing(
    processes: list[ServerProcess],
    victim: ServerProcess,
    browsers: list[Browser],
    before: float = 3.0,
    after: float = 4.0,
) -> Written:
    """The writers write; after ``before`` seconds ``victim`` gets SIGKILL and is started
    again at once; the writers go on ``after`` seconds more once it answers."""
    written = Written()
    writers = [Writer(n, b, processes, written) for n, b in enumerate(browsers)]
    for writer in writers:
        writer.start()
    try:
        time.sleep(before)
        acknowledged_before = written.acknowledged()
        victim.kill()
        victim.start()
        time.sleep(after)
    finally:
        for writer in writers:
            writer.stop.set()
        for writer in writers:
            writer.join(60)
    failures = [w.failure for w in writers if w.failure is not None]
    assert not failures, failures
    assert acknowledged_before > 0, "nothing was written before the kill"
    assert written.acknowledged() > acknowledged_before, "nothing was written after the restart"
    assert written.cut > 0, "no request was in flight when the process was killed"
    return written


# -- what is there afterwards ------------------------------------------------------------------


def listing(browser: Browser, process: ServerProcess, folder: str) -> list[dict]:
    items: list[dict] = []
    while True:
        page = browser.api(
            process, "GET", f"/api/v1/children/{folder}?start={len(items)}&limit=100"
        )
        assert page.status == 200, page
        items += page.json()["items"]
        if len(items) >= page.json()["total"]:
            return items


def lost_and_half_written(browser: Browser, process: ServerProcess, written: Written) -> list[str]:
    """Every acknowledged write that is not there, and everything that is only partly
    there, as ``process`` shows them; an empty list when nothing is lost."""
    return [
        *lost_posts(browser, process, written),
        *lost_comments_and_likes(browser, process, written),
        *lost_files(browser, process, written),
    ]


def lost_posts(browser: Browser, process: ServerProcess, written: Written) -> list[str]:
    """Each acknowledged post is listed; each listed one reads whole and is in the catalog
    (search finds it, and only it, by its own word)."""
    problems: list[str] = []
    posts = {
        item["title"].removeprefix("Post "): item["path"]
        for item in listing(browser, process, "intranet")
    }
    for own, path in written.posts.items():
        if posts.get(own) != path:
            problems.append(f"post {own} ({path}) was acknowledged but is not listed")
    for own, path in posts.items():
        if own not in written.tried_posts:
            problems.append(f"post {path} was never written")
        read = browser.api(process, "GET", f"/api/v1/content/{path}")
        if read.status != 200 or read.json()["body"] != f"About {own}.":
            problems.append(f"post {path} is listed but reads {read.status}")
        found = browser.api(process, "GET", f"/api/v1/search?text={own}")
        paths = [item["path"] for item in found.json()["items"]] if found.status == 200 else []
        if paths != [path]:
            problems.append(f"post {path} is not in the catalog: search for {own} finds {paths}")
    return problems


def lost_comments_and_likes(
    browser: Browser, process: ServerProcess, written: Written
) -> list[str]:
    """Each acknowledged comment is on its post, each acknowledged like counted."""
    problems: list[str] = []
    comments: dict[str, dict[int, str]] = {}
    for path, id, text in written.comments:
        if path not in comments:
            got = browser.api(process, "GET", f"/api/v1/comments/{path}")
            comments[path] = (
                {c["id"]: c["text"] for c in got.json()["items"]} if got.status == 200 else {}
            )
        if comments[path].get(id) != text:
            problems.append(f"comment {id} on {path} was acknowledged but is not there")
    for path, who in written.likes:
        count = browser.api(process, "GET", f"/api/v1/likes/{path}")
        if count.status != 200 or count.json()["like_count"] < 1:
            problems.append(f"the like of {path} by {who} was acknowledged but is not counted")
    return problems


def lost_files(browser: Browser, process: ServerProcess, written: Written) -> list[str]:
    """Each acknowledged file is listed and downloads whole; each listed file downloads
    exactly the bytes sent for it."""
    problems: list[str] = []
    files = {item["title"] for item in listing(browser, process, "workspace")}
    for name in sorted(set(written.files) | files):
        got = browser.request(process, "GET", HOST, f"/workspace/{quote(name)}/@@download")
        if name in written.files and got.status != 200:
            problems.append(f"file {name} was acknowledged but downloads {got.status}")
        elif got.status == 200 and got.body != written.tried_files.get(name):
            problems.append(
                f"file {name} downloads {len(got.body)} bytes that are not what was sent"
            )
        if name in written.files and name not in files:
            problems.append(f"file {name} was acknowledged but is not listed")
    return problems


def likes_are_counted_each_once(
    browser: Browser, process: ServerProcess, written: Written
) -> list[str]:
    """Each post's like count is at least the likes acknowledged for it (an unanswered like
    may have counted too) and at most the likes tried."""
    acknowledged: dict[str, int] = {}
    for path, _who in written.likes:
        acknowledged[path] = acknowledged.get(path, 0) + 1
    problems = []
    for path, n in acknowledged.items():
        count = browser.api(process, "GET", f"/api/v1/likes/{path}").json()["like_count"]
        if not n <= count <= WORKERS:
            problems.append(f"{path}: {count} likes, {n} acknowledged")
    return problems


def summary(written: Written) -> str:
    return (
        f"{len(written.posts)} posts, {len(written.comments)} comments, {len(written.likes)} "
        f"likes, {len(written.files)} files acknowledged, {written.cut} cut off by the kill; "
        f"statuses {written.statuses}"
    )


def report(storage: str, written: Written, problems: list[str]) -> None:
    """With ``PLEIO_DURABILITY_REPORT=DIR`` (bench/scale_out.py sets it), the figures of a
    kill test as JSON in DIR, whether it passes or not."""
    where = os.environ.get("PLEIO_DURABILITY_REPORT")
    if not where:
        return
    figures = {
        "storage": storage,
        "acknowledged": {
            "posts": len(written.posts),
            "comments": len(written.comments),
            "likes": len(written.likes),
            "files": len(written.files),
        },
        "acknowledged_total": written.acknowledged(),
        "in_flight_at_the_kill": written.cut,
        "statuses": {
            kind: {str(k): n for k, n in seen.items()} for kind, seen in written.statuses.items()
        },
        "server_errors": sum(n for seen in written.server_errors().values() for n in seen.values()),
        "lost_or_half_written": len(problems),
        "problems": problems,
    }
    name = storage.split(",", maxsplit=1)[0] + ".json"
    Path(where, name).write_text(json.dumps(figures, indent=2) + "\n")


# -- the tests ---------------------------------------------------------------------------------


def on_postgresql(setup: PleioTestSetup, postgres_server, name: str) -> None:
    """Every database in PostgreSQL, files (blobs) too, with a blob cache on this disk that
    the processes share (RelStorage locks it between processes)."""
    cache = setup.root / "blobcache"
    blobs = f"blob_dir={cache}/{{site}}&shared_blob_dir=false"
    setup.settings["pleio.storage_uri"] = postgres_server.uri(f"{name}_{{site}}") + f"?{blobs}"
    setup.settings["pleio.platform_storage_uri"] = (
        postgres_server.uri(f"{name}_platform")
        + f"?blob_dir={cache}/platform&shared_blob_dir=false"
    )


def test_two_processes_on_postgresql_lose_nothing_when_one_is_killed(
    pleio_setup: PleioTestSetup, server_processes, postgres_server
) -> None:
    on_postgresql(pleio_setup, postgres_server, "durable")
    prepare(pleio_setup, WORKERS)
    processes = [server_processes("one"), server_processes("two")]
    browsers = signed_in_browsers(processes, WORKERS)
    written = write_while_killing(processes, processes[1], browsers)
    print(summary(written))
    # each process sees it all, the restarted one too
    problems = [
        p for process in processes for p in lost_and_half_written(browsers[0], process, written)
    ]
    problems += likes_are_counted_each_once(browsers[0], processes[1], written)
    report("postgresql, two processes", written, problems)
    assert not written.server_errors(), written.statuses
    assert problems == []
    for process in processes:
        assert "Traceback" not in process.log_text(), process.log_text()[-3000:]
    # and the check sees a loss: one acknowledged post taken away
    own, path = next(iter(written.posts.items()))
    author = browsers[written.authors[own]]  # (a member may remove only their own post)
    assert author.api(processes[0], "DELETE", f"/api/v1/content/{path}").status == 204
    problems = lost_and_half_written(browsers[0], processes[1], written)
    assert f"post {own} ({path}) was acknowledged but is not listed" in problems


def zodb_script(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", f"ZODB.scripts.{name}", *args], capture_output=True, text=True
    )


def test_one_process_on_filestorage_loses_nothing_and_fstest_is_clean(
    pleio_setup: PleioTestSetup, server_processes
) -> None:
    prepare(pleio_setup, WORKERS)
    process = server_processes("one")
    browsers = signed_in_browsers([process], WORKERS)
    written = write_while_killing([process], process, browsers)
    print(summary(written))
    problems = lost_and_half_written(browsers[0], process, written)
    problems += likes_are_counted_each_once(browsers[0], process, written)
    report("filestorage, one process", written, problems)
    assert not written.server_errors(), written.statuses
    assert problems == []
    # (waitress on its own dies of SIGTERM at once; with a graceful shutdown it exits 0)
    assert process.stop() in (0, -signal.SIGTERM)
    files = sorted((pleio_setup.root / "var").glob("**/Data.fs"))
    assert len(files) == 2, files  # the platform's and the site's
    for data_fs in files:
        checked = zodb_script("fstest", str(data_fs))
        assert checked.returncode == 0, (data_fs, checked.stdout, checked.stderr)
        refs = zodb_script("fsrefs", str(data_fs))
        assert refs.returncode == 0 and not refs.stdout.strip(), (data_fs, refs.stdout, refs.stderr)


def test_an_abort_does_not_take_the_blob_of_the_transaction_being_committed(tmp_path) -> None:
    """What lost acknowledged uploads on FileStorage: zodburi's ``BlobStorage`` wrapper
    removed, on any ``tpc_abort``, the blob files of the transaction the storage was
    committing. A request's abort after a conflict comes just after the FileStorage has let
    the next transaction in, so that one's upload was acknowledged without its bytes."""
    from ZODB.Connection import TransactionMetaData
    from ZODB.utils import z64

    from pleio_core.storage.databases import open_database

    uri = f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"
    db = open_database(uri, "blobs")
    try:
        storage = db.storage
        committing = TransactionMetaData()
        storage.tpc_begin(committing)
        oid = storage.new_oid()
        upload = Path(storage.temporaryDirectory()) / "upload"
        upload.write_bytes(b"the bytes")
        storage.storeBlob(oid, z64, b"(a pickle)", str(upload), "", committing)
        storage.tpc_abort(TransactionMetaData())  # the one it was committing a moment ago
        storage.tpc_vote(committing)
        tid = storage.tpc_finish(committing)
        assert Path(storage.loadBlob(oid, tid)).read_bytes() == b"the bytes"
    finally:
        db.close()


def test_two_texts_with_new_words_are_indexed_at_once_without_a_conflict(tmp_path) -> None:
    """What refused an upload with a 500 after 20 attempts on PostgreSQL: two writes at
    once, each with a word the site had not seen (and one it had seen in a few texts),
    conflicted in hypatia's text index on every attempt (see pleio_core/catalog/textindex.py).
    """
    import transaction
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    from pleio_core.catalog.model import make_indexes

    @dataclass
    class Text:
        text: str

    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        with db.transaction() as conn:
            conn.root()["catalog"] = make_indexes()
            conn.root()["catalog"]["text"].index_doc(1, Text("verslag van het overleg"))
        first, second = transaction.TransactionManager(), transaction.TransactionManager()
        one, two = db.open(first), db.open(second)
        one.root()["catalog"]["text"].index_doc(2, Text("verslag file-3-17.bin"))
        two.root()["catalog"]["text"].index_doc(3, Text("verslag Aardvark Zebra"))
        first.commit()
        second.commit()  # merged, not a ConflictError
        one.close()
        two.close()
        with db.transaction() as conn:
            index = conn.root()["catalog"]["text"]
            assert sorted(index.apply("verslag")) == [1, 2, 3]
            assert list(index.apply("zebra")) == [3] and list(index.apply("bin")) == [2]
    finally:
        db.close()


# -- 200 likes at once -------------------------------------------------------------------------

LIKERS = 200
LIKE_CLIENTS = 20
RETRIED = re.compile(
    r"\[pleio\.conflicts\] retry \d+/\d+ of PUT /api/v1/likes/\S+ "
    r"after (\w+)(?: on oid \S+ class (\S+))?"
)


def retried(log: str) -> list[str]:
    """The retried likes in a process's log: each one's cause (the error, and the class of
    the object that conflicted when the log names it)."""
    return [
        f"{m.group(1)} {m.group(2)}" if m.group(2) not in (None, "?") else m.group(1)
        for m in RETRIED.finditer(log)
    ]


def make_likers(setup: PleioTestSetup, count: int) -> list[str]:
    """``count`` accounts, members of kia, each with an API token for it (made as the
    account page makes them, ``ApiTokens.issue``), in one transaction per database, before
    the processes start; the tokens. (The ``pleio user`` command would take a minute.)"""
    from pleio_core.cli.context import load_platform
    from pleio_core.security.api_tokens import api_tokens_of
    from pleio_core.security.membership import site_members
    from pleio_core.security.store import accounts_of

    platform = load_platform(str(setup.ini_file()))

    def accounts(platform_root) -> list[tuple[str, str]]:
        made = []
        for n in range(count):
            account = accounts_of(platform_root, create=True).add(
                f"liker{n}@example.nl", f"Liker {n}"
            )
            account.email_verified = True
            token, _record = api_tokens_of(platform_root).issue(account.id, "kia", "likes")
            made.append((account.id, token))
        return made

    made = platform.edit_platform(accounts)

    def members(site_root) -> None:
        for account_id, _token in made:
            site_members(site_root, create=True).set_role(account_id, "member")

    platform.edit_site(platform.sites.get("kia"), members)
    return [token for _id, token in made]


def test_200_likes_from_20_clients_on_two_processes_are_200(
    pleio_setup: PleioTestSetup, server_processes, postgres_server
) -> None:
    on_postgresql(pleio_setup, postgres_server, "likes")
    prepare(pleio_setup, 1)
    tokens = make_likers(pleio_setup, LIKERS)
    processes = [server_processes("one", threads=8), server_processes("two", threads=8)]
    author = Browser()
    author.sign_in(processes[0], "writer0@example.nl")
    made = author.api(
        processes[0], "POST", "/api/v1/content/intranet",
        {"type": "blog", "title": "Like me", "access": "members"},
    )  # fmt: skip
    assert made.status == 201, made
    path = made.json()["path"]

    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(LIKE_CLIENTS)

    def client(number: int) -> None:
        browser = Browser()
        start.wait()
        for token in tokens[number::LIKE_CLIENTS]:
            process = processes[len(statuses) % 2]
            answer = browser.request(
                process, "PUT", HOST, f"/api/v1/likes/{path}",
                headers={"Authorization": f"Bearer {token}"}, timeout=60,
            )  # fmt: skip
            with lock:
                statuses.append(answer.status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(LIKE_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses.count(200) == LIKERS, sorted(set(statuses))
    for process in processes:
        count = author.api(process, "GET", f"/api/v1/likes/{path}").json()["like_count"]
        assert count == LIKERS, (process.port, count)
    retries = [retried(process.log_text()) for process in processes]
    causes: dict[str, int] = {}
    for found in retries:
        for cause in found:
            causes[cause] = causes.get(cause, 0) + 1
    print(
        f"{LIKERS} likes from {LIKE_CLIENTS} clients on two processes: "
        f"{sum(map(len, retries))} retries ({[len(r) for r in retries]} per process): {causes}"
    )
    assert "Traceback" not in processes[0].log_text() + processes[1].log_text()
