"""The lead image of a news item: read for what it is, made upright and small, stripped of
its metadata, served from its blob; what cannot be a lead image is refused, field by field,
with nothing written."""

from __future__ import annotations

import io
import os

import webtest
from PIL import Image

from pleio_core.testing import fill_form, page_csrf

GPS_IFD = 0x8825


def jpeg_with_exif(size=(3000, 2000)) -> bytes:
    """A JPEG whose EXIF says: turn me (orientation 6), made by a camera, and where."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to show upright
    exif[0x010F] = "Geheime camera"
    exif[0x013B] = "Anne de fotograaf"
    exif.get_ifd(GPS_IFD)[2] = (52.0, 5.0, 0.0)  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"een opmerking")
    return out.getvalue()


def image_bytes(kind: str, size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if kind != "GIF" else "P", size).save(out, format=kind)
    return out.getvalue()


def huge_png() -> bytes:
    """48 megapixels of one grey: a small file that would take much memory to decode."""
    out = io.BytesIO()
    Image.new("L", (8000, 6000), 128).save(out, format="PNG")
    return out.getvalue()


def news_form(world, who="eva", path="/intranet/@@add?type=news", **fields):
    form = world.client(who).get(path).forms["content-form"]
    fill_form(form, fields)
    return form


def add_news(world, data: bytes | None, filename="foto.jpg", status=303, **fields):
    fields = {
        "title": "Met beeld",
        "access": "public",
        "lead_image_alt": "Een rode vlakte",
        **fields,
    }
    form = news_form(world, **fields)
    if data is not None:
        form["upload"] = webtest.Upload(filename, data, "image/jpeg")
    return form.submit("save", status=status)


def stored_image(world, path="/intranet/met-beeld"):
    with world.committed(path) as news:
        image = news.lead_image
        return image and (image.media_type, image.filename, b"".join(image.chunks()))


def test_an_uploaded_photo_is_turned_made_smaller_and_stripped_of_its_metadata(world) -> None:
    add_news(world, jpeg_with_exif())
    media_type, filename, data = stored_image(world)
    assert (media_type, filename) == ("image/jpeg", "foto.jpg")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (1067, 1600)  # upright now (it was 3000×2000), at most 1600
        assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    assert b"Geheime camera" not in data and b"Anne de fotograaf" not in data
    page = world.client().get("/intranet/met-beeld/")
    img = page.html.select_one(".lead-image img")
    assert img["alt"] == "Een rode vlakte"
    served = world.client().get(img["src"].split(world.host, 1)[1])
    assert served.content_type == "image/jpeg" and served.body == data
    again = world.client().get(
        img["src"].split(world.host, 1)[1], headers={"If-None-Match": served.etag}, status=304
    )
    assert not again.body


def test_png_and_webp_keep_their_kind_and_a_name_does_not_decide_it(world) -> None:
    add_news(world, image_bytes("WEBP"), filename="plaatje.png", title="Met beeld")
    assert stored_image(world)[:2] == ("image/webp", "plaatje.webp")
    add_news(world, image_bytes("PNG", (2400, 600)), filename="x.jpg", title="Breed")
    media_type, _filename, data = stored_image(world, "/intranet/breed")
    assert media_type == "image/png" and Image.open(io.BytesIO(data)).size == (1600, 400)


def test_what_cannot_be_a_lead_image_is_refused_and_nothing_is_written(world) -> None:
    cases = {
        "not an image": (b"%PDF-1.4 geen afbeelding", "Dit bestand is geen afbeelding"),
        "a GIF": (image_bytes("GIF"), "Kies een PNG-, JPEG- of WebP-afbeelding"),
        "empty": (b"", None),  # no file is no image: the field is left as it is
        "too large": (os.urandom(10 * 1024 * 1024 + 1), "te groot: hoogstens 10 MB"),
        "truncated": (jpeg_with_exif()[:400], "Dit bestand is geen afbeelding"),
        "too many pixels": (huge_png(), "te veel pixels: hoogstens 40 megapixel"),
    }
    for case, (data, message) in cases.items():
        if message is None:
            continue
        refused = add_news(world, data, status=400)
        errors = " ".join(e.text for e in refused.html.select(".utrecht-form-field-error-message"))
        assert message in errors, (case, errors)
    refused = add_news(world, jpeg_with_exif((40, 40)), status=400, lead_image_alt="")
    assert "Beschrijf wat er op de afbeelding staat" in refused.text
    with world.committed("/intranet") as folder:
        assert "met-beeld" not in folder


def test_an_edit_keeps_the_image_and_it_can_be_taken_off(world) -> None:
    add_news(world, jpeg_with_exif((80, 40)))
    before = stored_image(world)
    form = news_form(world, path="/intranet/met-beeld/@@edit", body="Nieuwe tekst.")
    form.submit("save", status=303)
    assert stored_image(world) == before
    # the API echoes the image's facts back: still unchanged
    eva = world.client("eva")
    csrf = {"X-CSRF-Token": page_csrf(eva.get("/intranet/"))}
    got = eva.get("/api/v1/content/intranet/met-beeld").json
    assert got["lead_image"]["media_type"] == "image/jpeg"
    eva.patch_json(
        "/api/v1/content/intranet/met-beeld",
        {"serial": got["serial"], "lead_image": got["lead_image"], "title": "Met beeld"},
        headers=csrf,
    )
    assert stored_image(world) == before
    world.client("anne").post(
        "/intranet/met-beeld/@@remove-lead-image",
        {"csrf_token": page_csrf(world.client("anne").get("/intranet/"))},
        status=403,
    )
    page = eva.get("/intranet/met-beeld/")
    page.forms[next(k for k, f in page.forms.items() if "remove-lead-image" in f.action)].submit(
        status=303
    )
    assert stored_image(world) is None
    assert not eva.get("/intranet/met-beeld/").html.select(".lead-image")


def test_a_members_only_image_is_for_members_only(world) -> None:
    add_news(world, jpeg_with_exif((40, 40)), access="members")
    src = world.client("anne").get("/intranet/met-beeld/").html.select_one(".lead-image img")
    url = src["src"].split(world.host, 1)[1]
    assert world.client("anne").get(url).content_type == "image/jpeg"
    world.client().get(url, status=403)
