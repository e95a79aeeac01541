"""How much may come in: the size of one upload, and the room the operator gives a site.

The bytes a site holds are counted on its root in a ``BTrees.Length``, whose conflicts
ZODB resolves by adding both sides' changes: uploads that commit at once do not conflict
over the count, and the total stays exact. Whoever stores or removes bytes for good says
so with ``add_usage`` (the workspace: each stored version's size, and what is purged).
"""

from __future__ import annotations

from BTrees.Length import Length
from pyramid.request import Request

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.services import SETTINGS
from pleio_core.storage.parts import part

from .refusals import FileRefused

#: (unit, bytes) from the largest down: what ``format_size`` writes.
DISPLAY_UNITS = (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3))


def upload_limit(request: Request) -> int:
    """The largest upload in bytes (``pleio.max_upload_size``, read at start-up)."""
    return SETTINGS(request.registry).max_upload_size


def storage_usage(site_root: SiteRoot) -> int:
    """The bytes the site's files take (0 before anything was counted)."""
    usage = part(site_root, "storage_usage", Length, create=False)
    return usage() if usage is not None else 0


def add_usage(site_root: SiteRoot, delta: int) -> None:
    """Count ``delta`` bytes more (or, negative, fewer) in the current transaction.

    The count is made on the first change (a site made before has none); after that,
    concurrent changes never conflict. It never goes below 0.
    """
    usage = part(site_root, "storage_usage", Length, create=True)
    assert usage is not None
    if delta < 0 and usage() + delta < 0:
        delta = -usage()  # a purge of bytes counted before the count existed
    if delta:
        usage.change(delta)


def check_quota(request: Request, extra: int) -> None:
    """FileRefused(507) if ``extra`` more bytes do not fit in the site's quota (the ``quota``
    of its file; none: no limit). The message says how much room is left."""
    site = request.site
    quota = site.quota if site is not None else None
    root = request.site_root
    if quota is None or root is None:
        return
    used = storage_usage(root)
    if used + extra <= quota:
        return
    language = request.localizer.locale_name
    mapping = {
        "needed": format_size(extra, language),
        "left": format_size(max(quota - used, 0), language),
        "quota": format_size(quota, language),
    }
    raise FileRefused(
        507,
        _(
            "There is no room for this upload: it needs ${needed}, and ${left} of this "
            "site's ${quota} is left. Remove files, or ask the platform's operator for more.",
            mapping=mapping,
        ),
    )


def format_size(size: int, language: str = "nl") -> str:
    """``size`` bytes as a person reads them: "512 B", "1.5 MB" ("1,5 MB" in Dutch), "10 GB".

    Decimal units, as a quota is usually written; one decimal below 10 of a unit, rounded
    down, so that "left" is never more than there is.
    """
    unit, factor = next(((u, f) for u, f in DISPLAY_UNITS if size >= f), ("B", 1))
    tenths = size * 10 // factor
    if tenths >= 100 or tenths % 10 == 0:
        text = str(tenths // 10)
    else:
        text = f"{tenths // 10}{',' if language == 'nl' else '.'}{tenths % 10}"
    return f"{text} {unit}"
