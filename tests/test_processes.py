"""The test harness for more than one process: ``pserve`` children that serve the setup."""

from __future__ import annotations

import urllib.request

import pytest


def _home(process) -> int:
    request = urllib.request.Request(process.url("/"), headers={"Host": "kia.localhost"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_second_process_on_filestorage_is_refused_with_its_reason(pleio_setup, server_processes):
    pleio_setup.write_site("kia")
    first = server_processes("one")
    assert _home(first) == 200
    with pytest.raises(pytest.fail.Exception, match="in use by another process"):
        server_processes("two")
    first.stop()
    assert not first.running


def test_two_processes_serve_one_postgresql(pleio_setup, server_processes, postgres_server):
    pleio_setup.settings["pleio.storage_uri"] = postgres_server.uri("procs_{site}")
    pleio_setup.settings["pleio.platform_storage_uri"] = postgres_server.uri("procs_platform")
    pleio_setup.write_site("kia")
    first, second = server_processes("one"), server_processes("two")
    assert _home(first) == _home(second) == 200
