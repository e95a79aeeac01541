"""What every upload goes through, whoever takes it in (the workspace's web form, WebDAV,
the control panel's logo): the size limit, the site's quota and its usage, and the virus
scanner. Each refusal is a ``FileRefused`` with the HTTP status and a message to show.

The floor beside the catalog and the other services: it reads the settings, the site's
file and its database, and writes the audit log.
"""

from __future__ import annotations

from .limits import add_usage, check_quota, format_size, storage_usage, upload_limit
from .refusals import FileRefused
from .scanning import scan_bytes, scan_file

__all__ = [
    "FileRefused",
    "add_usage",
    "check_quota",
    "format_size",
    "scan_bytes",
    "scan_file",
    "storage_usage",
    "upload_limit",
]
