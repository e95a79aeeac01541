"""The PostgreSQL half of ``pleio backup`` / ``pleio restore``: databases on RelStorage.

A backup is one ``pg_dump -Fc`` per database (a consistent snapshot, taken while the
servers write), kept as ``DIR/NAME/postgres/<time>.dump``; with a shared blob directory
(RelStorage's ``blob_dir`` with ``shared_blob_dir``, its default) the blob files are copied
after the dump, so every blob the dump refers to is in the copy.

A restore never writes into the live database: it restores into a fresh one, then swaps the
two names in one transaction, keeping the replaced database under another name. The swap
is refused while any process is connected to the database. That is not caution for its
own sake: a process that has the database open keeps RelStorage's cache of it and the
transaction id it last saw, and after the swap it would go on serving, from that cache,
objects the restored database no longer holds (RelStorage assumes a database never goes
back in time). Only a process that closed the database — stopped, or never opened it —
reads the restored one afresh.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pleio_core.storage.postgres import server_connection

from .context import UsageError

#: PostgreSQL's longest name (NAMEDATALEN - 1 bytes); longer ones are cut short silently.
MAX_NAME = 63


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: on PATH, else the newest in /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = Path("/usr/lib/postgresql").glob(f"*/bin/{name}")
    newest = sorted(candidates, key=lambda p: _version(p.parent.parent.name), reverse=True)
    if newest:
        return str(newest[0])
    raise UsageError(
        f"PostgreSQL's {name} was not found (looked on PATH and in /usr/lib/postgresql/*/bin): "
        "install the PostgreSQL client tools (Debian: postgresql-client)"
    )


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


@dataclass(frozen=True)
class PostgresDatabase:
    """Where a ``postgres://`` zodburi URI keeps its data, as RelStorage reads it."""

    dbname: str
    user: str | None
    password: str | None
    host: str | None
    port: int | None
    #: the blob files, when RelStorage keeps them on disk (``shared_blob_dir``) rather
    #: than in the database (its ``blob_dir`` is then only a cache)
    shared_blobs: Path | None
    #: RelStorage's ``cache_servers``: a memcached that every process shares
    memcache: bool = False

    @classmethod
    def from_uri(cls, uri: str) -> PostgresDatabase | None:
        parts = urlsplit(uri)
        if parts.scheme != "postgres":
            return None
        query = parse_qs(parts.query)
        blob_dir = query.get("blob_dir", [None])[0]
        shared = query.get("shared_blob_dir", ["true"])[0].lower() not in ("0", "false", "off")
        return cls(
            # as RelStorage's resolver reads them: not %-decoded
            dbname=parts.path.lstrip("/"),
            user=parts.username,
            password=parts.password,
            host=parts.hostname,
            port=parts.port,
            shared_blobs=Path(blob_dir) if blob_dir and shared else None,
            memcache=bool(query.get("cache_servers")),
        )

    def tool_arguments(self) -> list[str]:
        """The connection options of ``pg_dump`` and ``pg_restore`` (the password goes in
        the environment, never on a command line that ``ps`` shows)."""
        options = []
        if self.host:
            options += ["-h", self.host]
        if self.port:
            options += ["-p", str(self.port)]
        if self.user:
            options += ["-U", self.user]
        return [*options, "--no-password"]

    def tool_environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    @contextmanager
    def server(self) -> Iterator[Any]:
        """A connection to the server's ``postgres`` database (to create and rename)."""
        import psycopg2  # noqa: PLC0415 (the [postgres] extra: see server_connection)

        try:
            conn = server_connection(self.user, self.password, self.host, self.port)
        except psycopg2.OperationalError as exc:
            raise UsageError(f"cannot connect to PostgreSQL for {self.dbname}: {exc}") from None
        try:
            yield conn
        finally:
            conn.close()

    def aside(self, tag: str) -> str:
        """A name beside this database's, within PostgreSQL's 63 bytes."""
        name = f"{self.dbname}_{tag}"
        if len(name.encode()) <= MAX_NAME:
            return name
        digest = hashlib.sha1(self.dbname.encode()).hexdigest()[:8]
        start = self.dbname.encode()[: MAX_NAME - len(tag) - 10].decode(errors="ignore")
        return f"{start}_{digest}_{tag}"


def exists(cur: Any, dbname: str) -> bool:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
    return cur.fetchone() is not None


def execute(cur: Any, statement: str, *names: str) -> None:
    """``statement`` with database ``names`` quoted as identifiers in its ``{}``."""
    from psycopg2 import sql  # noqa: PLC0415

    cur.execute(sql.SQL(statement).format(*(sql.Identifier(name) for name in names)))


def sessions(cur: Any, dbname: str) -> list[str]:
    """Who is connected to ``dbname`` (one line per client, with its number of sessions)."""
    cur.execute(
        "SELECT coalesce(host(client_addr), 'local socket'), application_name, count(*) "
        "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
        "GROUP BY 1, 2 ORDER BY 3 DESC",
        (dbname,),
    )
    return [
        f"{count} from {client}" + (f" ({application})" if application else "")
        for client, application, count in cur.fetchall()
    ]


def stamp() -> str:
    """The time in repozo's format (``--date`` means the same on both storages)."""
    return datetime.now(UTC).strftime("%Y-%m-%d-%H-%M-%S")


def replaced_name(name: Callable[[str], str], taken: Callable[[str], bool]) -> str:
    """What a restore keeps the database it replaces under: ``name(when)`` for the moment
    (to the second), or with ``_2``, ``_3``… after it if that is ``taken`` (two restores
    within one second each keep what they replaced)."""
    when = stamp().replace("-", "")
    return next(
        candidate
        for candidate in (name(f"{when}_{n}" if n > 1 else when) for n in count(1))
        if not taken(candidate)
    )


def dump(database: PostgresDatabase, directory: Path) -> Path | None:
    """``pg_dump -Fc`` of ``database`` into ``directory``; None if it does not exist yet."""
    with database.server() as conn, conn.cursor() as cur:
        if not exists(cur, database.dbname):
            return None
    directory.mkdir(parents=True, exist_ok=True)
    while (directory / f"{stamp()}.dump").exists():  # two backups within one second
        time.sleep(0.1)
    target = directory / f"{stamp()}.dump"
    partial = target.with_name(target.name + ".partial")  # never taken for a whole one
    command = [pg_tool("pg_dump"), "-Fc", *database.tool_arguments(), "-f", str(partial)]
    result = subprocess.run(
        [*command, database.dbname],
        capture_output=True,
        text=True,
        env=database.tool_environment(),
    )
    if result.returncode:
        partial.unlink(missing_ok=True)
        raise UsageError(f"pg_dump failed for {database.dbname}: {result.stderr.strip()}")
    partial.rename(target)
    return target


def chosen_dump(directory: Path, date: str | None) -> Path | None:
    """The newest dump in ``directory``, or the newest taken at or before ``date``."""
    dumps = sorted(directory.glob("*.dump")) if directory.is_dir() else []
    if date:
        dumps = [path for path in dumps if path.stem <= date]
    return dumps[-1] if dumps else None


def what_to_do(site: str | None) -> str:
    """What the operator must do so that no running process has the database open."""
    if site is None:
        return (
            "every Pleio process (pserve, and any pleio command still running) has it "
            "open: stop them all"
        )
    return (
        "stop the Pleio processes that serve it (pserve), or switch the site off with "
        f"`disabled = true` in site_configs/{site}.toml and restart them, so none opens it"
    )


def in_use_message(what: str, database: str, clients: list[str], site: str | None) -> str:
    return (
        f"{what}'s database {database} is in use ({'; '.join(clients)}). Restoring now would "
        "leave a running process serving from its cache what the restored database no longer "
        f"holds: {what_to_do(site)}, then run the restore again. Nothing was changed."
    )


def restore(database: PostgresDatabase, dump_file: Path, what: str, site: str | None) -> str | None:
    """Restore ``dump_file`` into a fresh database and swap it in; the name the replaced
    database is kept under (None if there was none)."""
    import psycopg2  # noqa: PLC0415

    try:
        return _swap_in(database, dump_file, what, site)
    except psycopg2.Error as exc:  # e.g. a role that may not create or rename databases
        raise UsageError(
            f"PostgreSQL refused to restore {database.dbname}: {str(exc).strip()} (the role in "
            "the storage URI needs CREATEDB and must own the database)"
        ) from None


def _swap_in(
    database: PostgresDatabase, dump_file: Path, what: str, site: str | None
) -> str | None:
    import psycopg2  # noqa: PLC0415

    fresh = database.aside("restoring")
    with database.server() as conn:
        with conn.cursor() as cur:
            clients = sessions(cur, database.dbname)
            if clients:  # checked first to spare a long pg_restore; the swap checks again
                raise UsageError(in_use_message(what, database.dbname, clients, site))
            if exists(cur, fresh):  # left by a restore that was interrupted
                execute(cur, "DROP DATABASE {}", fresh)
            execute(cur, "CREATE DATABASE {}", fresh)
        try:
            _pg_restore(database, dump_file, fresh)
            conn.autocommit = False
            with conn.cursor() as cur:
                aside = replaced_name(
                    lambda when: database.aside(f"before_restore_{when}"),
                    lambda name: exists(cur, name),
                )
                replaced = exists(cur, database.dbname)
                if replaced:
                    execute(cur, "ALTER DATABASE {} RENAME TO {}", database.dbname, aside)
                execute(cur, "ALTER DATABASE {} RENAME TO {}", fresh, database.dbname)
            conn.commit()  # both names change at once: no moment without the database
        except psycopg2.errors.ObjectInUse:
            conn.rollback()
            conn.autocommit = True
            with conn.cursor() as cur:
                clients = sessions(cur, database.dbname)
                execute(cur, "DROP DATABASE {}", fresh)
            raise UsageError(
                in_use_message(what, database.dbname, clients or ["a new session"], site)
            ) from None
        except BaseException:
            conn.rollback()
            conn.autocommit = True
            with conn.cursor() as cur:
                execute(cur, "DROP DATABASE IF EXISTS {}", fresh)
            raise
    return aside if replaced else None


def _pg_restore(database: PostgresDatabase, dump_file: Path, into: str) -> None:
    command = [
        pg_tool("pg_restore"),
        *database.tool_arguments(),
        "--no-owner",  # the objects belong to the role in the URI, as when RelStorage made them
        "--exit-on-error",
        "--single-transaction",
        "-d",
        into,
        str(dump_file),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, env=database.tool_environment()
    )
    if result.returncode:
        raise UsageError(f"pg_restore of {dump_file} failed: {result.stderr.strip()}")
