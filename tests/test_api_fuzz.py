"""Schemathesis against the live API, from its own OpenAPI document, with every check it has.

The run is schemathesis's own engine (what ``st run`` does), so that each check has the
requests and the context it judges:

- the coverage phase sends each schema's boundaries and the methods the document does not
  list (``unsupported_method``: 405 with Allow; ``allow_header_conformance``: OPTIONS), and
  drops each required parameter (``missing_required_header`` judges the headers among them:
  the document declares none, since credentials are a security scheme, so it finds nothing
  to object to here, though it runs on every answer);
- the fuzzing phase sends valid and broken requests (``positive_data_acceptance``,
  ``negative_data_rejection``), and every answer is held to its documented status, media
  type, body and headers;
- the stateful phase follows the document's links (new content is read, listed, changed,
  commented, liked, removed) and records the steps, which ``use_after_free`` and
  ``ensure_resource_availability`` look back in;
- ``ignored_auth`` sends an accepted write again without credentials and with bad ones;
  ``object_level_authorization`` reads what the member made as an outsider, a signed-in
  account that is no member of the site;
- ``max_response_time`` is on, at 5 s: these answers take milliseconds, so only a
  pathological one trips it.

Five answers no JSON Schema can foresee are let through, each only as the server documents
it (``known_disagreement``). Everything is derandomised (a fixed seed, deterministic
generation): the same requests every run, so a failure can be replayed. A second, short run
sends each operation without credentials and with a token that is not valid: 401, as
documented.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypatia.text import TextIndex
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.engine.run import PhaseName
from schemathesis.openapi.checks import RejectedPositiveData, UseAfterFree

from pleio_core.catalog.model import FAMILY
from pleio_core.catalog.query import InvalidSearch, parse_text
from pleio_core.testing import PleioTestSetup, bearer, make_token, sign_in_client

HOST = "kia.localhost"
#: Generated requests per operation in the fuzzing phase (the coverage phase sends what the
#: schemas' boundaries need): all three runs take 30-50 s on two busy cores.
EXAMPLES = 10
STATEFUL_STEPS = 10
#: Where new content is added: the fuzzing and coverage phases would draw a path that is not
#: there, and the stateful phase starts from content it made.
CONTAINER = "notes"
#: The types that may be added there (the document lists every type of the site's modules).
ADDABLE = {"note"}


@dataclass
class LiveApi:
    client: Any  # WebTest, straight to the app
    base_url: str
    host: str  # the Host header: the site is chosen by it
    member: dict[str, str]  # the member's credentials
    outsider: dict[str, str]  # an account that is no member of the site


@pytest.fixture
def live_api(
    pleio_setup: PleioTestSetup, notes_plugin: str, polls_plugin: str, live_server_factory
) -> LiveApi:
    """Site kia with the notes type, and the polls plugin's own endpoints."""
    pleio_setup.write_site("kia", modules=("notes", "polls"))
    pleio_setup.create_account("member@example.nl", kia="member")
    pleio_setup.create_account("outsider@example.nl")
    app = pleio_setup.make_app()
    member = make_token(sign_in_client(pleio_setup, app, "member@example.nl", HOST), "kia")
    outsider = make_token(sign_in_client(pleio_setup, app, "outsider@example.nl", HOST), "kia")
    server = live_server_factory(app)
    return LiveApi(
        pleio_setup.client(app),
        f"http://127.0.0.1:{server.port}",
        f"{HOST}:{server.port}",
        bearer(member),
        bearer(outsider),
    )


def engine_config(api: LiveApi, wfc: Path | None, headers: dict[str, str], thorough: bool) -> str:
    """The run's settings, as a schemathesis.toml would have them. With ``wfc`` (a file naming
    the member and the outsider), requests are the member's and the outsider is the peer;
    ``thorough`` runs the coverage and stateful phases too."""
    sections = [
        "seed = 20261202",
        f'base-url = "{api.base_url}"',
        "[headers]",
        f'Host = "{api.host}"',
        *(f'{name} = "{value}"' for name, value in headers.items()),
        "[generation]",
        "deterministic = true",
        f"max-examples = {EXAMPLES}",
        "[checks]",
        "max_response_time = 5.0",
        "[phases.coverage]",
        f"enabled = {str(thorough).lower()}",
        "[phases.stateful]",
        f"enabled = {str(thorough).lower()}",
        f"max-steps = {STATEFUL_STEPS}",
        "[[operations]]",
        'include-name = "POST /api/v1/content/{path}"',
        f'parameters = {{ path = "{CONTAINER}" }}',
    ]
    if wfc is not None:
        sections += [
            "[auth.wfc]",
            f'path = "{wfc}"',
            'user = "member"',
            'peers = ["member", "outsider"]',
        ]
    return "\n".join(sections)


def wfc_file(api: LiveApi, tmp_path: Path) -> Path:
    """The identities, in the Web Fuzzing Commons format schemathesis reads."""
    identities = {"member": api.member, "outsider": api.outsider}
    auth = [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": h["Authorization"]}]}
        for name, h in identities.items()
    ]
    path = tmp_path / "wfc-auth.json"
    path.write_text(json.dumps({"auth": auth}))
    return path


def search_text_not_searchable(text: str) -> bool:
    """The catalog's own rule (words not too common, not only excluded ones): no schema states
    it, so a valid-looking text it refuses is refused with 422, and told why."""
    try:
        parse_text(TextIndex("text", family=FAMILY), text)
    except InvalidSearch:
        return True
    return False


CONTENT_WRITES = ("POST /api/v1/content/{path}", "PATCH /api/v1/content/{path}")


def ends_before_it_starts(api: LiveApi, case) -> bool:
    """Whether the request's end of publication is at or before the start it would have."""
    body = case.body if isinstance(case.body, dict) else {}
    start = body.get("publish_at")
    if "publish_at" not in body and case.operation.label.startswith("PATCH"):
        path = case.path_parameters["path"]
        stored = api.client.get(
            f"/api/v1/content/{path}", headers=api.member, host=HOST, expect_errors=True
        )
        start = stored.json.get("publish_at") if stored.status_int == 200 else None
    end = body.get("publish_until")
    if not (isinstance(start, str) and isinstance(end, str)):
        return False
    try:
        return datetime.fromisoformat(end) <= datetime.fromisoformat(start)
    except (TypeError, ValueError):
        return False


def known_disagreement(api: LiveApi, document: dict[str, Any]):
    """The ``filter_failure`` hook for the answers no JSON Schema can foresee; each is let
    through only exactly as the server documents it, every other failure stays."""
    schemas = document["components"]["schemas"]
    # fields of the site's other types: the document cannot say which type is at a path
    others = {
        name
        for key, schema in schemas.items()
        if key.endswith("Change") and key != "NoteChange"
        for name in schema["properties"]
    } - set(schemas["NoteChange"]["properties"])

    def filter_failure(context, failure, case, response) -> bool:
        label = case.operation.label
        if isinstance(failure, RejectedPositiveData) and response.status_code == 422:
            fields = set(response.json().get("errors", {}))
            # a type the document names but that cannot be added in this container (the
            # polls module's question, in the notes folder): "this type cannot be added here"
            if label == "POST /api/v1/content/{path}" and fields == {"type"}:
                return case.body.get("type") in ADDABLE
            # a change sending a field of another type than the one at the path (PATCH
            # takes any type's Change): "there is no such field"
            if label == "PATCH /api/v1/content/{path}" and fields and fields <= others:
                return False
            # an end of publication at or before its start (a rule between two fields; on a
            # PATCH the start may be the stored one)
            if label in CONTENT_WRITES and fields == {"publish_until"}:
                return not ends_before_it_starts(api, case)
            # the text of a search must hold a word the index keeps
            if label == "GET /api/v1/search" and fields == {"text"}:
                return not search_text_not_searchable(case.query.get("text", ""))
            # a reply to a comment that is not there (test_api pins 422 and the field)
            if label == "POST /api/v1/comments/{path}" and fields == {"reply_to"}:
                path = case.path_parameters["path"]
                thread = api.client.get(
                    f"/api/v1/comments/{path}", headers=api.member, host=HOST, expect_errors=True
                )
                ids = {c["id"] for c in thread.json["items"]} if thread.status_int == 200 else None
                return ids is None or case.body.get("reply_to") in ids
        # DELETE /api/v1/likes/{path} takes back the caller's like (200 and the counts, as
        # documented), and DELETE /api/v1/comments/{path}?id=… removes one comment (204;
        # test_api pins that it is gone): the likes and the thread are still there to read
        return not (
            isinstance(failure, UseAfterFree)
            and failure.free.startswith(("DELETE /api/v1/likes/", "DELETE /api/v1/comments/"))
        )

    return filter_failure


@dataclass
class Run:
    failures: list[str]  # readably
    phases: set[PhaseName]  # that sent requests
    checks: set[str]  # that judged an answer
    steps: list[tuple[str, int]]  # the stateful phase's linked steps: operation and status


def run_engine(api: LiveApi, document: dict[str, Any], config: str) -> Run:
    schema = schemathesis.openapi.from_dict(document, config=SchemathesisConfig.from_str(config))
    schema.hook("filter_failure")(known_disagreement(api, document))
    # every check of schemathesis is on, and the response time limit too
    load_all_checks()
    switched = schema.config.checks_config_for()
    names = CHECKS.get_all_names()
    assert [name for name in names if not switched.get_by_name(name=name).enabled] == []
    assert switched.max_response_time.enabled
    run = Run([], set(), set(), [])
    for event in from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            run.failures.append(f"engine: {getattr(event, 'info', event)!r}")
        if not isinstance(event, events.ScenarioFinished):
            continue
        recorder = event.recorder
        if recorder.cases:
            run.phases.add(event.phase)
        for case_id, checks in recorder.checks.items():
            case = recorder.cases[case_id].value
            interaction = recorder.interactions.get(case_id)
            status = interaction.response.status_code if interaction and interaction.response else 0
            if event.phase == PhaseName.STATEFUL_TESTING and recorder.cases[case_id].parent_id:
                run.steps.append((case.operation.label, status))
            for check in checks:
                run.checks.add(check.name)
                if check.status == Status.FAILURE:
                    failure = check.failure_info.failure if check.failure_info else None
                    what = f"{failure.title}\n    {failure.message}" if failure else ""
                    run.failures.append(
                        f"{check.name} on {case.operation.label} ({event.phase.value}): {what}"
                        f"\n    {case.method} {case.formatted_path} query={case.query} "
                        f"body={case.body!r:.300} -> {status}"
                    )
    return run


def test_the_api_answers_as_documented_under_every_check(live_api: LiveApi, tmp_path) -> None:
    api = live_api
    document = api.client.get("/api/v1/openapi.json", headers=api.member, host=HOST).json
    # (bounded by EXAMPLES, not by a clock: a timed test fails on a loaded machine, and
    # speed is measured in bench/)
    config = engine_config(api, wfc_file(api, tmp_path), {}, thorough=True)
    run = run_engine(api, document, config)
    assert not run.failures, "\n".join(run.failures)
    assert {PhaseName.COVERAGE, PhaseName.FUZZING, PhaseName.STATEFUL_TESTING} <= run.phases
    assert run.checks == {*CHECKS.get_all_names(), "max_response_time"}  # each judged answers
    # the stateful phase reached content it made: read it, commented on it, removed it
    reached = {label for label, status in run.steps if 200 <= status < 300}
    assert {
        "GET /api/v1/content/{path}",
        "POST /api/v1/comments/{path}",
        "DELETE /api/v1/content/{path}",
    } <= reached, run.steps
    # and without credentials, or with a token that is not valid: 401, as documented
    for headers in ({}, bearer("pleio_revoked")):
        config = engine_config(api, None, headers, thorough=False)
        assert not (failures := run_engine(api, document, config).failures), "\n".join(failures)
