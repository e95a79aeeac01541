"""RelStorage on PostgreSQL: each deelsite gets its own PostgreSQL database, created on demand."""

from __future__ import annotations

import contextlib
import threading
from typing import Any
from urllib.parse import urlsplit

_created: set[str] = set()
_lock = threading.Lock()


def server_connection(
    user: str | None, password: str | None, host: str | None, port: int | None
) -> Any:
    """An autocommit connection to the server's ``postgres`` database, where databases are
    created and renamed (the parts of a ``postgres://`` URI as RelStorage's resolver reads
    them: not %-decoded)."""
    # psycopg2 comes with the [postgres] extra: a FileStorage installation need not have it.
    import psycopg2  # noqa: PLC0415

    conn = psycopg2.connect(dbname="postgres", user=user, password=password, host=host, port=port)
    conn.autocommit = True
    return conn


def ensure_postgres_database(uri: str) -> None:
    """Create the database named in a ``postgres://`` zodburi URI if it does not exist.

    The role in the URI needs the CREATEDB privilege; without it, create the databases
    beforehand (the operator guide shows how).
    """
    from psycopg2 import errors, sql  # noqa: PLC0415 (the [postgres] extra, as above)

    parts = urlsplit(uri)
    dbname = parts.path.lstrip("/")
    key = f"{parts.hostname}:{parts.port}/{dbname}"
    with _lock:
        if key in _created:
            return
        conn = server_connection(parts.username, parts.password, parts.hostname, parts.port)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
                if cur.fetchone() is None:
                    # another process may create it after we looked: what we wanted too
                    with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        finally:
            conn.close()
        _created.add(key)
