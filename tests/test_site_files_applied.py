"""A site file's change is applied once, in a transaction of its own; a GET writes nothing.

Issue 13.5: every request ran ``apply_site_config`` in its own transaction, so the first
anonymous GET after a site file changed enabled modules, ran plugin hooks and wrote the
audit log — and requests raced to do it. Now ``sites.lifecycle.prepare_site`` applies it
before the request opens the database; the request only reads.
"""

from __future__ import annotations

import threading

from pleio_core.content.site import ROOT_KEY
from pleio_core.layout import compile_templates
from pleio_core.services import SITE_DATABASES
from pleio_core.sites.audit import audit_log
from pleio_core.testing import PleioTestSetup

HOST = "alpha.localhost"
NO_CACHE = {"pleio.page_cache": "false"}  # every GET reaches the site's database


def transactions_since(app, tid: bytes) -> list[str]:
    """The descriptions of the site database's transactions after ``tid``."""
    storage = SITE_DATABASES(app.registry).get("alpha").storage
    return [t.description.decode() for t in storage.iterator(start=tid) if t.tid > tid]


def last_tid(app) -> bytes:
    return SITE_DATABASES(app.registry).get("alpha").storage.lastTransaction()


def test_gets_write_nothing_to_the_site_database(pleio_setup: PleioTestSetup) -> None:
    pleio_setup.write_site("alpha", modules=("wiki",), access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", alpha="member")
    app = pleio_setup.make_app(**NO_CACHE)
    anonymous = pleio_setup.client(app, host=HOST)
    anonymous.get("/")  # the first request makes the database (in its own transaction)
    anne = pleio_setup.signed_in(app, "anne@example.nl", HOST)  # (a sign-in is audited)
    before = last_tid(app)
    for client in (anonymous, anne):
        for path in ("/", "/wiki/", "/@@search?text=x", "/nowhere"):
            client.get(path, expect_errors=True)
    assert transactions_since(app, before) == []


def test_a_changed_file_is_applied_once_however_many_requests_see_it(
    clock, pleio_setup: PleioTestSetup
) -> None:
    pleio_setup.write_site("alpha", modules=("wiki",), access="public")
    app = pleio_setup.make_app(**NO_CACHE)
    compile_templates(app.registry)  # as main() does: threads must not compile them at once
    client = pleio_setup.client(app, host=HOST)
    client.get("/")
    client.get("/community/", status=404)
    before = last_tid(app)
    pleio_setup.write_site("alpha", modules=("wiki", "community"), access="public")
    clock.advance(60)  # past the interval between checks of the site files

    answers: list[int] = []
    start = threading.Barrier(8)

    def visit() -> None:
        start.wait()
        visitor = pleio_setup.client(app, host=HOST)
        answers.append(visitor.get("/community/", expect_errors=True).status_int)

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 8, (answers, client.get("/community/", expect_errors=True))
    applied = transactions_since(app, before)
    assert applied == ["pleio: apply the site file of alpha"], applied
    with SITE_DATABASES(app.registry).get("alpha").transaction() as conn:
        log = audit_log(conn.root()[ROOT_KEY])
        enabled = [e for e in log.entries("module-enabled") if e.details["module"] == "community"]
    assert len(enabled) == 1
