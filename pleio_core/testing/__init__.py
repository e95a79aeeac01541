"""Pytest fixtures and helpers for Pleio and its plugins (registered as the ``pleio``
pytest plugin through the ``pytest11`` entry point, so a plugin's tests get them too).

Everything is real: FileStorage files in a temporary directory, a waitress server on
loopback, Debian's Chromium driven by Playwright, axe-core for accessibility, aiosmtpd for
mail, a PostgreSQL server started for the session when a test asks for it, and a ZEO
server for a test that asks for one.

One module per concern; import from here (``from pleio_core.testing import X``):

- ``sites``: the temporary installation (``PleioTestSetup``), WebTest clients, sign-in,
  ``SiteWorld`` and the form helpers
- ``plugins``: test plugins installed as if with pip
- ``server``: a live waitress server on a free port
- ``browser``: Chromium through Playwright, browser sign-in, the axe check
- ``html``: the W3C Nu checker's HTML validity check
- ``postgres``: a throw-away PostgreSQL cluster for RelStorage
- ``processes``: ``pserve`` in child processes, as an operator runs it
- ``zeo``: a ZEO server (``pleio zeo``) in a child process over a directory of FileStorages
- ``clamd``: Debian's clamd with a database made on the spot that knows ``EICAR``
- ``smtp``: an SMTP server that keeps what it receives
- ``archives``: site exports changed on purpose
- ``api``: tokens, bearer headers, CSRF for scripts, OpenAPI conformance
- ``translations``: the messages a package uses, what its Dutch catalogue lacks, and
  the English texts a Dutch page must not show
- ``waiting``: the manual clock and ``wait_for``
- ``commands``: the ``pleio`` command's ``.ini`` reader, looked up once
- ``passwords``: Argon2id at test strength for the suite, ``production_passwords`` for a
  test that needs the production parameters

pytest registers the fixtures it finds in this module's namespace, so every fixture is
imported here as well (and listed in ``__all__``).
"""

from pleio_core.testing.api import (
    ApiConformance,
    basic,
    bearer,
    csrf_token,
    make_app_password,
    make_token,
    sign_in_client,
)
from pleio_core.testing.archives import rebuild_archive
from pleio_core.testing.browser import (
    AXE_TAGS,
    CHROMIUM,
    WIDTHS,
    assert_accessible,
    axe_violations,
    browser,
    new_page,
    page,
    personal_menu,
    sign_in_page,
    signed_in_page,
)
from pleio_core.testing.clamd import (
    EICAR,
    EICAR_SIGNATURE,
    ClamdServer,
    clamd,
    clamd_factory,
    start_clamd,
)
from pleio_core.testing.commands import remember_ini_readers
from pleio_core.testing.html import assert_valid_html, html_errors
from pleio_core.testing.passwords import production_passwords, use_test_hasher
from pleio_core.testing.plugins import (
    NOTE_PLUGIN,
    content_type_plugin,
    memos_plugin,
    notes_plugin,
    plugin_installer,
    polls_plugin,
)
from pleio_core.testing.postgres import PostgresServer, postgres_server
from pleio_core.testing.processes import (
    ServerProcess,
    server_ini,
    server_processes,
    template_cache,
)
from pleio_core.testing.server import LiveServer, free_port, live_server_factory
from pleio_core.testing.sites import (
    SECRET,
    TEST_PASSWORD,
    PleioTestApp,
    PleioTestSetup,
    SiteWorld,
    add_through_form,
    fill_form,
    page_csrf,
    pleio_setup,
    pleio_storage_uri,
)
from pleio_core.testing.smtp import SMTPServer, smtp_server
from pleio_core.testing.translations import (
    counts_without_plural,
    english_pattern,
    english_texts,
    untranslatable,
    untranslated,
    unused,
    used_messages,
)
from pleio_core.testing.waiting import clock, wait_for
from pleio_core.testing.zeo import ZeoServer, development_style, zeo_server

__all__ = [
    "AXE_TAGS",
    "CHROMIUM",
    "EICAR",
    "EICAR_SIGNATURE",
    "NOTE_PLUGIN",
    "SECRET",
    "TEST_PASSWORD",
    "WIDTHS",
    "ApiConformance",
    "ClamdServer",
    "LiveServer",
    "PleioTestApp",
    "PleioTestSetup",
    "PostgresServer",
    "SMTPServer",
    "ServerProcess",
    "SiteWorld",
    "ZeoServer",
    "add_through_form",
    "assert_accessible",
    "assert_valid_html",
    "axe_violations",
    "basic",
    "bearer",
    "browser",
    "clamd",
    "clamd_factory",
    "clock",
    "content_type_plugin",
    "counts_without_plural",
    "csrf_token",
    "development_style",
    "english_pattern",
    "english_texts",
    "fill_form",
    "free_port",
    "html_errors",
    "live_server_factory",
    "make_app_password",
    "make_token",
    "memos_plugin",
    "new_page",
    "notes_plugin",
    "page",
    "page_csrf",
    "personal_menu",
    "pleio_setup",
    "pleio_storage_uri",
    "plugin_installer",
    "polls_plugin",
    "postgres_server",
    "production_passwords",
    "rebuild_archive",
    "server_ini",
    "server_processes",
    "sign_in_client",
    "sign_in_page",
    "signed_in_page",
    "smtp_server",
    "start_clamd",
    "template_cache",
    "untranslatable",
    "untranslated",
    "unused",
    "used_messages",
    "wait_for",
    "zeo_server",
]


def pytest_configure(config: object) -> None:
    """Every test hashes passwords at test strength unless it asks for ``production_passwords``
    (``pleio_core.testing.passwords``), and finds the ``.ini`` reader of the in-process
    ``pleio`` command once (``pleio_core.testing.commands``)."""
    use_test_hasher()
    remember_ini_readers()
