"""Serve one benchmark application with waitress (4 threads) in this process.

    python bench/serve.py hello --port 8001
    python bench/serve.py pleio --port 8002 --root /tmp/x --set pleio.page_cache=false

Once the socket listens, one JSON line goes to stdout: ``pid``, ``port``, ``import_s`` (time
to import the application's code), ``build_s`` (``make_configurator(...).make_wsgi_app()``,
or the hello app's equivalent) and ``rss_kb`` (VmRSS at that moment). Then it serves until
it is terminated. Waitress's "Task queue depth" warning is switched off: with 8 connections
on 4 threads it would write a log line for most requests, in every server alike.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path


def build(kind: str, root: Path | None, overrides: dict[str, str]):
    """Import and build the WSGI app; return it with the import and build times."""
    start = time.perf_counter()
    if kind == "hello":
        from hello import make_app

        imported = time.perf_counter()
        return make_app(), imported - start, time.perf_counter() - imported
    from sites import base_settings

    from pleio_core import make_configurator

    imported = time.perf_counter()
    settings = {**base_settings(root), **overrides}
    app = make_configurator(settings).make_wsgi_app()
    return app, imported - start, time.perf_counter() - imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=("hello", "pleio"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", type=Path, help="the installation directory (pleio)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if args.app == "pleio" and args.root is None:
        parser.error("pleio needs --root")
    overrides = dict(item.split("=", 1) for item in args.set)

    app, import_s, build_s = build(args.app, args.root, overrides)
    # 8 connections on 4 threads queue by design; waitress would log a warning per request.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # warnings and errors as before, plus each retried write conflict (what conflicted)
    logging.basicConfig(level=logging.WARNING, format="%(name)s %(levelname)s %(message)s")
    logging.getLogger("pleio.conflicts").setLevel(logging.INFO)
    from procinfo import memory_kb
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=args.port, threads=args.threads)
    ready = {
        "pid": os.getpid(),
        "port": args.port,
        "import_s": import_s,
        "build_s": build_s,
        "rss_kb": memory_kb(os.getpid())["VmRSS"],
    }
    print(json.dumps(ready), flush=True)
    sys.stdout.close()
    server.run()


if __name__ == "__main__":
    main()
