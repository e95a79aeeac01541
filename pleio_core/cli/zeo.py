"""``pleio zeo``: one ZEO server for the installation's FileStorages (``[pleio:zeo]``).

``make run`` serves development this way, so that every ``pleio`` command works beside the
running web server: both are ZEO clients of the same server, and each sees the other's
commits at once. The section of the ``.ini``::

    [pleio:zeo]
    listen = %(here)s/var/zeo.sock            # or HOST:PORT
    storage_uri = file://…/sites/{site}/Data.fs?blobstorage_dir=…/sites/{site}/blobs
    platform_storage_uri = file://…/platform/Data.fs?blobstorage_dir=…/platform/blobs

A command run while no server answers at ``listen`` opens those files itself
(``direct_settings``): nothing else can hold them then.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

import plaster

from pleio_core.sites.config import SITE_NAME
from pleio_core.storage import StorageError
from pleio_core.storage.zeo import ServedFiles, answers, start_server, zeo_address, zeo_option

SECTION = "pleio:zeo"
#: the app settings that may point at the ZEO server
URI_SETTINGS = ("pleio.storage_uri", "pleio.platform_storage_uri")


def served_files(config_file: str) -> ServedFiles | None:
    """What ``[pleio:zeo]`` of ``config_file`` serves; None without that section."""
    section = plaster.get_settings(config_file, SECTION)
    if not section:
        return None
    missing = [k for k in ("listen", "storage_uri", "platform_storage_uri") if not section.get(k)]
    if missing:
        raise StorageError(f"{config_file}: [{SECTION}] needs {missing[0]}")
    return ServedFiles(
        listen=section["listen"],
        storage_uri=section["storage_uri"],
        platform_storage_uri=section["platform_storage_uri"],
        is_site_name=lambda name: bool(SITE_NAME.match(name)),
    )


def direct_uri(served: ServedFiles, uri: str) -> str:
    """``uri`` itself, or the ``file://`` URI behind it if it reaches ``served``'s files.

    ``storage={site}`` (the template of ``pleio.storage_uri``) gives the template of the
    served files.
    """
    if zeo_address(uri) != served.address:
        return uri
    if zeo_option(uri, "storage") == "{site}":
        served.file_uri_behind(uri.replace("{site}", "site"))  # the same checks, on a name
        return served.storage_uri
    return served.file_uri_behind(uri) or uri


def direct_settings(
    settings: Mapping[str, str], served: ServedFiles | None
) -> tuple[dict[str, str], bool]:
    """The app settings a command should use, and whether it goes around the ZEO server.

    When the storage URIs point at ``served``'s server and nothing answers there, they are
    replaced by the files it would serve: a command works without the server.
    """
    settings = dict(settings)
    if served is None:
        return settings, False
    ours = [k for k in URI_SETTINGS if zeo_address(settings.get(k, "")) == served.address]
    if not ours or answers(served.address):
        return settings, False
    for key in ours:
        settings[key] = direct_uri(served, settings[key])
    return settings, True


class ClientGone(logging.Filter):
    """Drops ZEO's error for a client that went away without a goodbye (a command that
    exits): a normal end of a connection, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        gone = args[:1] in (("ConnectionResetError",), ("BrokenPipeError",))
        return not (record.msg == "Disconnected %s:%s" and gone)


def log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-5.5s [zeo] %(message)s"))
    handler.addFilter(ClientGone())
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("pleio_core.storage.zeo").setLevel(logging.INFO)


def serve(args: argparse.Namespace) -> int:
    if not Path(args.config).exists():
        raise StorageError(f"{args.config}: no such configuration file")
    served = served_files(args.config)
    if served is None:
        raise StorageError(f"{args.config} has no [{SECTION}] section: nothing to serve")
    log_to_stderr()
    server = start_server(served)
    print(f"ZEO server on {served.listen}", flush=True)
    stop = threading.Event()
    running: list[subprocess.Popen[bytes]] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if not running:
            stop.set()
        elif signum == signal.SIGTERM:  # to this process only: the command stops first
            running[0].send_signal(signum)
        # Ctrl-C and a closed terminal reach the command as well (one process group): it
        # stops, and then the server.

    status = 0
    try:
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGHUP, on_signal)
        if args.then:
            for command in args.then:
                child = subprocess.Popen(shlex.split(command))
                running.append(child)
                status = child.wait()
                running.clear()
                if status:
                    break
        else:
            stop.wait()
    finally:
        server.close()
        if isinstance(served.address, str):
            Path(served.address).unlink(missing_ok=True)
    print(f"ZEO server on {served.listen} stopped", file=sys.stderr)
    return 1 if status else 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "zeo",
        help="serve the FileStorages of [pleio:zeo] to the server and the commands (ZEO)",
    )
    p.add_argument(
        "--then",
        action="append",
        default=[],
        metavar="COMMAND",
        help="run COMMAND while serving (repeatable: in turn, until one fails), then stop",
    )
    p.set_defaults(run=serve)
