"""Sending e-mail: through pyramid_mailer, only when the request's transaction commits.

With ``mail.host`` set, mail goes to that SMTP server. Without it (development), every
message is written as a file to ``var/mail/`` instead, so nothing is lost and nothing leaves
the machine.
"""

from __future__ import annotations

import os
from pathlib import Path

from pyramid.config import Configurator
from pyramid.i18n import TranslationString
from pyramid.request import Request
from pyramid_mailer import get_mailer
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import DebugMailer
from pyramid_mailer.message import Message

from .settings import expand_environment


def send_mail(
    request: Request,
    to: str,
    subject: TranslationString | str,
    body: TranslationString | str,
    language: str | None = None,
) -> None:
    """Queue a plain-text message; it is sent when (and only if) the transaction commits.

    ``language`` is the recipient's (defaults to the request's); subject and body are
    translated into it.
    """
    localizer = request.localizer
    if language and language != request.locale_name:
        from pyramid.i18n import make_localizer
        from pyramid.interfaces import ITranslationDirectories

        dirs = request.registry.queryUtility(ITranslationDirectories, default=[])
        localizer = make_localizer(language, dirs)
    sender = request.registry.settings.get("mail.default_sender") or (
        f"Pleio <noreply@{request.registry.pleio_settings.platform_host}>"
    )
    message = Message(
        subject=localizer.translate(subject),
        sender=sender,
        recipients=[to],
        body=localizer.translate(body),
    )
    request.mailer.send(message)


def includeme(config: Configurator) -> None:
    settings = config.registry.settings
    for key in [k for k in settings if k.startswith("mail.")]:
        settings[key] = expand_environment(key, str(settings[key]))
    if settings.get("mail.host"):
        config.include("pyramid_mailer")
        return
    # pyramid_mailer.debug always writes to ./mail of the working directory; we want var/
    here = settings.get("here") or os.getcwd()
    folder = Path(here) / "var" / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    config.registry.registerUtility(DebugMailer(str(folder)), IMailer)
    config.add_request_method(get_mailer, "mailer", reify=True)
