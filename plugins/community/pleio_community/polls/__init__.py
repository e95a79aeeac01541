"""The community's polls: a question with 2 to 20 choices, in the community or in a group.

One vote per account, never changed; the results after voting or after closing; an
optional closing moment, or closed by hand by who may edit the poll. The ballots are kept
so that votes cast at the same moment are all counted, and each account once (``model``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pyramid.config import Configurator
from pyramid.registry import Registry

from pleio_core.plugin_api import now, unique_name

from ..i18n import _
from ..samples import add_sample
from .exchange import export_extra, import_extra, personal_data
from .model import Poll
from .schema import PollSchema


def includeme(config: Configurator) -> None:
    """Declare the content type and its views."""
    config.add_content_type(
        "poll", Poll, title=_("Poll"), schema=PollSchema, addable_to=("module", "group"),
        searchable_text=lambda poll: " ".join(poll.choices),
    )  # fmt: skip
    config.include(".views")


SAMPLE = {
    "nl": (
        "Op welke dag houden we het volgende overleg?",
        "Kies de dag die jou het beste past. Je ziet de uitslag zodra je hebt gestemd.",
        ("Maandag", "Dinsdag", "Donderdag"),
    ),
    "en": (
        "Which day suits our next meeting?",
        "Choose the day that suits you best. You see the results once you have voted.",
        ("Monday", "Tuesday", "Thursday"),
    ),
}


def sample_content(
    group: Any, registry: Registry, language: str, owner: str | None, owner_name: str
) -> None:
    """Put an example in the demo community's sample group."""
    if language not in SAMPLE:
        return
    title, text, choices = SAMPLE[language]
    poll = Poll(title, owner=owner)
    poll.choices = choices
    poll.closes_at = now().replace(second=0, microsecond=0) + timedelta(days=14)
    add_sample(group, registry, poll, unique_name(group, title), owner_name, text)


__all__ = ["Poll", "export_extra", "import_extra", "includeme", "personal_data", "sample_content"]
