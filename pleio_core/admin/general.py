"""The control panel's general settings: title, description, language, contact address,
access, how people join, two-factor sign-in and the front page.

All of them live in the site's database (``sites.effective`` and the SiteRoot's own
attributes), so a change counts at once in every process.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.content import Content, ModuleFolder, SiteRoot
from pleio_core.content.views import folder_title
from pleio_core.i18n import LANGUAGES, _
from pleio_core.security.accounts import AccountError, normalise_email
from pleio_core.security.audit import record
from pleio_core.security.joining import JOIN_MODES, clean_domains
from pleio_core.security.twofactor import set_up_url
from pleio_core.sites.appearance import MAX_DESCRIPTION, MAX_TITLE
from pleio_core.sites.config import ACCESS_LEVELS
from pleio_core.sites.effective import HOLDER_KEYS, set_holder_settings

from .panel import add_panel_view, saved

NAME = "control-panel-general"
JOIN_MODE_LABELS = {
    "open": _("Anyone with an account joins at once"),
    "request": _("People ask to join; an admin approves"),
    "invitation": _("By invitation only"),
}
ACCESS_LABELS = {
    "public": _("Public: anyone can read what is public"),
    "closed": _("Closed: only members see anything"),
}


def front_page_choices(request: Request, root: SiteRoot) -> list[tuple[str, str]]:
    """(path, title) of the pages that may be the front page: published content at the top
    of an enabled module, that everyone who may view the site may view."""
    choices = []
    for module in request.enabled_modules:
        folder = root.get(module)
        if not isinstance(folder, ModuleFolder):
            continue
        title = folder_title(request, folder)  # (in the holder's language)
        for name, item in folder.items():
            if isinstance(item, Content) and item.is_live():
                choices.append((f"{module}/{name}", f"{title}: {item.title}"))
    return choices


def _values(request: Request, root: SiteRoot) -> dict[str, Any]:
    settings = request.site_settings
    return {
        "title": settings.title,
        "description": settings.description,
        "language": settings.language,
        "contact_email": settings.contact_email,
        "access": settings.access,
        "join_mode": root.join_mode,
        "join_domains": ", ".join(root.join_domains),
        "require_two_factor": root.require_two_factor,
        "front_page": root.front_page,
    }


def _page(request: Request, root: SiteRoot, values: dict[str, Any], errors: dict) -> dict:
    translate = request.localizer.translate
    return {
        "values": values,
        "errors": errors,
        "languages": list(LANGUAGES.items()),
        "access_levels": [(a, translate(ACCESS_LABELS[a])) for a in ACCESS_LEVELS],
        "join_modes": [(m, translate(JOIN_MODE_LABELS[m])) for m in JOIN_MODES],
        "front_pages": front_page_choices(request, root),
        "done": request.GET.get("done") == "saved",
        "max_title": MAX_TITLE,
        "max_description": MAX_DESCRIPTION,
        # the refusal to require two-factor sign-in says where to set it up (and back)
        "two_factor_url": set_up_url(request) if "require_two_factor" in errors else None,
    }


def general_form(context: SiteRoot, request: Request) -> dict[str, Any]:
    return _page(request, context, _values(request, context), {})


def _check(request: Request, root: SiteRoot) -> tuple[dict[str, Any], dict[str, Any]]:
    """(clean values, errors by field), from the posted form."""
    post = request.POST
    raw = {key: (post.get(key) or "").strip() for key in _values(request, root)}
    raw["require_two_factor"] = post.get("require_two_factor") == "on"
    errors = {
        **_text_errors(raw),
        **_normalise(raw),
        **_choice_errors(request, root, raw),
    }
    translate = request.localizer.translate
    return raw, {field: translate(message) for field, message in errors.items()}


def _text_errors(raw: dict[str, Any]) -> dict[str, TranslationString]:
    errors = {}
    if not raw["title"]:
        errors["title"] = _("A title is required.")
    elif len(raw["title"]) > MAX_TITLE:
        errors["title"] = _("A title has at most ${max} characters.", mapping={"max": MAX_TITLE})
    if len(raw["description"]) > MAX_DESCRIPTION:
        errors["description"] = _(
            "A description has at most ${max} characters.", mapping={"max": MAX_DESCRIPTION}
        )
    return errors


def _normalise(raw: dict[str, Any]) -> dict[str, TranslationString]:
    """The contact address and the join domains in their clean form (in ``raw``)."""
    errors = {}
    if raw["contact_email"]:
        try:
            raw["contact_email"] = normalise_email(raw["contact_email"])
        except AccountError as exc:
            errors["contact_email"] = exc.message
    try:
        raw["join_domains"] = clean_domains(
            d for d in raw["join_domains"].replace(",", " ").split() if d
        )
    except ValueError:
        errors["join_domains"] = _(
            "List e-mail domains such as minbzk.nl, separated by commas or spaces."
        )
    return errors


def _choice_errors(
    request: Request, root: SiteRoot, raw: dict[str, Any]
) -> dict[str, TranslationString]:
    choices = {
        "language": (LANGUAGES, _("Choose one of the languages.")),
        "access": (ACCESS_LEVELS, _("Choose public or closed.")),
        "join_mode": (JOIN_MODES, _("Choose how people join.")),
    }
    errors = {
        key: message for key, (allowed, message) in choices.items() if raw[key] not in allowed
    }
    if raw["front_page"] and raw["front_page"] not in dict(front_page_choices(request, root)):
        errors["front_page"] = _("Choose one of the pages in the list.")
    if raw["require_two_factor"] and not root.require_two_factor and not _own_two_factor(request):
        errors["require_two_factor"] = _(
            "Set up two-factor sign-in for your own account first: otherwise you would "
            "lose your admin role here."
        )
    return errors


def _own_two_factor(request: Request) -> bool:
    identity = request.identity
    return identity is not None and identity.two_factor


def general_save(context: SiteRoot, request: Request) -> Any:
    values, errors = _check(request, context)
    if errors:
        request.response.status_int = 400
        shown = {**values, "join_domains": request.POST.get("join_domains", "")}
        return _page(request, context, shown, errors)
    actor = request.identity.id
    current = request.site_settings._asdict()
    changed = set_holder_settings(
        context, **{k: values[k] for k in HOLDER_KEYS if values[k] != current[k]}
    )
    if "access" in changed:
        context.set_acl(values["access"])
    if context.front_page != values["front_page"]:
        context.front_page = values["front_page"]
        changed["front_page"] = values["front_page"]
    if changed:
        record(request, "site-settings", actor, changed=sorted(changed))
    join_changes: dict[str, Any] = {}
    if context.join_mode != values["join_mode"]:
        context.join_mode = join_changes["join_mode"] = values["join_mode"]
    if context.join_domains != values["join_domains"]:
        context.join_domains = join_changes["join_domains"] = values["join_domains"]
    if join_changes:
        record(request, "join-policy", actor, **join_changes)
    if context.require_two_factor != values["require_two_factor"]:
        context.require_two_factor = values["require_two_factor"]
        record(request, "two-factor-policy", actor, required=values["require_two_factor"])
    return saved(request, NAME)


def includeme(config: Configurator) -> None:
    add_panel_view(config, general_form, NAME, ("GET", "HEAD"), "control_panel_general.pt")
    add_panel_view(config, general_save, NAME, "POST", "control_panel_general.pt")
