"""Importing a site from an archive, started on the operator's sites page, as a job.

The sites page (``admin``) has the form and lists the import jobs; this module takes the
form's POST (``/@@operator-import`` on the platform host, for operators) and runs the job.
The uploaded archive becomes a blob of the job in the platform database (so whichever
process claims the job reads it), and the job does what ``pleio site import`` does
(``new_site``): the same checks, a half-written site removed again. The upload is dropped
when the job ends.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.registry import Registry
from pyramid.renderers import render_to_response
from pyramid.request import Request
from ZODB.blob import Blob
from ZODB.interfaces import IBlobStorage

from pleio_core.content.site import PlatformRoot
from pleio_core.i18n import _
from pleio_core.jobs import JobBusy, JobFailed, RunningJob, job_board, start_job
from pleio_core.services import PLATFORM_DATABASE, SETTINGS, SITES
from pleio_core.sites.creation import Problem, SiteCreationError, check_new_site
from pleio_core.storage import PLATFORM_KEY, site_storage_uri

from .archive import ArchiveReader
from .errors import ArchiveError
from .importing import check_plugins
from .new_site import NotNewSite, check_storage_is_new, new_site_config, plan_for, write_new_site

log = logging.getLogger(__name__)
KIND = "import"  # (the sites page lists the jobs of this kind)


def start_import(request: Request) -> list[Problem]:
    """Queue the import the form asks for; the problems with it (nothing queued) if any."""
    post = request.POST
    name = (post.get("name") or "").strip()
    hosts = [h for h in (post.get("hosts") or "").replace(",", " ").split() if h]
    title = (post.get("title") or "").strip()
    upload = getattr(post.get("archive"), "file", None)
    problems = []
    if not hosts:
        problems.append(Problem("hosts", _("at least one host name is required")))
    if upload is None:
        problems.append(Problem("archive", _("choose the archive (a .zip file) to import")))
    if not IBlobStorage.providedBy(PLATFORM_DATABASE(request.registry).storage):
        problems.append(Problem(None, _("the platform database keeps no files (no blobs)")))
    try:
        check_new_site(
            name, hosts, SITES(request.registry), SETTINGS(request.registry).platform_host
        )
    except SiteCreationError as exc:
        problems[:0] = exc.problems
    if problems or upload is None:
        return problems
    try:
        start_job(request, KIND, name, {"hosts": hosts, "title": title})
    except JobBusy:
        return [Problem(None, _("a site of that name is being imported already"))]
    board = job_board(request.platform_root)
    assert board is not None
    job = board.get(KIND, name)
    assert job is not None
    job.input = Blob()
    with job.input.open("w") as out:
        shutil.copyfileobj(upload, out, 1 << 20)
    return []


def run_import(registry: Registry, running: RunningJob) -> None:
    name, hosts = running.key, list(running.params["hosts"])
    sites = SITES(registry)
    settings = SETTINGS(registry)
    platform_db = PLATFORM_DATABASE(registry)
    with platform_db.transaction() as conn:
        job = job_board(conn.root()[PLATFORM_KEY]).get(KIND, name)  # type: ignore[union-attr]
        path = job.input.committed() if job is not None and job.input is not None else None
    if path is None:
        raise JobFailed(_("The archive to import is gone."))
    sites.refresh(force=True)
    try:
        check_new_site(name, hosts, sites, settings.platform_host)
    except SiteCreationError as exc:
        raise JobFailed(exc.problems[0].message) from None
    try:
        reader = ArchiveReader(path)
    except (ArchiveError, OSError) as exc:
        why = str(exc)
        raise JobFailed(
            _("This is not an archive of a site: ${why}", mapping={"why": why})
        ) from None
    try:
        check_plugins(reader, registry)
        checked = [0]

        def on_checked(more: int) -> None:
            checked[0] += more
            running.progress(0, None, checked[0])

        reader.verify(on_checked)
        site = new_site_config(
            reader, name, hosts, running.params.get("title", ""), settings.site_configs_dir,
            sites.known_modules,
        )  # fmt: skip
        uri = site_storage_uri(settings, {name: site}, name)
        check_storage_is_new(uri, name)
        plan = plan_for(reader, platform_db)
        write_new_site(
            registry, platform_db, uri, reader, site, plan, settings.site_configs_dir,
            running.progress,
        )  # fmt: skip
    except (ArchiveError, NotNewSite) as exc:
        why = str(exc)
        raise JobFailed(_("The site was not imported: ${why}", mapping={"why": why})) from None
    finally:
        reader.close()
    sites.refresh(force=True)


FIELD_LABELS = {"hosts": _("Host names"), "archive": _("Archive")}


def import_start(context: PlatformRoot, request: Request) -> Any:
    """Queue the import and go back to the sites page; 400 with each problem if it cannot
    be started."""
    problems = start_import(request)
    if not problems:
        name = request.POST["name"].strip()
        log.info("import of %s queued by operator %s", name, request.identity.id)
        location = f"{request.application_url}/@@operator-sites?done=import&site={name}"
        return HTTPSeeOther(location=location)
    translate = request.localizer.translate
    said = []
    for problem in problems:
        label = FIELD_LABELS.get(problem.key or "")
        why = translate(problem.message)
        said.append(f"{translate(label)}: {why}" if label is not None else why)
    request.response.status_int = 400
    return render_to_response(
        "pleio_core:templates/import_refused.pt",
        {"problems": said},
        request=request,
        response=request.response,
    )


def includeme(config: Configurator) -> None:
    config.add_job_kind(KIND, run_import)
    config.add_view(
        import_start, context=PlatformRoot, name="operator-import", request_method="POST",
        permission="manage",
    )  # fmt: skip
