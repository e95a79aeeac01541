"""Sending e-mail: through pyramid_mailer, only when the request's transaction commits.

With ``mail.host`` set, mail goes to that SMTP server. Without it (development), every
message is written as a file to ``var/mail/`` instead, so nothing is lost and nothing leaves
the machine.
"""

from __future__ import annotations

import functools
import smtplib
from typing import Any

from pyramid.config import Configurator
from pyramid.i18n import Localizer, TranslationString, make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid_mailer import get_mailer
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import DebugMailer, Mailer
from pyramid_mailer.message import Message

from pleio_core.services import SETTINGS

from .settings import MailSettings


@functools.lru_cache(maxsize=16)
def _localizer(language: str, dirs: tuple[str, ...]) -> Localizer:
    return make_localizer(language, list(dirs))


def localizer_for(registry: Registry, language: str) -> Localizer:
    """A localizer for ``language``, made once (making one reads every catalogue)."""
    dirs = registry.queryUtility(ITranslationDirectories, default=[])
    return _localizer(language, tuple(dirs))


def build_message(
    registry: Registry,
    to: str,
    subject: TranslationString | str,
    body: TranslationString | str,
    language: str,
) -> Message:
    """A plain-text message to ``to``, translated into ``language`` (the recipient's)."""
    localizer = localizer_for(registry, language)
    settings = SETTINGS(registry)
    sender = settings.mail.sender(settings.platform_host)
    return Message(
        subject=localizer.translate(subject),
        sender=sender,
        recipients=[to],
        body=localizer.translate(body),
    )


def send_mail(
    request: Request,
    to: str,
    subject: TranslationString | str,
    body: TranslationString | str,
    language: str | None = None,
) -> None:
    """Queue a plain-text message; it is sent when (and only if) the transaction commits.

    ``language`` is the recipient's (defaults to the request's).
    """
    message = build_message(request.registry, to, subject, body, language or request.locale_name)
    request.mailer.send(message)


def _crlf(message: bytes | str) -> bytes | str:
    if isinstance(message, str):
        return message  # (smtplib makes the line ends of a text CRLF itself)
    return message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


class _SMTP(smtplib.SMTP):
    """smtplib's SMTP, sending CRLF line ends. repoze.sendmail hands it the message as
    bytes with bare LFs, which smtplib sends as they are: a server that reads lines by
    CRLF (RFC 5321, as aiosmtpd and a strict Postfix do) then sees one line, and refuses
    any message over 1,000 bytes ("Line too long") — a digest, say."""

    def sendmail(self, from_addr: Any, to_addrs: Any, msg: Any, *args: Any, **kw: Any) -> Any:
        return super().sendmail(from_addr, to_addrs, _crlf(msg), *args, **kw)


class _SMTP_SSL(smtplib.SMTP_SSL):
    def sendmail(self, from_addr: Any, to_addrs: Any, msg: Any, *args: Any, **kw: Any) -> Any:
        return super().sendmail(from_addr, to_addrs, _crlf(msg), *args, **kw)


def make_mailer(mail: MailSettings) -> Mailer | DebugMailer:
    """SMTP with ``mail.host``, else a file per message (the web application's and the
    command line's mailer alike)."""
    if mail.host:
        mailer = Mailer.from_settings(mail.options, prefix="mail.")
        mailer.smtp_mailer.smtp, mailer.smtp_mailer.smtp_ssl = _SMTP, _SMTP_SSL
        return mailer
    # pyramid_mailer.debug always writes to ./mail of the working directory; we want var/
    mail.debug_dir.mkdir(parents=True, exist_ok=True)
    return DebugMailer(str(mail.debug_dir))


def includeme(config: Configurator) -> None:
    """The mailer, from the settings as parsed once (``PleioSettings.mail``)."""
    config.registry.registerUtility(make_mailer(SETTINGS(config.registry).mail), IMailer)
    config.add_request_method(get_mailer, "mailer", reify=True)
