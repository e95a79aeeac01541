"""The site archive as a job: made in the background by any process, kept as a blob.

The holder's POST queues it; a worker thread reads the site in one transaction (a
consistent snapshot, however long it takes), writes the zip beside the platform's blobs,
and the worker makes it the job's blob. A process that dies half-way leaves a job whose
lease runs out: another one starts it again from the beginning (a zip cannot be resumed
half-written, and a new snapshot is as good as the old one).
"""

from __future__ import annotations

import transaction
from pyramid.registry import Registry

from pleio_core.catalog.model import site_catalog
from pleio_core.clock import now
from pleio_core.content.site import ROOT_KEY
from pleio_core.i18n import _
from pleio_core.jobs import JobFailed, JobResult, RunningJob
from pleio_core.security.store import accounts_of
from pleio_core.services import PLATFORM_DATABASE, SITE_DATABASES, SITES
from pleio_core.storage import PLATFORM_KEY

from .errors import ArchiveError
from .export import export_site

KIND = "export"


def run_export(registry: Registry, running: RunningJob) -> JobResult:
    site = SITES(registry).get(running.key)
    if site is None or site.disabled:
        raise JobFailed(_("The site is switched off or gone: there is nothing to export."))
    databases = SITE_DATABASES(registry)
    site_tm, platform_tm = transaction.TransactionManager(), transaction.TransactionManager()
    conn = databases.connect(site.name, site_tm)
    platform = PLATFORM_DATABASE(registry).open(transaction_manager=platform_tm)
    path = running.new_file(".zip")
    try:
        site_tm.begin()
        platform_tm.begin()
        root = conn.root().get(ROOT_KEY)
        if root is None:
            raise JobFailed(_("The site has no content yet: there is nothing to export."))
        catalog = site_catalog(root)
        total = len(catalog.objects) if catalog is not None else 0
        running.progress(0, total)
        accounts = accounts_of(platform.root()[PLATFORM_KEY])
        with path.open("wb") as out:
            export_site(
                root,
                site,
                accounts,
                registry,
                out,
                progress=lambda done, written: running.progress(done, None, written),
            )
    except ArchiveError as exc:
        path.unlink(missing_ok=True)
        raise JobFailed(str(exc)) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        site_tm.abort()
        platform_tm.abort()
        platform.close()
        databases.release(site.name, conn)
    stamp = now().strftime("%Y%m%d-%H%M")
    return JobResult(path, f"{site.name}-{stamp}.zip", "application/zip")
