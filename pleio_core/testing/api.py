"""Helpers for tests of the JSON API: clients signed in for it, the CSRF token a script in
a page would send, API tokens and app passwords made on the account page, and a check of
every answer against the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

from pleio_core.testing.sites import PleioTestSetup, page_csrf


def sign_in_client(setup: PleioTestSetup, app: Any, email: str, host: str) -> Any:
    """``setup.signed_in`` on ``host``, but a client whose requests go to the platform host
    unless a test names another (the API tests talk to both)."""
    client = setup.signed_in(app, email, host)
    client.host = "localhost"
    return client


def csrf_token(client: Any, host: str) -> str:
    """The CSRF token a page of ``host`` carries (what a script in the page would send)."""
    return page_csrf(client.get("/", host=host))


def make_token(client: Any, site: str, name: str = "script") -> str:
    """Make a token on the account page, as its holder would; the token shown once."""
    form = client.get("/account", host="localhost").forms["token-form"]
    form["token_name"], form["token_site"] = name, site
    made = form.submit(headers={"Host": "localhost"}, status=200)
    return made.html.find(id="new-token").text.strip()


def make_app_password(client: Any, site: str, name: str = "laptop") -> str:
    """Make an app password on the account page, as its holder would; shown once."""
    form = client.get("/account", host="localhost").forms["app-password-form"]
    form["app_password_name"], form["app_password_site"] = name, site
    made = form.submit(headers={"Host": "localhost"}, status=200)
    return made.html.find(id="new-app-password").text.strip()


def basic(login: str, password: str) -> dict[str, str]:
    """An ``Authorization: Basic`` header (what a WebDAV client sends)."""
    import base64

    pair = base64.b64encode(f"{login}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class ApiConformance:
    """Checks an answer's body against the response schema the OpenAPI document gives it."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def check(self, path: str, method: str, response: Any) -> None:
        operation = self.document["paths"][path][method.lower()]
        declared = operation["responses"].get(str(response.status_int))
        assert declared is not None, f"{method} {path}: {response.status_int} is not documented"
        content = declared.get("content")
        if content is None:
            assert not response.body, f"{method} {path}: {response.status_int} has a body"
            return
        assert response.content_type == "application/json"
        schema = {
            **content["application/json"]["schema"],
            "components": self.document["components"],
        }
        import jsonschema_rs  # comes with schemathesis (the test extra)

        validator = jsonschema_rs.validator_for(schema)
        errors = [str(e) for e in validator.iter_errors(json.loads(response.body))]
        assert not errors, f"{method} {path} {response.status_int}: {errors}"
