"""The operator's sites page on the platform host: every deelsite, creating one, and
switching one off (its hosts show a maintenance page; its data is left alone) and on.

Creating uses ``sites.creation``, the same code as ``pleio site create``. Disabling is a
line in the site's file (the operator's), which every process reads within seconds. What
the page says of each site comes from the platform database (``facts``), measured in the
background, or read at once from the databases this process has open already: the page
never opens a site's database.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.clock import timestamp
from pleio_core.content.site import PlatformRoot
from pleio_core.content.views import format_time
from pleio_core.i18n import LANGUAGES, _
from pleio_core.jobs import JobBusy, JobView, job_of, jobs_of_kind, start_job
from pleio_core.services import PLUGINS, SETTINGS, SITE_DATABASES, SITES
from pleio_core.sites.config import ACCESS_LEVELS, SiteConfig, write_site_config
from pleio_core.sites.creation import Problem, SiteCreationError, create_site
from pleio_core.sites.urls import host_url
from pleio_core.uploads import format_size

from .facts import KIND as FACTS
from .facts import STALE, measure_site, run_facts, stored_facts

log = logging.getLogger(__name__)
NAME = "operator-sites"
FIELDS = ("name", "title", "hosts", "description", "access", "language")
#: A problem with a value is said with the label of its field in the form.
FIELD_LABELS = {
    "title": _("Title"),
    "hosts": _("Host names"),
    "description": _("Description"),
    "modules": _("Modules"),
    "access": _("Access"),
    "language": _("Default language"),
}


def _current_facts(request: Request, sites: list[SiteConfig]) -> dict[str, dict[str, Any]]:
    """Each site's facts: read now from the databases this process has open already (a
    few reads each, nothing opened), else as last measured, from the platform database."""
    stored = stored_facts(request.platform_root)
    facts = {name: stored[name] for name in stored} if stored is not None else {}
    open_here = set(SITE_DATABASES(request.registry).open_names())
    for site in sites:
        if site.name in open_here and not site.disabled:
            measured = measure_site(request.registry, site)
            if measured is not None:
                facts[site.name] = measured
    return facts


def _measure_if_stale(
    request: Request, facts: dict[str, dict[str, Any]], sites: list[SiteConfig]
) -> bool:
    """Queue the facts job when a site's figures are missing or older than ``STALE``; True
    if it is queued or running now."""
    job = job_of(request, FACTS, "")
    if job is not None and job.active:
        return True
    ages = [
        timestamp() - facts[s.name]["measured"] if s.name in facts else STALE
        for s in sites
        if not s.disabled
    ]
    if not ages or max(ages) < STALE:
        return False
    _measure(request)
    return True


def _measure(request: Request) -> None:
    with contextlib.suppress(JobBusy):
        start_job(request, FACTS, "")


#: the kind of job the exchange's import is (exchange/import_job.py)
IMPORT = "import"


def _import_values(request: Request, job: JobView) -> dict[str, Any]:
    """An import job as the page lists it: its site, state and progress, or why it failed."""
    translate = request.localizer.translate
    if job.state == "queued":
        status = _("Waiting to be imported.")
    elif job.state == "running":
        status = _("Being imported: ${percent} %.", mapping={"percent": job.percent})
    elif job.state == "done":
        status = _("Imported.")
    else:
        why = TranslationString(job.message or "?", domain="pleio", mapping=job.mapping)
        status = _("Not imported: ${why}", mapping={"why": translate(why)})
    return {
        "name": job.key,
        "state": job.state,
        "active": job.active,
        "percent": job.percent,
        "status": translate(status),
        "hosts": ", ".join(job.params.get("hosts", ())),
    }


def _bytes(request: Request, used: int | None, quota: int | None = None) -> str:
    """A size (the database's, the files'), of the quota if there is one."""
    if used is None:
        return "—"
    language = request.localizer.locale_name
    if quota is None:
        return format_size(used, language)
    return request.localizer.translate(
        _(
            "${used} of ${quota}",
            mapping={"used": format_size(used, language), "quota": format_size(quota, language)},
        )
    )


def _said(request: Request, problem: Problem) -> str:
    """A problem in the visitor's language, after the label of the field it is about."""
    translate = request.localizer.translate
    label = FIELD_LABELS.get(problem.key or "")
    why = translate(problem.message)
    if label is not None:
        return f"{translate(label)}: {why}"
    return f"{problem.key}: {why}" if problem.key else why


def _page(request: Request, values: dict[str, Any], errors: list[Problem]) -> dict[str, Any]:
    """The sites page; ``errors``: why the site in ``values`` was not created."""
    translate = request.localizer.translate
    plugins = PLUGINS(request.registry)
    sites = sorted(SITES(request.registry), key=lambda s: s.name)
    known = _current_facts(request, sites)
    measuring = _measure_if_stale(request, known, sites)
    rows = []
    for site in sites:
        facts = known.get(site.name, {})
        rows.append(
            {
                "name": site.name,
                "title": facts.get("title") or site.title,
                "language": facts.get("language") or site.language,
                "hosts": site.hosts,
                "href": host_url(request, site.primary_host) + "/",
                "modules": ", ".join(facts.get("modules", site.modules)) or "—",
                "members": str(facts["members"]) if "members" in facts else "—",
                "size": _bytes(request, facts.get("size")),
                "files": _bytes(request, facts.get("files"), site.quota),
                "measured": format_time(facts["measured"]) if "measured" in facts else "—",
                "disabled": site.disabled,
            }
        )
    done = request.GET.get("done")
    return {
        "rows": rows,
        "measuring": measuring,
        "imports": [_import_values(request, job) for job in jobs_of_kind(request, IMPORT)],
        "values": values,
        "errors": [_said(request, problem) for problem in errors],
        "done": done if done in ("created", "disabled", "enabled", "measure", "import") else None,
        "done_site": request.GET.get("site", ""),
        "modules": [(p.name, translate(p.info.title)) for p in plugins],
        "languages": list(LANGUAGES.items()),
        "access_levels": ACCESS_LEVELS,
    }


EMPTY = {
    "name": "",
    "title": "",
    "hosts": "",
    "description": "",
    "access": "public",
    "language": "nl",
    "modules": (),
}


def sites_page(context: PlatformRoot, request: Request) -> dict[str, Any]:
    return _page(request, dict(EMPTY), [])


def _back(request: Request, done: str, site: str) -> HTTPSeeOther:
    return HTTPSeeOther(location=f"{request.application_url}/@@{NAME}?done={done}&site={site}")


def sites_change(context: PlatformRoot, request: Request) -> Any:
    action = request.POST.get("action")
    if action == "create":
        return _create(request)
    if action == "measure":
        _measure(request)
        return _back(request, "measure", "")
    if action not in ("disable", "enable"):
        raise HTTPBadRequest(_("Choose create, disable, enable or measure."))
    sites = SITES(request.registry)
    site = sites.get(request.POST.get("site", ""))
    if site is None:
        raise HTTPBadRequest(_("There is no such site."))
    disabled = action == "disable"
    if site.disabled != disabled:
        write_site_config(
            SETTINGS(request.registry).site_configs_dir, replace(site, disabled=disabled)
        )
        sites.refresh(force=True)
        log.info("site %s %sd by operator %s", site.name, action, request.identity.id)
        _measure(request)
    return _back(request, f"{action}d", site.name)


def _create(request: Request) -> Any:
    post = request.POST
    values = {key: (post.get(key) or "").strip() for key in FIELDS}
    values["modules"] = tuple(post.getall("modules"))
    data = {
        "title": values["title"],
        "description": values["description"],
        "hosts": [h for h in values["hosts"].replace(",", " ").split() if h],
        "modules": list(values["modules"]),
        "access": values["access"],
        "language": values["language"],
    }
    registry = request.registry
    try:
        site = create_site(registry, SITES(registry), values["name"], data)
    except SiteCreationError as exc:
        request.response.status_int = 400
        return _page(request, values, exc.problems)
    SITES(registry).refresh(force=True)
    log.info("site %s created by operator %s", site.name, request.identity.id)
    _measure(request)
    return _back(request, "created", site.name)


def includeme(config: Configurator) -> None:
    config.add_job_kind(FACTS, run_facts)
    renderer = "pleio_core:templates/operator_sites.pt"
    common = {"context": PlatformRoot, "name": NAME, "permission": "manage", "renderer": renderer}
    config.add_view(sites_page, request_method=("GET", "HEAD"), **common)
    config.add_view(sites_change, request_method="POST", **common)
