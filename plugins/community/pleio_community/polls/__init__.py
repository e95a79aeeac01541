"""The community's polls: a question with 2 to 20 choices, in the community or in a group.

One vote per account, never changed; the results after voting or after closing; an
optional closing moment, or closed by hand by who may edit the poll. The ballots are kept
so that votes cast at the same moment are all counted, and each account once (``model``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pyramid.config import Configurator
from pyramid.registry import Registry

from pleio_core.plugin_api import ContentAdded, now, unique_name

from ..i18n import _
from . import exchange
from .model import Poll
from .schema import PollSchema


def includeme(config: Configurator) -> None:
    """Declare the content types, views and notification kinds."""
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
    poll.owner_name = owner_name
    poll.set_body(text)
    poll.access = "public"
    poll.choices = choices
    poll.closes_at = now().replace(second=0, microsecond=0) + timedelta(days=14)
    poll.group = group.principal
    group.add(unique_name(group, title), poll)
    registry.notify(ContentAdded(poll))


def export_extra(content: object, email_of: Callable[[str | None], str | None]) -> dict | None:
    """What a site export carries beyond the schema's fields (None: nothing, or not ours)."""
    return exchange.export_extra(content, email_of)


def import_extra(
    content: object, data: Any, account_id: Callable[[str | None], str | None]
) -> bool:
    """Restore what export_extra gave; False if the content is not of our types."""
    return exchange.import_extra(content, data, account_id)


def personal_data(site: Any, account_id: str) -> dict | None:
    """The account's own part, for "Download my data"."""
    return exchange.personal_data(site, account_id)
