"""A database per deelsite, on FileStorage and on RelStorage/PostgreSQL alike."""

import itertools
from pathlib import Path

import pytest
from ZODB.POSException import ConflictError

from pleio_core.content import Item
from pleio_core.content.site import ROOT_KEY
from pleio_core.layout import compile_templates
from pleio_core.services import SITE_DATABASES
from pleio_core.testing import PleioTestSetup, wait_for

_run = itertools.count()


@pytest.fixture(params=["file", "postgres"])
def storage_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def pleio_storage_uri(storage_kind: str, request: pytest.FixtureRequest) -> str | None:
    if storage_kind == "file":
        return None
    server = request.getfixturevalue("postgres_server")
    return server.uri(f"pleio_t{next(_run)}_{{site}}")


def add_item(client, site: str, folder: str, name: str, title: str) -> None:
    with SITE_DATABASES(client.registry).get(site).transaction() as conn:
        conn.root()[ROOT_KEY][folder].add(name, Item(title))


def wiki_status(client, site: str) -> int:
    return client.get("/wiki/", host=f"{site}.localhost", expect_errors=True).status_int


def test_modules_differ_per_site_and_change_without_restart(pleio_setup: PleioTestSetup) -> None:
    pleio_setup.write_site("alpha", modules=("wiki", "community"))
    pleio_setup.write_site("beta", modules=("community",))
    client = pleio_setup.client()
    assert wiki_status(client, "alpha") == 200
    assert wiki_status(client, "beta") == 404

    assert pleio_setup.pleio("site", "enable-module", "beta", "wiki") == 0
    wait_for(lambda: wiki_status(client, "beta") == 200, timeout=5)
    add_item(client, "beta", "wiki", "agenda", "Agenda van de stuurgroep")
    assert "Agenda van de stuurgroep" in client.get("/wiki/", host="beta.localhost").text

    assert pleio_setup.pleio("site", "disable-module", "beta", "wiki") == 0
    wait_for(lambda: wiki_status(client, "beta") == 404, timeout=5)
    client.get("/wiki/agenda", host="beta.localhost", status=404)
    assert "/wiki/" not in client.get("/", host="beta.localhost").text

    assert pleio_setup.pleio("site", "enable-module", "beta", "wiki") == 0
    wait_for(lambda: wiki_status(client, "beta") == 200, timeout=5)
    assert "Agenda van de stuurgroep" in client.get("/wiki/", host="beta.localhost").text
    assert client.get("/wiki/agenda", host="beta.localhost").status_int == 200


def test_what_one_site_writes_is_never_readable_through_another(
    pleio_setup: PleioTestSetup, storage_kind: str, request: pytest.FixtureRequest
) -> None:
    pleio_setup.write_site("alpha", modules=("wiki",))
    pleio_setup.write_site("beta", modules=("wiki",))
    client = pleio_setup.client()
    for site in ("alpha", "beta"):
        client.get("/", host=f"{site}.localhost")
    add_item(client, "alpha", "wiki", "secret", "Vertrouwelijk memo")
    assert "Vertrouwelijk memo" in client.get("/wiki/secret", host="alpha.localhost").text
    client.get("/wiki/secret", host="beta.localhost", status=404)
    assert "Vertrouwelijk memo" not in client.get("/wiki/", host="beta.localhost").text

    if storage_kind == "file":
        files = sorted(p.relative_to(pleio_setup.root) for p in pleio_setup.root.rglob("Data.fs"))
        assert files == [
            Path("var/platform/Data.fs"),
            Path("var/sites/alpha/Data.fs"),
            Path("var/sites/beta/Data.fs"),
        ]
    else:
        import psycopg2

        server = request.getfixturevalue("postgres_server")
        uri = pleio_setup.settings["pleio.storage_uri"]
        prefix = uri.rsplit("/", 1)[1].replace("{site}", "")
        with (
            psycopg2.connect(
                dbname="postgres", user="postgres", host="127.0.0.1", port=server.port
            ) as conn,
            conn.cursor() as cur,
        ):
            cur.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY 1", (prefix + "%",)
            )
            assert [row[0] for row in cur.fetchall()] == [prefix + "alpha", prefix + "beta"]
        conn.close()


def test_at_most_max_open_sites_databases_are_open(pleio_setup: PleioTestSetup) -> None:
    names = ["s1", "s2", "s3", "s4", "s5"]
    for name in names:
        pleio_setup.write_site(name, modules=("wiki",))
    client = pleio_setup.client(pleio_setup.make_app(**{"pleio.max_open_sites": "2"}))
    databases = SITE_DATABASES(client.registry)
    for name in names * 2:
        assert client.get("/wiki/", host=f"{name}.localhost").status_int == 200
        assert len(databases) <= 2, databases.open_names()
    assert databases.open_names() == ["s4", "s5"]
    assert len(databases) == 2
    assert "open_databases" not in client.get("/_health").json  # details: the operator's only


def test_a_conflict_error_is_retried(pleio_setup: PleioTestSetup) -> None:
    pleio_setup.write_site("alpha", modules=("wiki",))
    attempts: list[int] = []

    def flaky(context, request):
        attempts.append(1)
        request.site_root.welcome = f"attempt {len(attempts)}"
        if len(attempts) == 1:
            raise ConflictError("simulated conflict")
        return request.response

    def configure(config) -> None:
        from pleio_core.content import SiteRoot

        config.add_view(
            flaky, context=SiteRoot, name="flaky", request_method="POST", require_csrf=False
        )

    client = pleio_setup.client(pleio_setup.make_app(configure))
    assert client.post("/flaky", host="alpha.localhost").status_int == 200
    assert len(attempts) == 2
    with SITE_DATABASES(client.registry).get("alpha").transaction() as conn:
        assert conn.root()[ROOT_KEY].welcome == "attempt 2"  # the failed attempt left nothing


def test_many_threads_over_more_sites_than_may_be_open(
    pleio_setup: PleioTestSetup, live_server_factory
) -> None:
    """Four server threads, six sites, two open databases: every request answers 200."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    names = [f"t{i}" for i in range(6)]
    for name in names:
        pleio_setup.write_site(name, modules=("wiki",))
    app = pleio_setup.make_app(**{"pleio.max_open_sites": "2", "pleio.page_cache": "false"})
    compile_templates(app.registry)  # as main() does before serving
    server = live_server_factory(app)

    def visit(i: int) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", "/wiki/", headers={"Host": f"{names[i % len(names)]}.localhost"})
        status = conn.getresponse().status
        conn.close()
        return status

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(visit, range(600)))
    assert statuses == [200] * 600
    assert len(SITE_DATABASES(app.registry)) <= 2


# -- classes that moved ----------------------------------------------------------------------


def test_every_moved_class_is_where_the_table_says() -> None:
    import importlib

    from pleio_core.storage.moved import MOVED

    for (_old, name), module in MOVED.items():
        assert isinstance(getattr(importlib.import_module(module), name), type), (module, name)


def test_an_object_stored_under_a_class_s_old_module_loads_as_the_class(tmp_path) -> None:
    """A platform database from before API tokens moved to security names them
    ``pleio_core.api.tokens.ApiTokens``: it must load as the class, not as a broken object."""
    import sys
    import types

    import transaction
    from persistent import Persistent

    from pleio_core.security.api_tokens import ApiTokens
    from pleio_core.storage.databases import open_database

    old = types.ModuleType("pleio_core.api.tokens")  # the module as it was
    stored_class = type("ApiTokens", (Persistent,), {"__module__": old.__name__})
    old.ApiTokens = stored_class
    uri = f"file://{tmp_path}/Data.fs"
    sys.modules[old.__name__] = old
    try:
        db = open_database(uri, "old")
        with db.transaction() as conn:
            conn.root()["tokens"] = stored_class()
        db.close()
    finally:
        del sys.modules[old.__name__]
    transaction.abort()
    db = open_database(uri, "old")
    try:
        with db.transaction() as conn:
            assert type(conn.root()["tokens"]) is ApiTokens
    finally:
        db.close()
