"""Schemathesis against the live API, from its own OpenAPI document: no 5xx, as documented.

Each operation gets a bounded number of generated requests, valid ones and broken ones,
both at random paths and at a real note (so that writes reach the content type's schema).
The examples are derandomised: the same requests every run, so a failure can be replayed.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pleio_core.testing import PleioTestSetup, bearer, make_token, sign_in_client

HOST = "kia.localhost"
EXAMPLES = 25  # per operation, mode and path: the whole test takes about 20 s
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: the real path each operation also gets (besides generated ones): a container to add to,
#: else the seed note
REAL_PATHS = {("POST", "/api/v1/content/{path}"): "notes"}
SEED = "notes/seed"


@pytest.fixture
def live_api(pleio_setup: PleioTestSetup, notes_plugin: str, live_server_factory):
    pleio_setup.write_site("kia", modules=("notes",))
    pleio_setup.create_account("member@example.nl", kia="member")
    app = pleio_setup.make_app()
    client = sign_in_client(pleio_setup, app, "member@example.nl", HOST)
    token = make_token(client, "kia")
    server = live_server_factory(app)
    return pleio_setup.client(app), bearer(token), server


def ensure_seed(client, auth) -> None:
    """The note the real-path examples work on (an example may have deleted it)."""
    seed = client.get(f"/api/v1/content/{SEED}", headers=auth, host=HOST, expect_errors=True)
    if seed.status_int == 404:
        body = {"type": "note", "title": "Seed", "access": "public"}
        client.post_json("/api/v1/content/notes", body, headers=auth, host=HOST, status=201)


def exercise(
    strategy, client, auth, base_url: str, headers: dict[str, str], examples: int = EXAMPLES
) -> None:
    """Send ``examples`` requests drawn from ``strategy``; each answer must pass every check."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case) -> None:
        ensure_seed(client, auth)
        response = case.call(base_url=base_url, headers=headers, timeout=10)
        case.validate_response(response, checks=CHECKS)

    run()


def test_the_api_survives_fuzzing_and_answers_as_documented(live_api) -> None:
    client, auth, server = live_api
    ensure_seed(client, auth)
    base_url = f"http://127.0.0.1:{server.port}"
    headers = {**auth, "Host": f"{HOST}:{server.port}"}
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", headers=headers)
    started = time.monotonic()
    tested = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        paths = [None]
        if "{path}" in operation.path:
            paths.append({"path": REAL_PATHS.get((operation.method.upper(), operation.path), SEED)})
        # a string path parameter cannot be broken: only bodies and query strings can
        breakable = bool(operation.body) or bool(operation.query)
        modes = [schemathesis.GenerationMode.POSITIVE]
        if breakable:
            modes.append(schemathesis.GenerationMode.NEGATIVE)
        strategies = [
            operation.as_strategy(generation_mode=mode, path_parameters=path)
            for mode in modes
            for path in paths
        ]
        for strategy in strategies:
            exercise(strategy, client, auth, base_url, headers)
        # and without credentials, and with a token that is not (any more): 401 as documented
        for anonymous in ({"Host": headers["Host"]}, {**headers, **bearer("pleio_revoked")}):
            for path in paths:
                strategy = operation.as_strategy(path_parameters=path)
                exercise(strategy, client, auth, base_url, anonymous, examples=5)
        tested += 1
    assert tested >= 12  # every operation of the document was exercised
    assert time.monotonic() - started < 90
