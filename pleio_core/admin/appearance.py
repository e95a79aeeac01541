"""The control panel's appearance: logo, favicon, and the site's two colours.

A colour is taken only if white text on it, and it as text on white, reach WCAG's 4.5:1
(both are the same ratio); otherwise the measured ratio is shown and nothing is saved.
The colours reach every page as custom properties through ``/@@theme.css``.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.security.audit import record
from pleio_core.sites.appearance import (
    KINDS,
    MAX_IMAGE_BYTES,
    clean_colour,
    site_colours,
    store_image,
)
from pleio_core.uploads import FileRefused, scan_bytes

from .contrast import MIN_TEXT_CONTRAST, WHITE, contrast_ratio, shown_ratio
from .images import ImageError, read_upload
from .panel import actor, add_panel_view, saved

NAME = "control-panel-appearance"
COLOURS = ("primary", "secondary")


def _page(request: Request, root: SiteRoot, values: dict[str, str], errors: dict) -> dict:
    return {
        "values": values,
        "errors": errors,
        "done": request.GET.get("done") == "saved",
        "max_kb": MAX_IMAGE_BYTES // 1024,
        "has_logo": bool(root.logo_version),
        "has_favicon": bool(root.favicon_version),
        "script_url": request.static_path("pleio_core:static/appearance.js"),
    }


def appearance_form(context: SiteRoot, request: Request) -> dict[str, Any]:
    return _page(request, context, site_colours(context), {})


def check_colour(request: Request, raw: str) -> tuple[str | None, str | None]:
    """(the colour as ``#rrggbb``, None) or (None, why it is refused)."""
    translate = request.localizer.translate
    colour = clean_colour(raw)
    if colour is None:
        return None, translate(_("Enter a colour as #rrggbb, for example #01689b."))
    ratio = contrast_ratio(colour, WHITE)
    if ratio < MIN_TEXT_CONTRAST:
        return None, translate(
            _(
                "The contrast of this colour with white is ${ratio}; text needs at least "
                "4.5:1 to be readable. Choose a darker colour.",
                mapping={"ratio": shown_ratio(ratio)},
            )
        )
    return colour, None


def read_images(
    request: Request, errors: dict[str, str]
) -> tuple[dict[str, tuple[bytes, str] | None], int]:
    """The logo and favicon chosen (None: not chosen), each checked and scanned for viruses
    before anything is stored; what is wrong goes in ``errors``. With the status to answer
    if something is (400, or the scanner's refusal: 422 a virus, 503 no scanner)."""
    translate = request.localizer.translate
    images = {}
    status = 400
    for kind in KINDS:
        field = request.POST.get(kind)
        try:
            images[kind] = upload = read_upload(field)
            if upload is not None:
                scan_bytes(request, upload[0], getattr(field, "filename", "") or kind)
        except FileRefused as refused:  # a virus (audited), or the scanner is away
            errors[kind], status = translate(refused.message), refused.status
        except ImageError as exc:
            if exc.reason == "size":
                errors[kind] = translate(
                    _(
                        "This file is too big: an image may be at most ${max} KB.",
                        mapping={"max": MAX_IMAGE_BYTES // 1024},
                    )
                )
            else:
                errors[kind] = translate(
                    _("This file is not a PNG, JPEG or WebP image (SVG is not allowed).")
                )
    return images, status


def appearance_save(context: SiteRoot, request: Request) -> Any:
    errors: dict[str, str] = {}
    colours: dict[str, str] = {}
    for name in COLOURS:
        colour, error = check_colour(request, request.POST.get(name, ""))
        if colour is not None:
            colours[name] = colour
        elif error:
            errors[name] = error
    images, status = read_images(request, errors)
    if errors:  # nothing is saved, not even the parts that were right
        request.response.status_int = status
        values = {name: request.POST.get(name, "") for name in COLOURS}
        return _page(request, context, values, errors)
    changed = []
    if site_colours(context) != colours:
        context.colours = colours
        changed.append("colours")
    for kind, upload in images.items():
        if upload is not None:
            store_image(context, kind, *upload)
            changed.append(kind)
    if changed:
        actor_id, actor_email = actor(request)
        record_change(request, context, actor_id, actor_email, changed, colours)
    return saved(request, NAME)


def record_change(
    request: Request,
    root: SiteRoot,
    actor_id: str,
    actor_email: str,
    changed: list[str],
    colours: dict[str, str],
) -> None:
    details: dict[str, Any] = {"changed": changed}
    if "colours" in changed:
        details.update(colours)
    record(request, "appearance", actor_id, actor_email=actor_email, **details)


def includeme(config: Configurator) -> None:
    add_panel_view(config, appearance_form, NAME, ("GET", "HEAD"), "control_panel_appearance.pt")
    add_panel_view(config, appearance_save, NAME, "POST", "control_panel_appearance.pt")
    config.include(".images")
