"""Whatever text goes into the intranet's fields, no page answers with a server error; and a
site export and import keeps the news' own fields, the lead image and the featured list."""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import quote

import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from pleio_core.testing import page_csrf

#: anything Unicode has (surrogates and the characters no text may hold too) and markup
TEXT = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from(["\ud800", "\x00", "\x1b", "\ufffe", "\u202e", "\u0301"]),
        st.sampled_from(list("<>&\"'[]()*_#@\n\t")),
    ),
    max_size=40,
)


def form_body(fields: dict[str, str]) -> bytes:
    """A urlencoded form as a browser would send it; a surrogate as a broken client sends it."""
    return "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in fields.items()
    ).encode()


@settings(
    max_examples=25, deadline=None, database=None, derandomize=True,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
@given(title=TEXT, body=TEXT, alt=TEXT)
def test_any_text_in_any_field_never_gives_a_server_error(world, title, body, alt) -> None:
    eva = world.client("eva")
    csrf = page_csrf(eva.get("/intranet/"))
    forms = {
        "news": {"title": title, "body": body, "lead_image_alt": alt, "access": "public"},
        "blog": {"title": title, "body": body, "tags": alt, "access": "public"},
        "intranet_page": {"title": title, "body": body, "access": "public"},
        "status": {"body": body, "access": "public"},
    }
    shown = ["/intranet/", "/intranet/@@news", "/intranet/@@news-feed", "/"]
    for type_name, fields in forms.items():
        answer = eva.post(
            f"/intranet/@@add?type={type_name}",
            form_body({"csrf_token": csrf, **fields}),
            content_type="application/x-www-form-urlencoded",
            expect_errors=True,
        )
        assert answer.status_int in (303, 400), (type_name, answer.status, answer.body[:300])
        if answer.status_int == 303:
            shown.append(answer.location.split(world.host, 1)[1])
        made = eva.post_json(
            "/api/v1/content/intranet", {"type": type_name, **fields},
            headers={"X-CSRF-Token": csrf}, expect_errors=True,
        )  # fmt: skip
        assert made.status_int in (201, 422), (type_name, made.status, made.body[:300])
        if made.status_int == 201:
            shown.append(f"/{made.json['path']}/")
    for path in shown:
        answer = world.client().get(path, expect_errors=True)
        assert answer.status_int < 500, (path, answer.status)


def test_an_export_and_import_keeps_the_news_fields_image_and_highlights(world) -> None:
    eva = world.client("eva")
    form = eva.get("/intranet/@@add?type=news").forms["content-form"]
    form["title"], form["featured"], form["pinned"] = "Groot nieuws", True, True
    form["access"].force_value("public")
    form["lead_image_alt"] = "Een groen vlak"
    out = io.BytesIO()
    Image.new("RGB", (60, 30), (0, 160, 0)).save(out, format="PNG")
    form["upload"] = webtest.Upload("groen.png", out.getvalue(), "image/png")
    form.submit("save", status=303)
    world.add("anne", "blog", title="Een blog")
    world.add("anne", "status", body="Even een statusbericht.")
    world.setup.close()
    archive = world.setup.root / "intra.zip"
    assert world.setup.pleio("site", "export", "intra", str(archive)) == 0
    with zipfile.ZipFile(archive) as zf:
        documents = [json.loads(zf.read(n)) for n in zf.namelist() if n.startswith("content/")]
    news = next(d for d in documents if d["type"] == "news")
    assert news["fields"]["featured"] == "true" and news["fields"]["pinned"] == "true"
    assert news["fields"]["lead_image"]["media_type"] == "image/png"
    assert news["extra"] == {"intranet": {"highlighted": True}}
    assert (
        world.setup.pleio("site", "import", "kopie", str(archive), "--host", "kopie.localhost") == 0
    )
    client = world.setup.client(world.setup.make_app(), host="kopie.localhost")
    front = client.get("/intranet/")
    assert [a.text for a in front.html.select(".intranet-highlights h3 a")] == ["Groot nieuws"]
    page = client.get("/intranet/groot-nieuws/")
    src = page.html.select_one(".lead-image img")
    assert src["alt"] == "Een groen vlak"
    assert client.get(src["src"].split("kopie.localhost", 1)[1]).content_type == "image/png"
    assert "Een blog" in front.text
