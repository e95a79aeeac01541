"""The deelsite control panel's start page, and what its pages share.

Every page and action of the control panel is a view on the SiteRoot named
``control-panel…`` with the ``manage`` permission (site admins, and operators): the
tenant-isolation and access tests find them by that name in Pyramid's introspector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.uploads import format_size, storage_usage

PREFIX = "control-panel"


class PanelPart(NamedTuple):
    name: str  # the view name, "control-panel-<part>"
    title: TranslationString
    description: TranslationString


PARTS = (
    PanelPart(
        "control-panel-general",
        _("General"),
        _("Title, description, language, contact address, access and how people join."),
    ),
    PanelPart(
        "control-panel-appearance", _("Appearance"), _("Logo, favicon and the site's colours.")
    ),
    PanelPart("control-panel-menu", _("Menu"), _("Order, rename and hide menu items; add links.")),
    PanelPart(
        "control-panel-home",
        _("Home page"),
        _("Which widgets the home page shows, in which order."),
    ),
    PanelPart("control-panel-modules", _("Modules"), _("Switch modules on and off.")),
    PanelPart(
        "control-panel-members",
        _("Members"),
        _("Members and their roles, invitations and requests to join."),
    ),
    PanelPart(
        "control-panel-people",
        _("Profile fields"),
        _("The fields of members' profiles, and who sees the people directory."),
    ),
    PanelPart("audit", _("Audit log"), _("Who changed what on this site, and when.")),
    PanelPart(
        "export", _("Export"), _("Download all of the site's data, or members and content as CSV.")
    ),
)


def panel_url(request: Request, name: str = PREFIX, **query: str) -> str:
    url = f"{request.application_url}/@@{name}"
    return url + ("?" + urlencode(query) if query else "")


def saved(request: Request, name: str, done: str = "saved", **query: str) -> HTTPSeeOther:
    """After a change: back to the page (a reload does not post again), saying it is done."""
    return HTTPSeeOther(location=panel_url(request, name, done=done, **query))


def ordered_keys(rows: list[dict[str, Any]], errors: dict[str, Any]) -> list[str]:
    """The rows' keys by the positions the holder gave them (lowest first, ties in the rows'
    order); a row whose position is not a whole number goes in ``errors``."""
    positions = []
    for row in rows:
        try:
            positions.append((int(row["position"]), row["index"], row["key"]))
        except ValueError:
            errors[f"position-{row['index']}"] = _("A position is a whole number.")
    return [key for _position, _index, key in sorted(positions)]


def actor(request: Request) -> tuple[str, str]:
    """The signed-in admin as the audit log names them: (account id, e-mail address)."""
    account = request.identity.account
    return account.id, account.email


def storage_summary(context: SiteRoot, request: Request) -> dict[str, Any]:
    """What the site's files take, and of how much room (the operator's quota), in words."""
    translate = request.localizer.translate
    language = request.localizer.locale_name
    used = storage_usage(context)
    quota = request.site.quota
    mapping = {"used": format_size(used, language)}
    if quota is None:
        return {
            "text": translate(
                _("Files take ${used}. No limit is set for this site.", mapping=mapping)
            ),
            "full": None,
        }
    mapping["quota"] = format_size(quota, language)
    mapping["percent"] = str(min(used * 100 // quota, 999))
    return {
        "text": translate(
            _(
                "Files take ${used} of the ${quota} this site may use (${percent}%).",
                mapping=mapping,
            )
        ),
        "full": (
            translate(
                _(
                    "The site is full: uploads are refused until files are removed, or until "
                    "the platform's operator gives it more room."
                )
            )
            if used >= quota
            else None
        ),
    }


def control_panel(context: SiteRoot, request: Request) -> dict[str, Any]:
    translate = request.localizer.translate
    return {
        "storage": storage_summary(context, request),
        "parts": [
            {
                "href": panel_url(request, part.name),
                "title": translate(part.title),
                "description": translate(part.description),
            }
            for part in PARTS
        ],
    }


def add_panel_view(
    config: Configurator,
    view: Callable[..., Any],
    name: str,
    method: str | tuple[str, ...],
    renderer: str | None = None,
) -> None:
    """A control-panel view: on the SiteRoot, for those who may ``manage`` the site."""
    assert name.startswith(PREFIX), name
    config.add_view(
        view,
        context=SiteRoot,
        name=name,
        request_method=method,
        permission="manage",
        renderer=f"pleio_core:templates/{renderer}" if renderer else None,
    )


def includeme(config: Configurator) -> None:
    add_panel_view(config, control_panel, PREFIX, ("GET", "HEAD"), "control_panel.pt")
