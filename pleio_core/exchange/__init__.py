"""The exit: a whole deelsite exported to a documented archive and imported elsewhere,
personal data exports, CSV files for admins (see docs/export-format.md)."""

from __future__ import annotations

from pyramid.config import Configurator

from .archive import FORMAT_VERSION, ArchiveReader
from .errors import ArchiveError
from .export import export_site
from .importing import check_plugins, write_site

__all__ = [
    "FORMAT_VERSION",
    "ArchiveError",
    "ArchiveReader",
    "check_plugins",
    "export_site",
    "write_site",
]


def includeme(config: Configurator) -> None:
    config.include(".views")
    config.include(".import_job")
