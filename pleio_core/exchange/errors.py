"""What goes wrong with an archive: the one error every part of the exchange raises.

Its own module, below ``archive``, ``safety`` and ``streaming``: the reader uses the checks
and the streaming parser, and they raise this error, so none of them needs another to load.
"""

from __future__ import annotations


class ArchiveError(ValueError):
    """An archive that cannot be imported; the message says why, in one line."""


def brief(text: str, limit: int = 300) -> str:
    """``text`` cut for a one-line message: a value quoted from an archive may be megabytes."""
    return text if len(text) <= limit else text[:limit] + "…"
