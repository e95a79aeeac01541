"""Security headers on every kind of response, and security.txt on every host."""

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.security.headers import security_headers_tween_factory
from pleio_core.settings import PleioSettings, SettingsError
from pleio_core.testing import PleioTestSetup

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self' http://localhost; "
    "frame-ancestors 'self'"
)
STRICT_CSP = "default-src 'none'"


def strict_page(request: Request) -> Response:
    return Response("strict", headers={"Content-Security-Policy": STRICT_CSP})


def configure(config: Configurator) -> None:
    # Pyramid includes a module once, so this stays right when pleio_core.security includes it
    config.include("pleio_core.security.headers")
    config.add_route("strict", "/strict", factory=lambda request: None)
    config.add_view(strict_page, route_name="strict", permission=NO_PERMISSION_REQUIRED)


@pytest.fixture
def client(pleio_setup: PleioTestSetup):
    pleio_setup.write_site("alpha", modules=("wiki",))
    client = pleio_setup.client(pleio_setup.make_app(configure=configure))
    client.get("/", host="alpha.localhost")  # the first request creates the site's database
    return client


def assert_secured(response, csp: str = CSP) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.headers.get("Content-Security-Policy") == csp
    assert "Strict-Transport-Security" not in response.headers


def test_site_pages_and_cached_pages(client) -> None:
    assert_secured(client.get("/", host="alpha.localhost"))
    assert client.get("/wiki/", host="alpha.localhost").headers["X-Pleio-Cache"] == "miss"
    cached = client.get("/wiki/", host="alpha.localhost")
    assert cached.headers["X-Pleio-Cache"] == "hit"
    assert_secured(cached)


def test_error_pages(client) -> None:
    assert_secured(client.get("/nope", host="alpha.localhost", status=404))
    assert_secured(client.get("/", host="nobody.localhost", status=404))
    assert_secured(client.get("/", host="bad_host!", status=400))


def test_static_files_json_and_redirects(client) -> None:
    static = client.get("/static/pleio.css")
    assert static.content_type == "text/css"
    assert_secured(static)
    health = client.get("/_health")
    assert health.json["status"] == "ok"
    assert_secured(health)
    assert_secured(client.get("/@@language?lang=en&came_from=/", status=303))


def test_a_header_the_view_set_is_kept(client) -> None:
    response = client.get("/strict")
    assert response.headers["Content-Security-Policy"] == STRICT_CSP
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_forms_may_post_to_the_platform_host_on_the_same_scheme_and_port(client) -> None:
    def form_action(**kw) -> str:
        csp = client.get("/", expect_errors=True, **kw).headers["Content-Security-Policy"]
        return next(d for d in csp.split("; ") if d.startswith("form-action"))

    assert form_action(host="alpha.localhost:8080") == "form-action 'self' http://localhost:8080"
    https = {"wsgi.url_scheme": "https"}
    assert form_action(host="alpha.localhost", extra_environ=https) == (
        "form-action 'self' https://localhost"
    )
    assert form_action(host="alpha.localhost:8443", extra_environ=https) == (
        "form-action 'self' https://localhost:8443"
    )
    # a port that is no number is the client's text: refused (400), and kept out of the policy
    assert client.get("/", host="alpha.localhost:1;script-src *", status=400)
    assert form_action(host="alpha.localhost:1;script-src *") == "form-action 'self'"


def test_hsts_only_in_production(pleio_setup: PleioTestSetup) -> None:
    app = pleio_setup.make_app(
        configure=configure,
        **{"pleio.secure_cookies": "true", "pleio.secret": secrets.token_urlsafe(48)},
    )
    client = pleio_setup.client(app)
    for response in (client.get("/"), client.get("/nope", status=404)):
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )


def test_raised_responses_get_the_headers_too(client) -> None:
    """An HTTP exception raised below the exception views may be sent as it is."""
    from pyramid.httpexceptions import HTTPServiceUnavailable
    from pyramid.request import apply_request_extensions

    def handler(request: Request) -> Response:
        raise HTTPServiceUnavailable()

    tween = security_headers_tween_factory(handler, client.registry)
    request = Request.blank("/", headers={"Host": "localhost"})
    request.registry = client.registry
    apply_request_extensions(request)  # as the router does before the tweens
    with pytest.raises(HTTPServiceUnavailable) as raised:
        tween(request)
    assert_secured(raised.value)


def test_security_txt_on_every_host(client) -> None:
    year = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%d")
    for host in ("localhost", "alpha.localhost"):
        response = client.get("/.well-known/security.txt", host=host)
        assert response.content_type == "text/plain" and response.charset == "utf-8"
        lines = response.text.splitlines()
        assert lines[0] == "Contact: mailto:security@localhost"
        assert lines[1].startswith(f"Expires: {year}T") and lines[1].endswith("Z")
        assert lines[2:] == [
            "Preferred-Languages: nl, en",
            f"Canonical: http://{host}/.well-known/security.txt",
        ]
        assert_secured(response)
    client.get("/.well-known/security.txt", host="bad_host!", status=400)


def test_security_txt_from_settings(pleio_setup: PleioTestSetup) -> None:
    app = pleio_setup.make_app(
        configure=configure,
        **{
            "pleio.security_contact": "https://example.nl/melden mailto:cert@example.nl",
            "pleio.security_expires": "2030-01-01T12:00:00+01:00",
        },
    )
    text = pleio_setup.client(app).get("/.well-known/security.txt").text
    assert text.startswith(
        "Contact: https://example.nl/melden\n"
        "Contact: mailto:cert@example.nl\n"
        "Expires: 2030-01-01T11:00:00Z\n"
    )


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("pleio.security_contact", "security@example.nl", "must start with mailto: or https://"),
        ("pleio.security_contact", "http://example.nl/", "must start with mailto: or https://"),
        ("pleio.security_expires", "next year", "must be an ISO 8601 date"),
    ],
)
def test_bad_settings_stop_start_up(key: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        PleioSettings.from_settings({"pleio.secret": "s" * 40, key: value})
