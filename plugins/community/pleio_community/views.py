"""A group's pages: the group with its content, joining and leaving, and its members.

Adding, editing and deleting a group are the core's pages for every content type.
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.plugin_api import (
    CONTENT_TYPES,
    ModuleFolder,
    add_links,
    content_view,
    csv_response,
    display_name,
    folder_title,
    format_time,
    mail_accounts,
    mentioned_members,
    notify,
    parse_addresses,
    profile_url,
    search,
    send_mail,
    whole_number,
)

from . import invitations
from .groups import (
    ADMIN,
    CLOSED,
    JOIN_TITLES,
    MANAGE,
    MEMBER,
    OWN_GROUP,
    OWNER,
    Group,
    MembershipError,
    ask_to_join,
    group_tools,
    invite,
    remove_member,
    set_member,
    withdraw_request,
)
from .i18n import DOMAIN, _
from .parts import listing_note
from .refusals import refuse

TEMPLATES = "pleio_community:templates/"
ROLE_TITLES = {OWNER: _("Owner"), ADMIN: _("Admin"), MEMBER: _("Member")}
MEMBERS_PAGE = 100  # members per page of the members list


def takes_part(request: Request, group: Group) -> bool:
    """Signed in and a member of the site, who may take part there (join its groups)."""
    return request.identity is not None and bool(request.has_permission("add", group.__parent__))


def may_join(request: Request, group: Group) -> bool:
    return takes_part(request, group) and group.role_of(request.identity.id) is None


def group_view(context: Group, request: Request, error: Any = None) -> dict[str, Any]:
    values = content_view(context, request, children=False)  # (a page of them: below)
    identity = request.identity
    account_id = identity.id if identity is not None else None
    role = context.role_of(account_id)
    values.update(
        role=role,
        role_title=ROLE_TITLES.get(role or ""),
        asked=context.asked(account_id),
        may_join=may_join(request, context),
        joining_title=JOIN_TITLES.get(context.joining, context.joining),
        closed=context.joining == CLOSED and not context.invited(account_id),
        invited=context.invited(account_id) and role is None,
        member_count=context.member_count(),
        welcome=context.welcome if role and request.GET.get("welcome") == "1" else "",
        can_manage=bool(request.has_permission(MANAGE, context)),
        error=error,
        **group_contents(context, request),
    )
    return values


GROUP_PAGE = 20  # items per page of a group's content


def group_contents(group: Group, request: Request) -> dict[str, Any]:
    """A page of what lies in the group that the visitor may see, the newest first, from the
    catalog (a group of ten thousand items costs no more than a small one)."""
    tools = group_tools(request)
    number = whole_number(request.GET.get("page", "1"), 10_000) or 1
    found = (
        search(
            request,
            types=[name for name, _title in tools],
            sort="date",
            page=number,
            size=GROUP_PAGE,
            within=request.resource_path(group),
        )
        if tools
        else None
    )
    here = request.resource_url(group)
    pages = found.pages if found is not None else 1
    return {
        "children": found.hits if found is not None else [],
        "notes": [listing_note(request, hit) for hit in (found.hits if found else ())],
        "type_titles": dict(tools),
        "offers_events": any(n == "event" for n, _t in tools)
        and (group.tools is None or "event" in group.tools),
        "previous_url": f"{here}?page={number - 1}" if number > 1 else None,
        "next_url": f"{here}?page={number + 1}" if number < pages else None,
        "page_number": number,
        "page_count": pages,
    }


class GroupCard(NamedTuple):
    group: Group
    href: str
    summary: str
    role: str | None
    asked: bool
    members: str  # "1 lid", "3 leden"


SUMMARY = 200  # characters of a group's description on the groups page
NEWEST = 20  # discussions, questions, polls, events on the groups page


def groups_page(context: ModuleFolder, request: Request) -> dict[str, Any]:
    """The community's start page: your groups first, then the others you may see."""
    identity = request.identity
    account_id = identity.id if identity is not None else None
    cards = []
    for item in context.values():
        if not isinstance(item, Group) or not request.has_permission("view", item):
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
    types = CONTENT_TYPES(request.registry)  # the community's own, but for groups
    kinds = [name for name, ct in types.items() if ct.module == "community" and name != "group"]
    others = search(request, types=kinds, sort="date", size=NEWEST).hits if kinds else []
    return {
        "title": title,
        "mine": [c for c in cards if c.role],
        "groups": [c for c in cards if not c.role],
        "others": others,
        "notes": [listing_note(request, item) for item in others],
        "signed_in": identity is not None,
        "joining_titles": JOIN_TITLES,
        "add_links": add_links(request, context),
    }


def join(context: Group, request: Request) -> Any:
    """Join an open group at once (or one you are invited to); ask to join a closed one."""
    if not takes_part(request, context):
        raise HTTPForbidden(_("Only members of this site can join its groups."))
    identity = request.identity
    if context.role_of(identity.id) is None:
        if context.joining != CLOSED or context.invited(identity.id):
            set_member(context, identity.id, identity.name)
            return welcomed(context, request, identity.id)
        if not context.asked(identity.id):
            ask_to_join(context, identity.id, identity.name)
            tell_managers(context, request, identity.name)
    return HTTPSeeOther(location=request.resource_url(context))


def welcomed(group: Group, request: Request, account_id: str) -> HTTPSeeOther:
    """A new member is sent the group's welcome (if it has one) and sees it on the group."""
    if group.welcome:
        mapping = {"group": group.title, "url": request.resource_url(group)}
        subject = _("Welcome to ${group}", mapping=mapping)
        body = _("${welcome}\n\nThe group: ${url}", mapping={**mapping, "welcome": group.welcome})
        mail_accounts(request, [account_id], subject, body)
    return HTTPSeeOther(location=request.resource_url(group, query={"welcome": "1"}))


def tell_managers(group: Group, request: Request, name: str) -> None:
    """A request to join waits for an owner or admin: each gets an e-mail with the way there."""
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
    mail_accounts(request, group.managers(), subject, body)


def tell_approved(group: Group, request: Request, account_id: str) -> None:
    mapping = {"group": group.title, "url": request.resource_url(group)}
    subject = _("You are a member of ${group}", mapping=mapping)
    body = _("Your request to join ${group} was approved. The group: ${url}", mapping=mapping)
    if group.welcome:
        body = _(
            "Your request to join ${group} was approved. The group: ${url}\n\n${welcome}",
            mapping={**mapping, "welcome": group.welcome},
        )
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
        return refuse(TEMPLATES + "group.pt", group_view(context, request, exc.args[0]), request)
    return HTTPSeeOther(location=request.resource_url(context))


def members_page(context: Group, request: Request, error: Any = None) -> dict[str, Any]:
    """The members, a hundred at a time: owners, admins, then the others by name."""
    can_manage = bool(request.has_permission(MANAGE, context))
    # by role, then by the name each had on joining (sorting five thousand by their names
    # now would look each up on every view; the page shows the names they have now)
    members = context.member_list()
    start = whole_number(request.GET.get("start", "0"), max(0, len(members) - 1)) or 0
    here = request.resource_url(context, "@@members")
    return {
        "content": context,
        "members": members[start : start + MEMBERS_PAGE],
        "member_count": len(members),
        "previous_url": f"{here}?start={max(0, start - MEMBERS_PAGE)}" if start else None,
        "next_url": f"{here}?start={start + MEMBERS_PAGE}"
        if start + MEMBERS_PAGE < len(members)
        else None,
        "first": start + 1,
        "last": min(start + MEMBERS_PAGE, len(members)),
        "requests": context.request_list() if can_manage else [],
        "invited_addresses": invitations.pending(context) if can_manage else [],
        "can_manage": can_manage,
        "can_own": bool(request.has_permission(OWN_GROUP, context)),
        "role_titles": ROLE_TITLES,
        "when": format_time,
        "me": request.identity.id if request.identity is not None else None,
        "error": error,
        "done": request.localizer.translate(DONE[done])
        if (done := request.GET.get("done")) in DONE
        else None,
        "max_at_once": invitations.MAX_AT_ONCE,
        "invitation_days": invitations.INVITATION_DAYS,
    }


DONE = {
    "approve": _("The request was approved: they are a member now."),
    "decline": _("The request was declined."),
    "owner": _("They are an owner of the group now."),
    "admin": _("They are an admin of the group now."),
    "member": _("They are a plain member of the group now."),
    "remove": _("They were taken out of the group."),
    "invite": _("The invitations are sent: they find them in their notifications."),
    "invite-email": _("The invitations are sent by e-mail."),
}


def change_members(context: Group, request: Request) -> Any:
    """An owner or admin approves or declines a request, invites, or takes a plain member
    out; an owner also makes someone owner, admin or plain member, or takes them out."""
    action = request.POST.get("action", "")
    account_id = request.POST.get("account", "")
    if action not in DONE:
        raise HTTPBadRequest(_("Choose what to do."))
    if action == "invite":
        return invite_members(context, request)
    if action == "invite-email":
        return invite_addresses(context, request)
    membership = context.members.get(account_id) if context.members is not None else None
    may_own = bool(request.has_permission(OWN_GROUP, context))
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
        elif not may_own and (action != "remove" or membership.role != MEMBER):
            raise HTTPForbidden(_("Only the group's owners change who owns and runs it."))
        elif action == "remove":
            remove_member(context, account_id)
        else:
            set_member(context, account_id, membership.name, action)
    except MembershipError as exc:
        return refuse(
            TEMPLATES + "members.pt", members_page(context, request, exc.args[0]), request
        )
    location = request.resource_url(context, "@@members", query={"done": action})
    return HTTPSeeOther(location=location)


def invite_members(context: Group, request: Request) -> Any:
    """An owner or admin invites members of the site, named as in a mention (``@Ada
    Lovelace``): each is notified (``group-invitation``) and may join at once, also a closed
    or hidden group."""
    text = request.POST.get("people", "")
    named = mentioned_members(request, text) if isinstance(text, str) else set()
    invited = [a for a in sorted(named) if invite(context, a, request.identity.id)]
    if not named:
        error = _("Name members of the site with an @, as in @Ada Lovelace.")
        return refuse(TEMPLATES + "members.pt", members_page(context, request, error), request)
    notify(request, "group-invitation", invited, context)
    location = request.resource_url(context, "@@members", query={"done": "invite"})
    return HTTPSeeOther(location=location)


def invite_addresses(context: Group, request: Request) -> Any:
    """An owner or admin invites people by e-mail address: each gets a link to join, bound
    to their address unless the inviter chose open links (``invitations``)."""
    raw = request.POST.get("addresses", "")
    good, bad = parse_addresses(raw if isinstance(raw, str) else "")
    error = None
    if bad:
        error = _("These are no e-mail addresses: ${bad}", mapping={"bad": ", ".join(bad[:10])})
    elif not good:
        error = _("Enter at least one e-mail address.")
    elif len(good) > invitations.MAX_AT_ONCE:
        error = _(
            "Invite at most ${max} addresses at once.", mapping={"max": invitations.MAX_AT_ONCE}
        )
    if error is not None:
        return refuse(TEMPLATES + "members.pt", members_page(context, request, error), request)
    bound = request.POST.get("open_link") != "on"
    identity = request.identity
    for email in good:
        token = invitations.issue(context, email, identity.id, bound)
        url = request.resource_url(context, "@@invitation", query={"token": token})
        mapping = {
            "inviter": identity.name,
            "group": context.title,
            "url": url,
            "days": invitations.INVITATION_DAYS,
        }
        subject = _("${inviter} invites you to the group ${group}", mapping=mapping)
        body = _(
            "${inviter} invites you to join the group ${group} on Pleio.\n\n"
            "Accept with this link within ${days} days:\n${url}\n\n"
            "You sign in with your Pleio account with this e-mail address; if you are not "
            "a member of the site yet, the link tells you how to become one.\n",
            mapping=mapping,
        )
        send_mail(request, email, subject, body, request.site_settings.language)
    location = request.resource_url(context, "@@members", query={"done": "invite-email"})
    return HTTPSeeOther(location=location)


def members_csv(context: Group, request: Request) -> Response:
    """The members as CSV, for its owners and admins: name, role, since, profile page."""
    rows = (
        (
            display_name(request, m.account_id, m.name),
            m.role,
            m.since.isoformat(timespec="seconds"),
            profile_url(request, m.account_id) or "",
        )
        for m in context.member_list()
    )
    name = f"{context.__name__ or 'group'}-members.csv"
    return csv_response(name, ["name", "role", "since", "profile"], rows)


def _invitation_page(request: Request, group: Group, state: str, **values: Any) -> Response:
    # the token is in the address: no cache (ours, a proxy's, the browser's) may keep it
    status = {"invalid": 400, "someone-else": 403}.get(state, 200)
    page = {"content": group, "state": state, "token": "", "email": "", "signed_in_as": ""}
    response = refuse(TEMPLATES + "invitation.pt", {**page, **values}, request, status)
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def invitation_form(context: Group, request: Request) -> Response:
    """The page an invitation link opens: sign in, become a site member, or accept."""
    token = request.params.get("token", "")
    found = invitations.look_up(context, token)
    if found is None:
        if not request.has_permission("view", context):
            raise HTTPNotFound()  # without a good link the page tells nothing of the group
        return _invitation_page(request, context, "invalid")
    here = request.resource_path(context, "@@invitation", query={"token": token})
    values: dict[str, Any] = {"token": token, "email": found.email}
    if request.identity is None:
        values["sign_in_url"] = (
            f"{request.application_url}/@@login?{urlencode({'came_from': here})}"
        )
        return _invitation_page(request, context, "anonymous", **values)
    email = request.identity.account.email
    if invitations.for_someone_else(found, email):
        return _invitation_page(request, context, "someone-else", signed_in_as=email, **values)
    if context.role_of(request.identity.id) is not None:
        return _invitation_page(request, context, "member", **values)
    if not takes_part(request, context):
        values["join_url"] = f"{request.application_url}/@@join"
        return _invitation_page(request, context, "not-on-site", **values)
    if request.method != "POST":
        return _invitation_page(request, context, "ready", **values)
    invitations.use_up(context, token)
    set_member(context, request.identity.id, request.identity.name)
    return welcomed(context, request, request.identity.id)


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
    config.add_view(
        members_csv, context=Group, name="members.csv", request_method=("GET", "HEAD"),
        permission=MANAGE,
    )  # fmt: skip
    config.add_view(
        invitation_form, context=Group, name="invitation", request_method=("GET", "HEAD", "POST"),
        permission=NO_PERMISSION_REQUIRED,
    )  # fmt: skip
