"""What changed between two revisions: an inline word diff of texts, and the changed fields.

The text diff compares the Markdown source, first line by line and then word by word
inside the lines that changed, so a long page with a few edits is compared in
milliseconds. Everything is HTML-escaped; added and removed words are wrapped in
``<ins>``/``<del>`` with a visually hidden label, so the change is not told by colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from html import escape
from typing import Any, NamedTuple

import colander

#: A word or a run of punctuation, with the white space after it; white space at the start.
_TOKEN = re.compile(r"\w+\s*|[^\w\s]+\s*|\s+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _marked(tag: str, label: str, text: str) -> str:
    """Words in ``<ins>``/``<del>``; the white space after them is left outside (a removed
    line break would otherwise break the new text's lines)."""
    words = text.rstrip()
    if not words:  # white space alone is not a change a reader can see
        return escape(text) if tag == "ins" else ""
    after = text[len(words) :] if tag == "ins" else " "
    marked = f'<span class="visually-hidden">{escape(label)} </span>{escape(words)}'
    return f"<{tag}>{marked}</{tag}>{escape(after)}"


def _word_diff(old: str, new: str, added: str, removed: str) -> Iterable[str]:
    a, b = _tokens(old), _tokens(new)
    # compared without their white space: a changed line break or space is no change
    words_a, words_b = [t.rstrip() or " " for t in a], [t.rstrip() or " " for t in b]
    for op, i1, i2, j1, j2 in SequenceMatcher(None, words_a, words_b).get_opcodes():
        if op == "equal":
            yield escape("".join(b[j1:j2]))
            continue
        if i2 > i1:
            yield _marked("del", removed, "".join(a[i1:i2]))
        if j2 > j1:
            yield _marked("ins", added, "".join(b[j1:j2]))


def diff_html(old: str, new: str, added: str = "added:", removed: str = "removed:") -> str:
    """``new`` as escaped HTML, with the words not in ``old`` in ``<ins>`` and the words gone
    in ``<del>``. ``added``/``removed`` are the (translated) labels screen readers hear.

    Line breaks are kept as they are: show the result with ``white-space: pre-wrap``.
    """
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
        else:
            parts.extend(_word_diff("".join(a[i1:i2]), "".join(b[j1:j2]), added, removed))
    return "".join(parts)


class FieldChange(NamedTuple):
    name: str
    title: Any  # the schema node's title (a translation string)
    old: Any
    new: Any


def changed_fields(
    schema: colander.SchemaNode,
    old: dict[str, Any],
    new: dict[str, Any],
    skip: Iterable[str] = ("body",),
) -> list[FieldChange]:
    """The fields of ``schema`` whose values differ, in the schema's order (``skip`` left
    out: the body gets ``diff_html``)."""
    skipped = set(skip)
    return [
        FieldChange(node.name, node.title, old.get(node.name), new.get(node.name))
        for node in schema.children
        if node.name not in skipped and old.get(node.name) != new.get(node.name)
    ]
