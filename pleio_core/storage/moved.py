"""Classes that moved: a database names each stored object's class by where it lived then.

ZODB stores a persistent object with its class's module and name. When a class moves to
another module (a layer of its own, say), objects stored before still name the old module,
and would load as broken objects. Each move is written down here, and every database the
platform opens looks classes up through this table first. An entry stays as long as
databases from before the move may exist: remove none.
"""

from __future__ import annotations

from typing import Any

from ZODB.broken import find_global

#: (old module, class name) -> the module the class lives in now
MOVED: dict[tuple[str, str], str] = {
    ("pleio_core.api.tokens", "ApiToken"): "pleio_core.security.api_tokens",
    ("pleio_core.api.tokens", "ApiTokens"): "pleio_core.security.api_tokens",
    ("pleio_core.security.audit", "AuditLog"): "pleio_core.sites.audit",
    ("pleio_core.admin.images", "SiteImage"): "pleio_core.sites.appearance",
}


def class_factory(_connection: Any, module: str, name: str) -> Any:
    """``DB.classFactory``: the class stored as ``module.name``, wherever it lives now."""
    return find_global(MOVED.get((module, name), module), name)
