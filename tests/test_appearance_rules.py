"""The pure rules behind the appearance page: colours, WCAG contrast, image types."""

import pytest

from pleio_core.admin.contrast import contrast_ratio, shown_ratio
from pleio_core.sites.appearance import clean_colour, sniff_image_type


@pytest.mark.parametrize(
    "raw, clean",
    [("#01689B", "#01689b"), ("01689b", "#01689b"), ("#abc", "#aabbcc"), (" #fff ", "#ffffff")],
)
def test_colours_are_cleaned(raw, clean) -> None:
    assert clean_colour(raw) == clean


@pytest.mark.parametrize("raw", ["", "red", "#12345", "#gggggg", "rgb(0,0,0)", "#1234567"])
def test_what_is_not_a_hex_colour_is_refused(raw) -> None:
    assert clean_colour(raw) is None


def test_contrast_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert shown_ratio(contrast_ratio("#767676", "#ffffff")) == "4.54:1"  # the AA grey
    assert contrast_ratio("#777777", "#ffffff") < 4.5
    assert shown_ratio(4.4999) == "4.49:1"  # rounded down, never up to a pass


@pytest.mark.parametrize(
    "data, media_type",
    [
        (b"\x89PNG\r\n\x1a\n...", "image/png"),
        (b"\xff\xd8\xff\xe0...", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"MZ\x90\x00", None),
        (b"GIF89a", None),
        (b"RIFF\x00\x00\x00\x00WAVE", None),
    ],
)
def test_images_are_recognised_by_their_first_bytes(data, media_type) -> None:
    assert sniff_image_type(data) == media_type
