"""The server Pleio runs under: waitress, stopped gracefully so a rolling restart loses nothing.

``use = egg:pleio_core#main`` in ``[server:main]`` takes waitress's own options plus two:

- ``drain_seconds`` (default 5): after SIGTERM, how long the process keeps serving while
  ``/_ready`` already answers 503, so that the load balancer's health checks take it out of
  rotation before it stops accepting. Make it longer than the proxy needs to notice (its
  check interval times the failures it waits for).
- ``finish_timeout`` (default 30): how long the requests still in flight then get to finish.

On SIGTERM: readiness 503 at once, ``drain_seconds`` of normal service, then the listening
sockets are closed (new connections are refused, which a proxy retries on another process),
idle keep-alive connections are closed, the requests in flight finish and their answers are
sent, the worker threads stop, the databases are closed, and the process exits 0. A second
SIGTERM cuts the drain short. waitress itself only stops on SIGINT (KeyboardInterrupt),
and then without waiting for anything.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from pyramid.settings import asbool
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from pleio_core.admin import SERVER_STATE
from pleio_core.jobs import JOB_WORKER
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES

log = logging.getLogger(__name__)

DRAIN_SECONDS = 5.0
FINISH_TIMEOUT = 30.0
#: How often the loop looks at the clock while nothing happens on its sockets.
TICK = 0.1

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class GracefulServer:
    """waitress's sockets and threads, run by a loop that knows how to stop."""

    def __init__(
        self,
        app: WSGIApp,
        drain_seconds: float = DRAIN_SECONDS,
        finish_timeout: float = FINISH_TIMEOUT,
        **waitress_options: Any,
    ) -> None:
        self.app = app
        self.drain_seconds = drain_seconds
        self.finish_timeout = finish_timeout
        #: "starting", "serving", "draining", "stopping" or "stopped"
        self.state = "starting"
        self._drain_until: float | None = None
        self.server = create_server(self._with_state, **waitress_options)
        if isinstance(self.server, MultiSocketServer):
            self.map: dict[int, Any] = self.server.map
        else:
            self.map = self.server._map
        self.adj = self.server.adj
        self.dispatcher = self.server.task_dispatcher

    def _with_state(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ[SERVER_STATE] = self.state
        return self.app(environ, start_response)

    def listeners(self) -> list[BaseWSGIServer]:
        return [d for d in list(self.map.values()) if isinstance(d, BaseWSGIServer)]

    def channels(self) -> list[HTTPChannel]:
        return [d for d in list(self.map.values()) if isinstance(d, HTTPChannel)]

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        """Begin the graceful stop (the SIGTERM handler); a second call ends the drain."""
        if self.state == "serving":
            self.state = "draining"
            self._drain_until = time.monotonic() + self.drain_seconds
            log.info(
                "stopping: not ready; serving %.1f s more while the proxy notices",
                self.drain_seconds,
            )
        elif self.state == "draining":
            self._drain_until = time.monotonic()

    def run(self) -> None:
        """Serve until ``stop`` (SIGTERM, when run in the main thread), then stop gracefully."""
        in_main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, self.stop) if in_main_thread else None
        try:
            self.state = "serving"
            self._serve()
            self._stop_accepting()
            self._finish()
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)
            self.state = "stopped"
            close_databases(self.app)
        log.info("stopped")

    def _loop_once(self) -> None:
        wasyncore.loop(timeout=TICK, map=self.map, use_poll=self.adj.asyncore_use_poll, count=1)

    def _serve(self) -> None:
        while self._drain_until is None or time.monotonic() < self._drain_until:
            self._loop_once()

    def _stop_accepting(self) -> None:
        self.state = "stopping"
        for listener in self.listeners():
            listener.accepting = False
            # the dispatcher's own close, not the server's: that would close the trigger the
            # worker threads pull when an answer is ready
            wasyncore.dispatcher.close(listener)
        log.info("stopped accepting; %d connection(s) open", len(self.channels()))

    def _finish(self) -> None:
        """Close idle connections; wait for the requests in flight and their answers."""
        deadline = time.monotonic() + self.finish_timeout
        while time.monotonic() < deadline:
            busy = 0
            for channel in self.channels():
                # a request half received, queued, running, or an answer not yet sent
                if channel.request is not None or channel.requests or channel.total_outbufs_len:
                    busy += 1
                elif not channel.will_close:
                    channel.will_close = True  # closed by the loop's next look at it
            if not busy and not self.channels():
                break
            self._loop_once()
        else:
            log.warning(
                "%d connection(s) still busy after %.0f s",
                len(self.channels()),
                self.finish_timeout,
            )
        self.dispatcher.shutdown(cancel_pending=True, timeout=max(1.0, deadline - time.monotonic()))
        wasyncore.close_all(self.map)

    def print_listen(self) -> None:
        self.server.print_listen("Serving on http://{}:{}")


def close_databases(app: Any) -> None:
    """Stop the application's job worker, then close its site databases and its platform
    database (closed under the worker, a connection it holds would be torn down by two
    threads at once)."""
    registry = getattr(app, "registry", None)
    if registry is None:
        return
    if JOB_WORKER.provided(registry):
        JOB_WORKER(registry).stop()
    if SITE_DATABASES.provided(registry):
        SITE_DATABASES(registry).close_all()
    if PLATFORM_DATABASE.provided(registry):
        PLATFORM_DATABASE(registry).close()
    log.info("databases closed")


def make_server(app: WSGIApp, **options: Any) -> GracefulServer:
    """A ``GracefulServer`` from ``[server:main]``'s options (strings, as pserve gives them)."""
    drain = float(options.pop("drain_seconds", DRAIN_SECONDS))
    finish = float(options.pop("finish_timeout", FINISH_TIMEOUT))
    if drain < 0 or finish < 0:
        raise ValueError("drain_seconds and finish_timeout must be 0 or more")
    return GracefulServer(app, drain, finish, **options)


def serve_paste(app: WSGIApp, global_conf: dict[str, Any], **options: Any) -> int:
    """The ``paste.server_runner``: serve ``app`` until SIGTERM, then stop gracefully."""
    quiet = asbool(options.pop("quiet", False))
    server = make_server(app, **options)
    if not quiet:
        logging.basicConfig()  # as waitress.serve: idempotent if logging is set up
        server.print_listen()
    server.run()
    return 0
