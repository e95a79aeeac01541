"""The community's parts beside groups: each a sub-package with the same few functions
(``includeme``, ``sample_content``, ``export_extra``, ``import_extra``, ``personal_data``,
and, if its items say more in a listing than their title, ``listing_note``)."""

from __future__ import annotations

from pyramid.request import Request

from . import discussions, events, polls

PARTS = (discussions, polls, events)


def listing_note(request: Request, item: object) -> str:
    """What a listing says of ``item`` beside its title ("3 answers · answered"), or ""."""
    notes = (getattr(part, "listing_note", None) for part in PARTS)
    return " · ".join(n for note in notes if note is not None and (n := note(request, item)))
