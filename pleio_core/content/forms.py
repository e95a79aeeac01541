"""Deform forms for content, rendered with Pleio's own accessible widget templates.

The templates in ``templates/deform`` replace deform's Bootstrap ones for the widgets the
content schema uses: labelled fields, fieldsets for choices, an error summary that links to
each field, hints and errors tied to their input with ``aria-describedby``, no inline
scripts. The widgets whose Python must match those templates are Pleio's own (``widgets``).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.request import Request

from pleio_core.i18n import _
from pleio_core.services import Service

from .widgets import use_pleio_widgets

TEMPLATES = (
    str(files("pleio_core") / "templates" / "deform"),
    str(files("deform") / "templates"),
)
MAX_COMMENT = 200
FORM_RENDERERS: Service[dict[str, Any]] = Service(
    "form renderers", "pleio_core.content.views", "A deform renderer per language."
)


def form_renderer(request: Request) -> Any:
    """A deform renderer that speaks the request's language (one per language, kept)."""
    renderers = FORM_RENDERERS(request.registry)
    locale = request.locale_name
    renderer = renderers.get(locale)
    if renderer is None:
        localizer = request.localizer
        renderer = renderers[locale] = deform.ZPTRendererFactory(
            TEMPLATES, translator=localizer.translate
        )
    return renderer


def content_form(
    request: Request,
    schema: colander.SchemaNode,
    action: str,
    button: Any,
    cancel_url: str,
    hidden: dict[str, Any] | None = None,
) -> deform.Form:
    """The form for ``schema``, posting to ``action`` with the CSRF token and ``hidden``."""
    form = deform.Form(
        schema,
        action=action,
        buttons=(deform.Button("save", request.localizer.translate(button)),),
        formid="content-form",
        renderer=form_renderer(request),
        pleio_hidden=[("csrf_token", get_csrf_token(request)), *(hidden or {}).items()],
        pleio_cancel_url=cancel_url,
        pleio_script_url=None,
    )
    if use_pleio_widgets(form):
        # "add" and "remove" for sequence items; the form works without it too
        form.pleio_script_url = request.static_path("pleio_core:static/sequence.js")
    return form


def with_change_note(schema: colander.SchemaNode) -> colander.SchemaNode:
    """The edit form of a type with revisions asks what changed (kept with the revision)."""
    schema = schema.clone()
    schema.add(
        colander.SchemaNode(
            colander.String(),
            name="change_note",
            title=_("What did you change?"),
            description=_("Optional; shown in the history."),
            missing="",
            validator=colander.Length(max=MAX_COMMENT),
        )
    )
    return schema
