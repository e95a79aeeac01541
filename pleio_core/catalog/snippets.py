"""Snippets: a few lines of a result's text around the first word searched for, marked."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+")
WORDS = 30
BEFORE = 8  # words shown before the first match


def matches(word: str, terms: Sequence[str]) -> bool:
    """Whether ``word`` is one searched for (the index lower-cases; a glob is a prefix)."""
    word = word.lower()
    return any(word == t or (t.endswith("*") and word.startswith(t[:-1])) for t in terms)


def snippet(text: str, terms: Sequence[str], length: int = WORDS) -> str:
    """Safe HTML: up to ``length`` words of ``text`` (plain, unescaped), matches in <mark>."""
    words = list(_WORD.finditer(text))
    if not words:
        return ""
    first = next((n for n, w in enumerate(words) if matches(w.group(), terms)), None)
    start = max(0, first - min(BEFORE, length // 3)) if first is not None else 0
    end = min(len(words), start + length)
    parts = ["… "] if start else []
    position = words[start].start()
    for word in words[start:end]:
        parts.append(html.escape(text[position : word.start()]))
        escaped = html.escape(word.group())
        parts.append(f"<mark>{escaped}</mark>" if matches(word.group(), terms) else escaped)
        position = word.end()
    if end < len(words):
        parts.append(" …")
    return "".join(parts)
