"""The gettext catalogues of a package, read with Babel: the messages its code and templates
use, what its Dutch catalogue lacks, and the English texts that must never show on a Dutch
page.

Messages are extracted as ``pybabel extract`` does with the ``[tool.babel]`` a plugin made by
``pleio plugin new`` has: ``_()`` and the other gettext names, ``pluralize(singular,
plural, n)`` (the localizer's ``ngettext``) in Python, and ``i18n:translate`` /
``i18n:attributes`` in Chameleon templates (``pleio_core.i18n.extract_templates``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The gettext names Babel knows, and the localizer's plural call.
KEYWORDS: dict[str, Any] = {"pluralize": (1, 2)}
METHODS = [
    ("**/plugin_template/**", "ignore"),  # the scaffold's files are templates of code
    ("**.py", "python"),
    ("**.pt", "pleio_core.i18n:extract_templates"),
]
#: ``${name}``: where a mapping's value goes into a message.
PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
#: Message ids that are keys with an English default in the code (``mail-verify-body``).
KEY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
#: Punctuation around a message's literal parts (en dash and middle dot included).
STRIPPED = " .,:;!?()-\u2013\u00b7\"'"
#: A number in a message that is a count of things (``${count}``), not between brackets.
COUNT = re.compile(r"(?<!\()\$\{count\}(?!\))")


@dataclass(frozen=True)
class Message:
    """One message a package uses: its id, its plural id if it has one, and where."""

    id: str
    plural: str | None
    places: tuple[str, ...]


def used_messages(package: Path) -> dict[str, Message]:
    """Every message the code and templates under ``package`` use, by id."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    found: dict[str, Message] = {}
    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}
    for filename, line, text, _comments, _context in extract_from_dir(
        str(package), METHODS, keywords=keywords, strip_comment_tags=True
    ):
        msgid, plural = (text[0], text[1]) if isinstance(text, tuple) else (text, None)
        place = f"{package.name}/{filename}:{line}"
        known = found.get(msgid)
        places = (*known.places, place) if known else (place,)
        found[msgid] = Message(msgid, plural or (known.plural if known else None), places)
    return found


def read_catalogue(po: Path) -> Any:
    """The ``.po`` file as a Babel catalogue."""
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        return read_po(f)


def untranslated(package: Path, po: Path) -> list[str]:
    """What the Dutch (or any) catalogue ``po`` lacks for the messages ``package`` uses: a
    message it does not have, has with an empty or fuzzy text, or has without the plural
    forms the code asks for. One line each, with where the message is used."""
    catalogue = read_catalogue(po)
    problems = []
    for message in sorted(used_messages(package).values(), key=lambda m: m.id):
        entry = catalogue.get(message.id)
        where = ", ".join(message.places[:2])
        if entry is None:
            problems.append(f"missing: {message.id!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {message.id!r} ({where})")
        elif message.plural and not isinstance(entry.id, tuple):
            problems.append(f"no msgid_plural: {message.id!r} ({where})")
        elif not all(entry.string if isinstance(entry.string, tuple) else [entry.string]):
            problems.append(f"empty: {message.id!r} ({where})")
    return problems


def unused(package: Path, po: Path) -> list[str]:
    """The messages of the catalogue ``po`` that the code and templates of ``package`` no
    longer use: left behind when a text changed, they only hide what is missing."""
    used = used_messages(package)
    ids = (entry.id for entry in read_catalogue(po) if entry.id)
    return sorted(i for i in (i[0] if isinstance(i, tuple) else i for i in ids) if i not in used)


def untranslatable(package: Path) -> list[str]:
    """The template messages under ``package`` that Chameleon can never translate, as
    ``file:line: message`` (``pleio_core.i18n.untranslatable_messages``)."""
    from pleio_core.i18n import untranslatable_messages

    return [
        f"{template.relative_to(package.parent)}:{line}: {message!r}"
        for template in sorted(package.rglob("*.pt"))
        if "plugin_template" not in template.parts
        for line, message in untranslatable_messages(template.read_text())
    ]


def counts_without_plural(package: Path) -> list[str]:
    """Messages that put a count (``${count}``) before a word without a plural form: "1
    leden". Such a message goes through ``pluralize``; a count in brackets needs none."""
    return [
        f"{m.id!r} ({', '.join(m.places[:2])})"
        for m in sorted(used_messages(package).values(), key=lambda m: m.id)
        if m.plural is None and COUNT.search(m.id)
    ]


def _dutch_texts(catalogues: Iterable[Any]) -> list[str]:
    texts: list[str] = []
    for catalogue in catalogues:
        for entry in catalogue:
            if entry.id:
                strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
                texts.extend(s for s in strings if s)
    return texts


def _fragments(entry: Any) -> list[str]:
    """The literal parts of an English message, between its placeholders."""
    ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
    parts = []
    for msgid in ids:
        for part in PLACEHOLDER.split(msgid):
            part = " ".join(part.split()).strip(STRIPPED)
            if part:
                parts.append(part)
    return parts


def _word_pattern(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")


def english_texts(pos: Iterable[Path]) -> list[str]:
    """The English texts of these Dutch catalogues that a Dutch page must never show.

    Every literal part of a message whose Dutch text differs from it, except what is too
    short to tell (one word of fewer than four letters), what is a key rather than a text,
    and what the Dutch texts themselves use ("Wiki", "API", "Markdown"). Longest first.
    """
    catalogues = [read_catalogue(po) for po in pos]
    dutch = "\n".join(_dutch_texts(catalogues))
    found: set[str] = set()
    for catalogue in catalogues:
        for entry in catalogue:
            texts = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
            if not entry.id or KEY_ID.match(ids[0]) or set(ids) == set(texts):
                continue
            for part in _fragments(entry):
                words = part.split()
                if len(words) == 1 and sum(c.isalpha() for c in part) < 4:
                    continue
                if _word_pattern(part).search(dutch):
                    continue
                found.add(part)
    return sorted(found, key=lambda t: (-len(t), t))


def english_pattern(texts: Iterable[str]) -> re.Pattern[str]:
    """One expression that finds any of ``texts`` as whole words (longest first)."""
    alternatives = "|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
