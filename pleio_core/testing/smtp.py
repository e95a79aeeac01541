"""A real SMTP server for tests of mail: aiosmtpd on a free loopback port, keeping every
message it receives so a test can read it and follow its links."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pleio_core.testing.server import free_port


class SMTPServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    @property
    def settings(self) -> dict[str, str]:
        return {
            "mail.host": "127.0.0.1",
            "mail.port": str(self.port),
            "mail.default_sender": "Pleio <noreply@pleio.test>",
        }

    def to(self, address: str) -> list[Any]:
        """The messages received for ``address``."""
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    def link(self, address: str, contains: str) -> str:
        """The last link in the last message to ``address`` whose URL contains ``contains``."""
        import re

        for message in reversed(self.to(address)):
            body = message.get_body(("plain",)).get_content()
            links = [u for u in re.findall(r"https?://\S+", body) if contains in u]
            if links:
                return links[-1]
        raise AssertionError(f"no message to {address} with a link containing {contains!r}")

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    yield server
    server.close()
