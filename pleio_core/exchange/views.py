"""The pages of the exit: the site archive and CSV files for admins, "my data" for everyone.

The site archive is a job (``export_job``): the POST queues it, the page shows how far it
is (and refreshes itself), and the archive is offered from the job's blob once it is done.
"My data" and CSV files are written to a temporary file first and then streamed from it:
the response outlives the request's database connection, and memory stays flat.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPSeeOther
from pyramid.i18n import TranslationString
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import FileIter, Response
from ZODB.interfaces import IBlobStorage

from pleio_core.clock import now
from pleio_core.content.site import SiteRoot
from pleio_core.content.views import format_time
from pleio_core.i18n import _
from pleio_core.jobs import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    JobBusy,
    JobView,
    job_of,
    start_job,
    stored_job,
)
from pleio_core.security.store import platform_accounts
from pleio_core.services import CONTENT_TYPES, PLATFORM_DATABASE
from pleio_core.tables import write_csv
from pleio_core.uploads import format_size

from .errors import ArchiveError
from .export import unavailable_modules
from .export_job import KIND, run_export
from .personal import PluginPartError, export_personal
from .tables import CONTENT_COLUMNS, MEMBER_COLUMNS, content_rows, member_rows

SPOOL = 1 << 20


def _download(request: Request, write: Callable[[IO[bytes]], Any], filename: str, media: str):
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- the response closes it, or the except
    try:
        write(spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = Response(content_type=media, app_iter=FileIter(spool))
    response.content_length = size
    response.content_disposition = f'attachment; filename="{filename}"'
    response.cache_control = "no-store"
    return response


def _stamp() -> str:
    return now().strftime("%Y%m%d-%H%M")


def export_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    types = CONTENT_TYPES(request.registry)
    problem = _missing_module(context, request) or _no_blobs(request)
    job = job_of(request, KIND, request.site.name)
    return {
        "problem": problem,  # why the archive cannot be made, if it cannot
        "blocked": problem is not None,
        "failed": False,  # a start was refused: the problem is announced
        "title": _("Export this site"),
        "job": _job_values(request, job) if job is not None else None,
        "member_columns": list(MEMBER_COLUMNS.items()),
        "types": sorted(
            (
                (ct.name, request.localizer.translate(ct.title))
                for ct in types.values()
                if ct.module in request.enabled_modules
            ),
            key=lambda t: t[1].lower(),
        ),
    }


def _when(moment: float | None) -> str:
    return "" if moment is None else format_time(moment)


def _job_values(request: Request, job: JobView) -> dict[str, Any]:
    """What the page says of the archive's job, in the visitor's language."""
    translate = request.localizer.translate
    language = request.localizer.locale_name
    if job.state == QUEUED:
        status = _("The archive is waiting to be made.")
    elif job.state == RUNNING:
        status = _(
            "Making the archive: ${percent} % (${done} of about ${total} items).",
            mapping={"percent": job.percent, "done": job.done, "total": max(job.total, job.done)},
        )
    elif job.state == DONE:
        status = _(
            "The archive is ready: ${size}.",
            mapping={"size": format_size(job.result_size, language)},
        )
    else:
        # a message id stored by the job (extracted where it was written)
        why = translate(TranslationString(job.message or "?", domain="pleio", mapping=job.mapping))
        status = _("The archive could not be made: ${why}", mapping={"why": why})
    return {
        "id": job.id,
        "state": job.state,
        "active": job.active,
        "done": job.state == DONE,
        "failed": job.state == FAILED,
        "percent": job.percent,
        "status": translate(status),
        "restarted": job.active and job.attempts > 1,
        "started": _when(job.created),
        "until": _when(job.expires),
        "download": f"{request.application_url}/@@export-archive?job={job.id}",
        "name": job.result_name,
    }


def _no_blobs(request: Request) -> str | None:
    """Why no archive can be kept: the platform database has no blob storage."""
    if IBlobStorage.providedBy(PLATFORM_DATABASE(request.registry).storage):
        return None
    return request.localizer.translate(
        _(
            "The platform database keeps no files (it has no blob storage), so an archive "
            "cannot be kept for you to download. Ask the operator to give it blob storage."
        )
    )


def export_start(context: SiteRoot, request: Request) -> Any:
    """Queue the archive's job and show its page; 409 with why if it cannot be made, or if
    one is being made already (one per site at a time)."""
    problem = _missing_module(context, request) or _no_blobs(request)
    if problem is not None:
        return _refused(context, request, problem)
    try:
        start_job(request, KIND, request.site.name)
    except JobBusy as busy:
        return _refused(
            context,
            request,
            request.localizer.translate(
                _(
                    "An archive of this site is being made already (asked for at ${when}): "
                    "wait until it is ready, then download it.",
                    mapping={"when": _when(busy.job.created)},
                )
            ),
        )
    return HTTPSeeOther(location=f"{request.application_url}/@@export")


def export_archive(context: SiteRoot, request: Request) -> Response:
    """The archive of a finished job, streamed from its blob (any process can serve it)."""
    job = stored_job(request, KIND, request.site.name)
    if job is None or job.id != request.GET.get("job") or job.state != DONE or not job.result:
        why = _(
            "There is no such archive (any more): an archive is kept for a day. "
            "Make a new one on the export page."
        )  # said on the export page itself, with its form
        return _refused(context, request, request.localizer.translate(why), status=404)
    stream = Path(job.result.committed()).open("rb")  # noqa: SIM115 -- the response closes it
    response = Response(
        content_type=job.result_type or "application/zip", app_iter=FileIter(stream)
    )
    response.content_length = job.result_size
    response.content_disposition = f'attachment; filename="{job.result_name}"'
    response.cache_control = "no-store"
    return response


def _missing_module(context: SiteRoot, request: Request) -> str | None:
    missing = unavailable_modules(context, request.registry)
    if not missing:
        return None
    return request.localizer.translate(
        _(
            "The module ${module} is switched on for this site, but is not installed on the "
            "platform: its content would be missing from the archive. Ask the operator to "
            "install it again, then export.",
            mapping={"module": missing[0]},
        )
    )


def _refused(context: SiteRoot, request: Request, problem: str, status: int = 409) -> Response:
    request.response.status_int = status
    values = {**export_page(context, request), "problem": problem, "failed": True}
    return render_to_response(
        "pleio_core:templates/export.pt", values, request=request, response=request.response
    )


def members_csv(context: SiteRoot, request: Request) -> Response:
    columns = [c for c in request.GET.getall("column") if c in MEMBER_COLUMNS] or list(
        MEMBER_COLUMNS
    )
    translate = request.localizer.translate
    header = [translate(MEMBER_COLUMNS[c]) for c in columns]
    rows = member_rows(context, platform_accounts(request), columns)
    return _csv(request, header, rows, f"{request.site.name}-members.csv")


def content_csv(context: SiteRoot, request: Request) -> Response:
    type_name = request.GET.get("type", "")
    content_type = CONTENT_TYPES(request.registry).get(type_name)
    if content_type is None or content_type.module not in request.enabled_modules:
        raise HTTPBadRequest()
    rows = content_rows(context, request.registry, platform_accounts(request), type_name)

    return _csv(request, CONTENT_COLUMNS, rows, f"{request.site.name}-{type_name}.csv")


def _csv(request: Request, header, rows, filename: str) -> Response:
    def write(out: IO[bytes]) -> None:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        write_csv(text, header, rows)
        text.flush()
        text.detach()

    return _download(request, write, filename, "text/csv")


def _account(request: Request):
    identity = request.identity
    accounts = platform_accounts(request)
    account = accounts.get(identity.id) if identity is not None and accounts else None
    if account is None:
        raise HTTPForbidden()
    return account


def my_data_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    _account(request)
    return {"title": _("Download my data"), "problem": None}


def my_data_download(context: SiteRoot, request: Request) -> Any:
    """The archive; or, when it could not hold all of it, the page with why (409)."""
    account = _account(request)
    try:
        return _download(
            request,
            lambda out: export_personal(context, request.site.name, account, request.registry, out),
            f"{request.site.name}-my-data-{_stamp()}.zip",
            "application/zip",
        )
    except ArchiveError as exc:
        module = exc.module if isinstance(exc, PluginPartError) else None
        module = module or next(iter(unavailable_modules(context, request.registry)), "?")
        request.response.status_int = 409
        problem = _(
            "Your data cannot be put together now: the module ${module} could not give its "
            "part. Nothing is left out on purpose, so there is no download. Try again later, "
            "or ask the site's admins.",
            mapping={"module": module},
        )
        values = {"title": _("Download my data"), "problem": problem}
        return render_to_response(
            "pleio_core:templates/my_data.pt", values, request=request, response=request.response
        )


def includeme(config: Configurator) -> None:
    """Admins (the only ones with ``manage``) export; any signed-in visitor gets their data."""
    admin = {"context": SiteRoot, "permission": "manage"}
    config.add_view(export_page, name="export", request_method=("GET", "HEAD"),
                    renderer="pleio_core:templates/export.pt", **admin)  # fmt: skip
    config.add_view(export_start, name="export", request_method="POST", **admin)
    config.add_view(export_archive, name="export-archive", request_method=("GET", "HEAD"),
                    **admin)  # fmt: skip
    config.add_job_kind(KIND, run_export)
    config.add_view(members_csv, name="members.csv", request_method="GET", **admin)
    config.add_view(content_csv, name="content.csv", request_method="GET", **admin)
    mine = {"context": SiteRoot, "permission": "view"}
    config.add_view(my_data_page, name="my-data", request_method=("GET", "HEAD"),
                    renderer="pleio_core:templates/my_data.pt", **mine)  # fmt: skip
    config.add_view(my_data_download, name="my-data", request_method="POST", **mine)
