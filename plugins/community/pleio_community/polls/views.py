"""A poll's pages: the poll with its ballot form and results, voting, and closing it.

Adding, editing and deleting a poll are the core's pages for every content type.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPForbidden, HTTPSeeOther
from pyramid.renderers import get_renderer
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import (
    CONTENT_TYPES,
    ModuleFolder,
    content_view,
    folder_title,
    now,
    update_content,
)

from ..i18n import DOMAIN, _
from ..refusals import refuse
from .model import AFTER_VOTING, Poll, VoteRefused, cast_vote

TEMPLATE = "pleio_community:polls/templates/poll.pt"
CONTENT_PAGE = "pleio_core:templates/content.pt"


def poll_view(context: Poll, request: Request, error: Any = None) -> dict[str, Any]:
    values = content_view(context, request)
    identity = request.identity
    account_id = identity.id if identity is not None else None
    ballot = context.ballot_of(account_id)
    moment = now()
    closed, open_ = context.is_closed(moment), context.accepts_votes(moment)
    # the results: after closing to everyone who sees the poll; before that to whoever voted
    # in a poll that shows them after voting, and to those who may edit it (they keep track)
    shown = closed or (ballot is not None and context.results == AFTER_VOTING)
    shown = shown or values["can_edit"]
    voters, tally = context.tally(account_id) if shown else (0, [])
    parent: Any = context.__parent__
    mine = ballot.choices if ballot is not None else ()
    in_folder = isinstance(parent, ModuleFolder)
    values.update(
        parent_url=request.resource_url(parent),
        parent_title=folder_title(request, parent) if in_folder else parent.title,
        my_choices=", ".join(context.choices[i] for i in mine),
        ballot=ballot,
        takes_part=values["can_take_part"],
        may_vote=ballot is None and open_ and values["can_take_part"],
        may_close=open_ and values["can_edit"],
        closed=closed,
        results_shown=shown,
        tally=tally,
        voters=request.localizer.pluralize(
            "${count} voter", "${count} voters", voters, domain=DOMAIN, mapping={"count": voters}
        ),
        voted=request.GET.get("voted") == "1" and ballot is not None,
        error=error,
        content_macros=get_renderer(CONTENT_PAGE).implementation().macros,
    )
    return values


def _refuse(context: Poll, request: Request, message: Any, status: int) -> Response:
    """The poll again, with why the vote was not counted; nothing was written."""
    return refuse(TEMPLATE, poll_view(context, request, message), request, status)


def vote(context: Poll, request: Request) -> Any:
    """Count the signed-in member's ballot, once; a second one is refused (409)."""
    if request.identity is None or not request.has_permission("add", context):
        raise HTTPForbidden(_("Only those who take part here can vote."))
    serial = request.POST.get("serial")
    if serial is not None and serial != str(context.serial):
        message = _("The poll was changed after you opened it. Look at the choices again.")
        return _refuse(context, request, message, 409)
    try:
        cast_vote(context, request.identity.id, request.POST.getall("choice"), now())
    except VoteRefused as refused:
        return _refuse(context, request, refused.message, refused.status)
    return HTTPSeeOther(location=request.resource_url(context, query={"voted": 1}))


def close(context: Poll, request: Request) -> Any:
    """Close the poll now (its owner, the editors, the admins): its closing moment becomes
    this minute, so it shows in the edit form and travels with an export."""
    content_type = CONTENT_TYPES(request.registry).of(context)
    if context.accepts_votes() and content_type is not None:
        moment = now().replace(second=0, microsecond=0)
        update_content(
            request, context, content_type, {"closes_at": moment}, started_from=context.serial
        )
    return HTTPSeeOther(location=request.resource_url(context))


def includeme(config: Configurator) -> None:
    config.add_view(
        poll_view, context=Poll, renderer=TEMPLATE, request_method=("GET", "HEAD"),
        permission="view",
    )  # fmt: skip
    config.add_view(vote, context=Poll, name="vote", request_method="POST", permission="view")
    config.add_view(close, context=Poll, name="close", request_method="POST", permission="edit")
