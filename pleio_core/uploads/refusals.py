"""The one refusal of file handling: an HTTP status and a message a person can act on."""

from __future__ import annotations

from pyramid.i18n import TranslationString

from pleio_core.i18n import english


class FileRefused(Exception):
    """A file that is not taken: ``status`` is the HTTP answer (400 a bad name or a cut-off
    upload, 403, 409, 413 too large, 422 infected, 423 locked, 503 the scanner cannot be
    reached, 507 over the site's quota), ``message`` what to tell the person (translate it
    with ``request.localizer.translate``)."""

    def __init__(self, status: int, message: TranslationString | str) -> None:
        self.status, self.message = status, message
        super().__init__(status, english(message))

    def __repr__(self) -> str:
        return f"FileRefused({self.status}, {english(self.message)!r})"
