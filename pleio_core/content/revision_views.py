"""The history, revision, diff and restore pages of content whose type keeps revisions.

``<content>/@@history``, ``@@revision?n=3``, ``@@diff?a=2&b=5`` (``view``) and a POST to
``@@restore`` (``edit``). For a type without revisions they answer 404, as if absent.
"""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Any, NamedTuple
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.request import Request
from webob.multidict import MultiDict

from pleio_core.clock import local_time
from pleio_core.i18n import _
from pleio_core.services import PEOPLE
from pleio_core.text import whole_number

from .diff import changed_fields, diff_html
from .model import Content
from .revisions import History, NotRestorable, Revision, history_of, restore
from .schema import ACCESS_TITLES, STATE_TITLES
from .types import ContentType
from .views import type_of

PAGE_SIZE = 50
TIME_FORMAT = "%d-%m-%Y %H:%M"  # as the content page writes times
NO_VALUE = "—"


class RevisionProblem(Exception):
    """A request names no revision, or one that does not exist: a page that says so."""

    def __init__(self, status: int, message: Any) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class RevisionRow(NamedTuple):
    number: int
    label: str  # "Revision 3"
    time: datetime | None  # local time
    when: str
    author: str
    comment: str
    restored_from: int | None
    restored_href: str | None
    restored_label: str | None
    href: str
    changes_href: str | None
    changes_label: str | None


def _kept(context: Content, request: Request) -> tuple[ContentType, History]:
    """The type and history of ``context``; 404 for a type without revisions (or whose
    module is off)."""
    content_type = type_of(request, context)
    if not content_type.revisions:
        raise HTTPNotFound()
    history = history_of(context)
    return content_type, history if history is not None else History()  # none yet: empty


def _number(params: MultiDict, key: str) -> int:
    number = whole_number(params.get(key, "").strip(), 999_999_999)
    if number is None:
        raise RevisionProblem(
            400,
            _(
                "Give the number of a revision as ${key}, for example ${key}=3.",
                mapping={"key": key},
            ),
        )
    return number


def _revision(history: History, number: int) -> Revision:
    revision = history.get(number)
    if revision is None:
        raise RevisionProblem(
            404, _("There is no revision ${n} of this page.", mapping={"n": number})
        )
    return revision


def _link(request: Request, context: Content, view: str, **query: Any) -> str:
    url = request.resource_url(context, f"@@{view}")
    return url + ("?" + urlencode(query) if query else "")


def _row(request: Request, context: Content, revision: Revision) -> RevisionRow:
    translate = request.localizer.translate
    n, restored = revision.number, revision.restored_from
    when = local_time(revision.time) if revision.time is not None else None
    return RevisionRow(
        number=n,
        label=translate(_("Revision ${n}", mapping={"n": n})),
        time=when,
        when=when.strftime(TIME_FORMAT) if when else translate(_("before revisions were kept")),
        author=PEOPLE(request.registry).display_name(  # (as the account is named now)
            request, revision.author_id, revision.author_name or translate(_("unknown"))
        ),
        comment=revision.comment,
        restored_from=restored,
        restored_href=_link(request, context, "revision", n=restored) if restored else None,
        restored_label=translate(_("revision ${n}", mapping={"n": restored})) if restored else None,
        href=_link(request, context, "revision", n=n),
        changes_href=_link(request, context, "diff", a=n - 1, b=n) if n > 1 else None,
        changes_label=translate(_("Changes in revision ${n}", mapping={"n": n})) if n > 1 else None,
    )


def history_page(context: Content, request: Request) -> dict[str, Any]:
    _content_type, history = _kept(context, request)
    below = _number(request.GET, "below") if "below" in request.GET else None
    found = list(islice(history.newest_first(below), PAGE_SIZE + 1))
    shown = found[:PAGE_SIZE]
    latest = len(history)
    translate = request.localizer.translate
    return {
        "title": translate(_("History of ${title}", mapping={"title": context.title})),
        "content_url": request.resource_url(context),
        "content_title": context.title,
        "rows": [_row(request, context, revision) for revision in shown],
        "latest": latest,
        "diff_url": _link(request, context, "diff"),
        "older": _link(request, context, "history", below=shown[-1].number)
        if len(found) > PAGE_SIZE
        else None,
        "newest": _link(request, context, "history") if below is not None else None,
    }


def revision_page(context: Content, request: Request) -> dict[str, Any]:
    _content_type, history = _kept(context, request)
    revision = _revision(history, _number(request.GET, "n"))
    latest = len(history)
    translate = request.localizer.translate
    return {
        "title": translate(
            _(
                "${title} (revision ${n})",
                mapping={"title": revision.value("title"), "n": revision.number},
            )
        ),
        "row": _row(request, context, revision),
        "body_html": context.markup(revision.value("body") or ""),
        "history_url": _link(request, context, "history"),
        "compare_url": _link(request, context, "diff", a=revision.number, b=latest)
        if revision.number != latest
        else None,
        "restore_url": _link(request, context, "restore")
        if revision.number != latest and request.has_permission("edit", context)
        else None,
    }


def _display(name: str, value: Any, translate: Any) -> str:
    """A field's value as a reader knows it: titles of levels and states, local times."""
    if value in (None, "", ()):
        return NO_VALUE
    if name == "access" and value in ACCESS_TITLES:
        return translate(ACCESS_TITLES[value])
    if name == "state" and value in STATE_TITLES:
        return translate(STATE_TITLES[value])
    if isinstance(value, datetime):
        return local_time(value).strftime(TIME_FORMAT)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def diff_page(context: Content, request: Request) -> dict[str, Any]:
    content_type, history = _kept(context, request)
    a = _revision(history, _number(request.GET, "a"))
    b = _revision(history, _number(request.GET, "b"))
    old, new = a.values, b.values
    translate = request.localizer.translate
    fields = [
        (
            translate(change.title),
            _display(change.name, change.old, translate),
            _display(change.name, change.new, translate),
        )
        for change in changed_fields(content_type.schema(), old, new)
    ]
    old_body, new_body = old.get("body") or "", new.get("body") or ""
    return {
        "title": translate(
            _("Changes from revision ${a} to revision ${b}", mapping={"a": a.number, "b": b.number})
        ),
        "content_title": b.value("title"),
        "old": _row(request, context, a),
        "new": _row(request, context, b),
        "fields": fields,
        "body_changed": old_body != new_body,
        "body_diff": diff_html(
            old_body, new_body, translate(_("added:")), translate(_("removed:"))
        ),
        "history_url": _link(request, context, "history"),
    }


def restore_view(context: Content, request: Request) -> Any:
    content_type, history = _kept(context, request)
    number = _revision(history, _number(request.POST, "n")).number
    try:
        restored = restore(request, context, content_type, number)
    except NotRestorable as exc:
        why = "; ".join(exc.messages)
        raise RevisionProblem(
            400,
            _("Revision ${n} cannot be restored here: ${why}", mapping={"n": number, "why": why}),
        ) from None
    if restored is None:
        translate = request.localizer.translate
        return {
            "title": translate(_("Nothing to restore")),
            "text": translate(
                _("Revision ${n} is the same as the current version.", mapping={"n": number})
            ),
            "link": _link(request, context, "history"),
            "link_text": translate(_("Back to the history")),
        }
    return HTTPSeeOther(location=request.resource_url(context))


PROBLEM_TITLES = {400: _("Bad request"), 404: _("Revision not found")}


def problem_page(exc: RevisionProblem, request: Request) -> dict[str, Any]:
    request.response.status_int = exc.status
    translate = request.localizer.translate
    return {
        "title": translate(PROBLEM_TITLES[exc.status]),
        "text": translate(exc.message),
        "link": _link(request, request.context, "history"),
        "link_text": translate(_("Back to the history")),
    }


def includeme(config: Configurator) -> None:
    page = "pleio_core:templates/"
    read = {"context": Content, "permission": "view", "request_method": ("GET", "HEAD")}
    config.add_view(history_page, name="history", renderer=page + "history.pt", **read)
    config.add_view(revision_page, name="revision", renderer=page + "revision.pt", **read)
    config.add_view(diff_page, name="diff", renderer=page + "diff.pt", **read)
    config.add_view(
        restore_view,
        context=Content,
        name="restore",
        permission="edit",
        request_method="POST",
        renderer=page + "message.pt",
    )
    config.add_exception_view(problem_page, context=RevisionProblem, renderer=page + "message.pt")
