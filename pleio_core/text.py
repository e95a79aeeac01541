"""What a text may hold: the characters a site refuses at its edge and never sends out.

A Python string can hold code points that UTF-8 cannot encode (a lone surrogate, which a
JSON ``"\\ud800"`` escape makes) and characters that have no place in a text and that HTML
and XML forbid: NUL and the other control characters, and the Unicode non-characters. Such
a character breaks a page, an export or a mail wherever the text is encoded, long after it
was stored. So forms and the API refuse them (``security/textinput.py``), and what is sent
out is cleaned once more (``clean``), for text stored before they were refused.

Tab, line feed and carriage return are ordinary text and allowed.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: C0 controls but tab, LF and CR; DEL and the C1 controls; surrogates; the non-characters
#: U+FDD0..U+FDEF and U+FFFE, U+FFFF. Those of the other planes (U+1FFFE, …) in a class of
#: their own: ``re`` searches a class with them ten times slower, so it is asked only of a
#: text that has a character beyond the BMP at all.
_BMP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile(
    "["
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17))
    + "]"
)
REPLACEMENT = "\ufffd"

#: The same rule as a JSON Schema ``pattern`` (ECMA-262 with code points, as OpenAPI 3.1
#: and Python's ``re`` read it): BMP characters as ``\\u`` escapes, the rest literally. All
#: but the lone surrogates: Rust's regex (jsonschema-rs, which schemathesis uses) cannot
#: compile their range and then drops the whole pattern; and in JSON a lone surrogate only
#: comes as a ``\\ud800`` escape, which the server refuses all the same.
SCHEMA_PATTERN = (
    "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
    "\\ufdd0-\\ufdef\\ufffe\\uffff"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17))
    + "]*$"
)


def _beyond_bmp(text: str) -> bool:
    """Whether ``text`` has a character beyond the BMP: UTF-16 then needs two units for it
    (an encoding in C, far faster than comparing the characters one by one)."""
    return not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)


def forbidden_character(text: str) -> str | None:
    """A character ``text`` may not hold (the first, or one beyond the BMP), or None."""
    found = _BMP.search(text) or (_ASTRAL.search(text) if _beyond_bmp(text) else None)
    return found.group() if found else None


def code_point(character: str) -> str:
    """``U+D800``: how a message names a character that cannot be shown."""
    return f"U+{ord(character):04X}"


def clean(text: str) -> str:
    """``text`` with every forbidden character replaced by U+FFFD (the text itself when it
    has none, which is the rule: the search costs far less than the copy)."""
    if forbidden_character(text) is None:
        return text
    return _ASTRAL.sub(REPLACEMENT, _BMP.sub(REPLACEMENT, text))


def sendable(text: str) -> str:
    """``text`` as it is if UTF-8 can encode it, else cleaned: for what goes out (a page, an
    answer), where a lone surrogate would raise. Checking only that costs a fiftieth of
    ``clean`` on a page; the other characters are refused at the edge and cleaned out of
    old data by ``pleio clean-text``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return clean(text)
    return text


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps`` for answers: UTF-8 text as it is, made sendable like a page (a lone
    surrogate would otherwise go out as a ``\\ud800`` escape that strict clients refuse)."""
    return sendable(json.dumps(value, ensure_ascii=False, **options))


def whole_number(raw: str | None, maximum: int) -> int | None:
    """``raw`` as an int from 0 to ``maximum``, written in ASCII digits; None if it is
    anything else ("²" and "٣" are digits to ``str.isdigit`` but no number to ``int``)."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return None
    value = int(raw)
    return value if value <= maximum else None
