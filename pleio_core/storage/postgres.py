"""RelStorage on PostgreSQL: each deelsite gets its own PostgreSQL database, created on demand."""

from __future__ import annotations

import contextlib
import threading
from urllib.parse import urlsplit

_created: set[str] = set()
_lock = threading.Lock()


def ensure_postgres_database(uri: str) -> None:
    """Create the database named in a ``postgres://`` zodburi URI if it does not exist.

    The role in the URI needs the CREATEDB privilege; without it, create the databases
    beforehand (the operator guide shows how).
    """
    # psycopg2 comes with the [postgres] extra: a FileStorage installation need not have it.
    import psycopg2  # noqa: PLC0415
    from psycopg2 import errors, sql  # noqa: PLC0415

    parts = urlsplit(uri)
    dbname = parts.path.lstrip("/")
    key = f"{parts.hostname}:{parts.port}/{dbname}"
    with _lock:
        if key in _created:
            return
        conn = psycopg2.connect(
            dbname="postgres",
            # as RelStorage's resolver reads them: not %-decoded
            user=parts.username,
            password=parts.password,
            host=parts.hostname,
            port=parts.port,
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
                if cur.fetchone() is None:
                    # another process may create it after we looked: what we wanted too
                    with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        finally:
            conn.close()
        _created.add(key)
