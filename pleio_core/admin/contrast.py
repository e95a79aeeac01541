"""The contrast of colours, as WCAG 2.1 measures it (success criterion 1.4.3).

Colours reach here as ``#rrggbb``, cleaned by ``sites.appearance.clean_colour``.
"""

from __future__ import annotations

import math

#: Normal text needs 4.5:1 against its background (WCAG 2.1 AA).
MIN_TEXT_CONTRAST = 4.5
WHITE = "#ffffff"


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
