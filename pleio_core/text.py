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
#: U+FDD0..U+FDEF and the last two code points of every plane.
_FORBIDDEN_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
FORBIDDEN = re.compile(f"[{_FORBIDDEN_CLASS}]")
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


def forbidden_character(text: str) -> str | None:
    """The first character ``text`` may not hold, or None."""
    found = FORBIDDEN.search(text)
    return found.group() if found else None


def code_point(character: str) -> str:
    """``U+D800``: how a message names a character that cannot be shown."""
    return f"U+{ord(character):04X}"


def clean(text: str) -> str:
    """``text`` with every forbidden character replaced by U+FFFD (the text itself when it
    has none, which is the rule: the search costs far less than the copy)."""
    if FORBIDDEN.search(text) is None:
        return text
    return FORBIDDEN.sub(REPLACEMENT, text)


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps`` for answers: UTF-8 text as it is, cleaned like a page (a lone surrogate
    would otherwise go out as a ``\\ud800`` escape that strict clients refuse)."""
    return clean(json.dumps(value, ensure_ascii=False, **options))
