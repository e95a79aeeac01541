"""Which names a file or folder may have: what people and every desktop client can use.

A name is what the uploader's browser or WebDAV client gave, NFC-normalised with its outer
spaces removed. It is refused, not changed, when it could mean something else somewhere
(``../x``, a path, a control character): the uploader is told why.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pleio_core.plugin_api import is_file_name

from ..i18n import _

MAX_NAME_BYTES = 255  # what file systems allow


class BadName(ValueError):
    """A name that cannot be used; ``message`` (a translation string) says why."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def clean_name(raw: object) -> str:
    """``raw`` as a file or folder name; BadName says why it cannot be one.

    Which names are allowed is the core's rule (``is_file_name``, also what an import
    accepts); this says why a name is not, in words the uploader can act on.
    """
    if not isinstance(raw, str):
        raise BadName(_("A name is text."))
    name = unicodedata.normalize("NFC", raw).strip()
    if is_file_name(name):
        return name
    if not name:
        raise BadName(_("Give a name."))
    if "/" in name or "\\" in name:
        raise BadName(_("A name holds no / or \\: it is one name, not a path."))
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise BadName(_("A name is at most ${n} bytes long.", mapping={"n": MAX_NAME_BYTES}))
    if name in (".", "..") or name.startswith("@@"):
        raise BadName(_("“${name}” cannot be a name.", mapping={"name": name}))
    raise BadName(_("A name holds no control characters or invisible marks."))
