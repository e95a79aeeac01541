"""Colours and their contrast, as WCAG 2.1 measures it (success criterion 1.4.3)."""

from __future__ import annotations

import math
import re

HEX_COLOUR = re.compile(r"^#(?:[0-9a-f]{3}|[0-9a-f]{6})$")
#: Normal text needs 4.5:1 against its background (WCAG 2.1 AA).
MIN_TEXT_CONTRAST = 4.5
WHITE = "#ffffff"


def clean_colour(raw: str) -> str | None:
    """``raw`` as ``#rrggbb`` (lower case), or None if it is not a hex colour."""
    text = (raw or "").strip().lower()
    if text and not text.startswith("#"):
        text = "#" + text
    if not HEX_COLOUR.match(text):
        return None
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text


def relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def shown_ratio(ratio: float) -> str:
    """The ratio as a person reads it, rounded down: 4.49 must never show as 4.5."""
    return f"{math.floor(ratio * 100) / 100:.2f}:1"
