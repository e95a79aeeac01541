"""A group's pages: the group with its content, joining and leaving, and its members.

Adding, editing and deleting a group are the core's pages for every content type.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import (
    ModuleFolder,
    add_links,
    content_view,
    display_name,
    folder_title,
    format_time,
    mail_accounts,
    mentioned_members,
    notify,
    visible_children,
)

from .groups import (
    CLOSED,
    JOIN_TITLES,
    MANAGE,
    MEMBER,
    OWNER,
    Group,
    MembershipError,
    ask_to_join,
    invite,
    remove_member,
    set_member,
    withdraw_request,
)
from .i18n import DOMAIN, _

TEMPLATES = "pleio_community:templates/"
ROLE_TITLES = {OWNER: _("Owner"), MEMBER: _("Member")}


def takes_part(request: Request, group: Group) -> bool:
    """Signed in and a member of the site, who may take part there (join its groups)."""
    return request.identity is not None and bool(request.has_permission("add", group.__parent__))


def may_join(request: Request, group: Group) -> bool:
    return takes_part(request, group) and group.role_of(request.identity.id) is None


def group_view(context: Group, request: Request, error: Any = None) -> dict[str, Any]:
    values = content_view(context, request)
    identity = request.identity
    account_id = identity.id if identity is not None else None
    values.update(
        role=context.role_of(account_id),
        asked=context.asked(account_id),
        may_join=may_join(request, context),
        joining_title=JOIN_TITLES.get(context.joining, context.joining),
        closed=context.joining == CLOSED and not context.invited(account_id),
        invited=context.invited(account_id) and context.role_of(account_id) is None,
        member_count=context.member_count(),
        error=error,
    )
    return values


class GroupCard(NamedTuple):
    group: Group
    href: str
    summary: str
    role: str | None
    asked: bool
    members: str  # "1 lid", "3 leden"


SUMMARY = 200  # characters of a group's description on the groups page


def groups_page(context: ModuleFolder, request: Request) -> dict[str, Any]:
    """The community's start page: your groups first, then the others you may see."""
    identity = request.identity
    account_id = identity.id if identity is not None else None
    cards, others = [], []
    for item in visible_children(request, context):
        if not isinstance(item, Group):
            others.append(item)
            continue
        text = item.text
        summary = text if len(text) <= SUMMARY else text[:SUMMARY].rsplit(" ", 1)[0] + " …"
        role = item.role_of(account_id)
        count = item.member_count()
        members = request.localizer.pluralize(
            "${count} member", "${count} members", count, domain=DOMAIN, mapping={"count": count}
        )
        cards.append(
            GroupCard(
                item, request.resource_url(item), summary, role, item.asked(account_id), members
            )
        )
    cards.sort(key=lambda c: c.group.title.casefold())
    title = folder_title(request, context)
    return {
        "title": title,
        "mine": [c for c in cards if c.role],
        "groups": [c for c in cards if not c.role],
        "others": others,
        "signed_in": identity is not None,
        "joining_titles": JOIN_TITLES,
        "add_links": add_links(request, context),
    }


def _refuse(template: str, values: dict[str, Any], request: Request) -> Response:
    """The page again, with why the change was not made (400); nothing was written."""
    response = render_to_response(TEMPLATES + template, values, request)
    response.status_int = 400
    return response


def join(context: Group, request: Request) -> Any:
    """Join an open group at once; ask to join a closed one."""
    if not takes_part(request, context):
        raise HTTPForbidden(_("Only members of this site can join its groups."))
    identity = request.identity
    if context.role_of(identity.id) is None:
        if context.joining != CLOSED or context.invited(identity.id):
            set_member(context, identity.id, identity.name)
        elif not context.asked(identity.id):
            ask_to_join(context, identity.id, identity.name)
            tell_owners(context, request, identity.name)
    return HTTPSeeOther(location=request.resource_url(context))


def tell_owners(group: Group, request: Request, name: str) -> None:
    """A request to join waits for an owner: each owner gets an e-mail with the way there."""
    mapping = {
        "name": name,
        "group": group.title,
        "url": request.resource_url(group, "@@members"),
    }
    subject = _("Request to join ${group}", mapping=mapping)
    body = _(
        "${name} asks to join the group ${group}.\n\nApprove or decline the request on the "
        "group's members page: ${url}",
        mapping=mapping,
    )
    mail_accounts(request, group.owners(), subject, body)


def tell_approved(group: Group, request: Request, account_id: str) -> None:
    mapping = {"group": group.title, "url": request.resource_url(group)}
    subject = _("You are a member of ${group}", mapping=mapping)
    body = _("Your request to join ${group} was approved. The group: ${url}", mapping=mapping)
    mail_accounts(request, [account_id], subject, body)


def leave(context: Group, request: Request) -> Any:
    """Leave the group, or withdraw a request to join it."""
    identity = request.identity
    if identity is None:
        raise HTTPForbidden()
    if withdraw_request(context, identity.id):
        return HTTPSeeOther(location=request.resource_url(context))
    try:
        remove_member(context, identity.id)
    except MembershipError as exc:
        return _refuse("group.pt", group_view(context, request, exc.args[0]), request)
    return HTTPSeeOther(location=request.resource_url(context))


def members_page(context: Group, request: Request, error: Any = None) -> dict[str, Any]:
    can_manage = bool(request.has_permission(MANAGE, context))
    return {
        "content": context,
        "members": sorted(  # by the names they have now (the group keeps those they had)
            context.member_list(),
            key=lambda m: (m.role != OWNER, display_name(request, m.account_id, m.name).casefold()),
        ),
        "requests": context.request_list() if can_manage else [],
        "can_manage": can_manage,
        "role_titles": ROLE_TITLES,
        "when": format_time,
        "me": request.identity.id if request.identity is not None else None,
        "error": error,
        "done": request.localizer.translate(DONE[done])
        if (done := request.GET.get("done")) in DONE
        else None,
    }


DONE = {
    "approve": _("The request was approved: they are a member now."),
    "decline": _("The request was declined."),
    "owner": _("They are an owner of the group now."),
    "member": _("They are a member of the group now, no longer an owner."),
    "remove": _("They were taken out of the group."),
    "invite": _("The invitations are sent: they find them in their notifications."),
}


def change_members(context: Group, request: Request) -> Any:
    """An owner approves or declines a request, makes someone owner or member, removes them."""
    action = request.POST.get("action", "")
    account_id = request.POST.get("account", "")
    if action not in DONE:
        raise HTTPBadRequest(_("Choose what to do."))
    if action == "invite":
        return invite_members(context, request)
    membership = context.members.get(account_id) if context.members is not None else None
    try:
        if action in ("approve", "decline"):
            if context.requests is None or not context.asked(account_id):
                raise MembershipError(_("There is no request to join from this person."))
            name = context.requests[account_id][0]
            if action == "approve":
                set_member(context, account_id, name)
                tell_approved(context, request, account_id)
            else:
                withdraw_request(context, account_id)
        elif membership is None:
            raise MembershipError(_("This person is not a member of the group."))
        elif action == "remove":
            remove_member(context, account_id)
        else:
            set_member(context, account_id, membership.name, OWNER if action == "owner" else MEMBER)
    except MembershipError as exc:
        return _refuse("members.pt", members_page(context, request, exc.args[0]), request)
    location = request.resource_url(context, "@@members", query={"done": action})
    return HTTPSeeOther(location=location)


def invite_members(context: Group, request: Request) -> Any:
    """An owner invites members of the site, named as in a mention (``@Ada Lovelace``):
    each is notified (``group-invitation``) and may join at once, also a closed group."""
    text = request.POST.get("people", "")
    named = mentioned_members(request, text) if isinstance(text, str) else set()
    invited = [a for a in sorted(named) if invite(context, a, request.identity.id)]
    if not named:
        error = _("Name members of the site with an @, as in @Ada Lovelace.")
        return _refuse("members.pt", members_page(context, request, error), request)
    notify(request, "group-invitation", invited, context)
    location = request.resource_url(context, "@@members", query={"done": "invite"})
    return HTTPSeeOther(location=location)


def includeme(config: Configurator) -> None:
    template = TEMPLATES
    config.add_view(
        group_view, context=Group, renderer=template + "group.pt",
        request_method=("GET", "HEAD"), permission="view",
    )  # fmt: skip
    config.add_view(
        groups_page, context=ModuleFolder, module_folder="community",
        renderer=template + "groups.pt", request_method=("GET", "HEAD"), permission="view",
    )  # fmt: skip
    config.add_view(join, context=Group, name="join", request_method="POST", permission="view")
    config.add_view(leave, context=Group, name="leave", request_method="POST", permission="view")
    config.add_view(
        members_page, context=Group, name="members", renderer=template + "members.pt",
        request_method=("GET", "HEAD"), permission="view",
    )  # fmt: skip
    config.add_view(
        change_members, context=Group, name="members", request_method="POST", permission=MANAGE,
    )  # fmt: skip
