"""What a plugin adds through the core: searchable text for its type, its part of a
person's data export, and API endpoints of its own (see the ``polls`` test plugin)."""

from __future__ import annotations

import io
import json
import logging
import zipfile

import pytest

from pleio_core.testing import (
    PleioTestSetup,
    assert_valid_html,
    axe_violations,
    bearer,
    csrf_token,
    make_token,
    sign_in_client,
    signed_in_page,
)
from pleio_core.testing.plugins import POLLS_PLUGIN

HOST = "alpha.localhost"
WORD = "antwoordwoord"


@pytest.fixture
def alpha(pleio_setup: PleioTestSetup, polls_plugin):
    pleio_setup.write_site("alpha", modules=["polls"])
    pleio_setup.write_site("beta", modules=["wiki"])
    pleio_setup.create_account("anne@example.nl", "Anne", alpha="member", beta="member")
    pleio_setup.create_account("bert@example.nl", "Bert", alpha="member")
    app = pleio_setup.make_app()
    return pleio_setup, app


def token_of(setup, app, email: str, host: str = HOST) -> dict[str, str]:
    return bearer(
        make_token(sign_in_client(setup, app, email, host), host.split(".", maxsplit=1)[0])
    )


def test_the_types_own_text_is_found(alpha) -> None:
    setup, app = alpha
    anne = token_of(setup, app, "anne@example.nl")
    client = setup.client(app, host=HOST)
    body = {"type": "poll_question", "title": "Welke kleur?", "answer": f"Blauw, {WORD}"}
    body["access"] = "public"
    client.post_json("/api/v1/content/polls", body, headers=anne, status=201)
    found = client.get(f"/api/v1/search?text={WORD}").json
    assert [hit["title"] for hit in found["items"]] == ["Welke kleur?"]
    assert client.get("/api/v1/search?text=Blauw").json["total"] == 1


def test_searchable_text_that_raises_is_left_out_not_the_save(
    pleio_setup: PleioTestSetup, plugin_installer, caplog
) -> None:
    plugin_installer("polls", POLLS_PLUGIN.replace("question.answer", "question.answer / 0"))
    pleio_setup.write_site("alpha", modules=["polls"])
    pleio_setup.create_account("anne@example.nl", "Anne", alpha="member")
    app = pleio_setup.make_app()
    anne = token_of(pleio_setup, app, "anne@example.nl")
    client = pleio_setup.client(app, host=HOST)
    body = {"type": "poll_question", "title": "Zoekbaar toch", "answer": WORD, "access": "public"}
    with caplog.at_level(logging.ERROR):
        client.post_json("/api/v1/content/polls", body, headers=anne, status=201)
    assert "searchable_text of poll_question raised: left out" in caplog.text
    assert client.get("/api/v1/search?text=zoekbaar").json["total"] == 1
    assert client.get(f"/api/v1/search?text={WORD}").json["total"] == 0


def test_a_plugins_endpoints_check_and_answer_as_the_cores_do(alpha) -> None:
    setup, app = alpha
    anne = token_of(setup, app, "anne@example.nl")
    client = setup.client(app, host=HOST)
    base = "/api/v1/modules/polls"
    assert client.get(f"{base}/results?poll=kleur").json == {"poll": "kleur", "votes": 0}
    vote = {"poll": "kleur", "choice": 2}
    assert client.post_json(f"{base}/vote", vote, status=401).json["error"]
    assert client.post_json(f"{base}/vote", vote, headers=anne).json["votes"] == 1
    refused = client.post_json(f"{base}/vote", vote, headers=anne, status=409).json
    assert refused["error"] == "You voted on this poll already."
    bert = setup.signed_in(app, "bert@example.nl", HOST)  # a browser: its cookie
    bert.post_json(f"{base}/vote", vote, status=403)  # without the X-CSRF-Token header
    csrf = {"X-CSRF-Token": csrf_token(bert, HOST)}
    assert bert.post_json(f"{base}/vote", vote, headers=csrf).json["votes"] == 2
    # bad input: 400 and 422 with a message per field, in the caller's language
    wrong = client.post_json(f"{base}/vote", {"poll": "", "choice": 9}, headers=anne, status=422)
    assert set(wrong.json["errors"]) == {"poll", "choice"}
    typed = client.post_json(f"{base}/vote", {"poll": "x", "choice": "2"}, headers=anne, status=422)
    assert typed.json["errors"] == {"choice": "Stuur dit als JSON-integer."}
    extra = {**vote, "poll": "ander", "more": 1}
    assert client.post_json(f"{base}/vote", extra, headers=anne, status=422).json["errors"] == {
        "more": "Dit veld bestaat niet."
    }
    client.post(f"{base}/vote", "{", headers={**anne, "Content-Type": "application/json"},
                status=400)  # fmt: skip
    client.get(f"{base}/results", status=422)
    assert client.get(f"{base}/results?poll=a&poll=b", status=422).json["errors"] == {
        "poll": "Stuur dit één keer."
    }
    client.get(f"{base}/results?poll=a&other=1", status=422)
    client.delete(f"{base}/vote", headers=anne, status=405)
    client.get(f"{base}/nothing", status=404)
    # where the module is off, it is not there; nor in the document
    beta = setup.client(app, host="beta.localhost")
    assert beta.get(f"{base}/results?poll=kleur", status=404).content_type == "application/json"
    assert not [p for p in beta.get("/api/v1/openapi.json").json["paths"] if "/modules/" in p]


def test_the_endpoints_are_in_the_document(alpha) -> None:
    setup, app = alpha
    paths = setup.client(app, host=HOST).get("/api/v1/openapi.json").json["paths"]
    results = paths["/api/v1/modules/polls/results"]["get"]
    assert results["summary"] == "Votes on a poll"
    assert results["parameters"][0]["name"] == "poll" and results["parameters"][0]["required"]
    assert "security" not in results
    vote = paths["/api/v1/modules/polls/vote"]["post"]
    schema = vote["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["poll", "choice"]
    choice = {"type": "integer", "minimum": 1, "maximum": 5, "title": "Choice"}
    assert schema["properties"]["choice"] == choice
    assert vote["security"] and {"200", "401", "403", "422"} <= set(vote["responses"])


def test_the_plugins_part_of_my_data(alpha) -> None:
    setup, app = alpha
    for email, choice in (("anne@example.nl", 1), ("bert@example.nl", 4)):
        token = token_of(setup, app, email)
        setup.client(app, host=HOST).post_json(
            "/api/v1/modules/polls/vote", {"poll": "kleur", "choice": choice}, headers=token
        )
    bert = setup.signed_in(app, "bert@example.nl", HOST)
    response = bert.get("/@@my-data").forms["my-data-form"].submit(status=200)
    with zipfile.ZipFile(io.BytesIO(response.body)) as zf:
        assert json.loads(zf.read("plugins/polls.json")) == {
            "votes": [{"poll": "kleur", "choice": 4}]
        }
        assert json.loads(zf.read("manifest.json"))["plugins"] == ["polls"]


@pytest.mark.parametrize(
    "answer", ["raise RuntimeError('the votes are away')", "return {'when': object()}"]
)
def test_my_data_is_refused_rather_than_given_without_a_plugins_part(
    pleio_setup: PleioTestSetup, plugin_installer, answer: str
) -> None:
    broken = POLLS_PLUGIN.replace("    mine = [", f"    {answer}\n    mine = [", 1)
    plugin_installer("polls", broken)
    pleio_setup.write_site("alpha", modules=["polls"])
    pleio_setup.create_account("bert@example.nl", "Bert", alpha="member")
    app = pleio_setup.make_app()
    bert = pleio_setup.signed_in(app, "bert@example.nl", HOST)
    page = bert.get("/@@my-data").forms["my-data-form"].submit(status=409)
    assert page.content_type == "text/html"
    assert "de module polls kon haar deel niet geven" in page.text
    assert_valid_html({"my data, refused": page.body})


def test_the_refused_my_data_page_passes_axe(
    pleio_setup: PleioTestSetup, plugin_installer, live_server_factory, browser
) -> None:
    broken = POLLS_PLUGIN.replace("    mine = [", "    raise RuntimeError('away')\n    mine = [", 1)
    plugin_installer("polls", broken)
    pleio_setup.write_site("alpha", modules=["polls"])
    pleio_setup.create_account("bert@example.nl", "Bert", alpha="member")
    server = live_server_factory(pleio_setup.make_app())
    page = signed_in_page(browser, server, HOST, "bert@example.nl")
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(server.url(HOST, "/@@my-data"))
        page.get_by_role("button", name="Mijn gegevens downloaden").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_role("alert").is_visible()
        assert axe_violations(page) == [], width
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), width
    page.context.close()
