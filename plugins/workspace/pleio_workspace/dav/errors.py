"""How WebDAV refuses: a status and a message for people, in plain text; or a challenge."""

from __future__ import annotations

from pyramid.request import Request
from wsgidav.dav_error import DAVError, get_http_status_string

from pleio_core.plugin_api import FileRefused


class Refusal(DAVError):
    """A refusal with a message for people: answered as plain text, not wsgidav's page."""

    def get_response_page(self) -> tuple[str, bytes]:
        if self.err_condition:
            return super().get_response_page()
        text = str(self.context_info or get_http_status_string(self))
        return "text/plain; charset=utf-8", (text + "\n").encode("utf-8")


class Challenge(DAVError):
    """The caller has not signed in and may not see this: ask for an app password (the
    view answers it with the challenge). A DAVError, so that wsgidav passes it on."""

    def __init__(self) -> None:
        super().__init__(401)


def refused(request: Request, refusal: FileRefused) -> DAVError:
    """A ``FileRefused`` as wsgidav's error, its message in the caller's language."""
    message = request.localizer.translate(refusal.message)
    return Refusal(refusal.status, context_info=message)
