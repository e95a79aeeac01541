"""Languages: Dutch first, English second. The visitor's choice beats the site's default.

Also the Babel extractor for Chameleon templates (``extract_templates``): a plugin made by
``pleio plugin new`` names it in its ``[tool.babel]``, so its catalogues are extracted from
its templates as well as its Python code.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import IO, Any
from urllib.parse import quote

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.i18n import TranslationString, TranslationStringFactory
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.services import SETTINGS

_ = TranslationStringFactory("pleio")

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
COOKIE = "pleio_lang"


def english(message: str) -> str:
    """``message`` in English with its mapping filled in, for logs and the command line
    (a TranslationString's own text keeps its ``${name}`` placeholders)."""
    return message.interpolate() if isinstance(message, TranslationString) else message


def negotiate_locale(request: Request) -> str:
    """The visitor's choice (cookie), else the account's language, else the site's."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    identity = request.identity
    if identity is not None and identity.language in LANGUAGES:
        return identity.language
    settings = request.site_settings
    return settings.language if settings is not None else DEFAULT_LANGUAGE


#: Longer ``came_from`` values are not a page anyone meant to return to; they only make
#: the redirect (a header) large.
MAX_LOCAL_PATH = 2000
#: Kept as they are when a path is made safe for a header: what a path and query string
#: need, and "%" so that what is already percent-encoded stays as it is.
_PATH_SAFE = "/?#&=;:@!$'()*+,%[]"


def local_path(value: str | None) -> str:
    """``value`` if it is a path on this host, else ``/``: no open redirects.

    What is returned goes into a ``Location`` header (which carries only Latin-1) and into
    the links of the sign-in pages: characters outside ASCII are percent-encoded as UTF-8
    (a full-width space becomes ``%E3%80%80``, the same address to a browser); control
    characters, backslashes, other hosts (``//host``) and overlong values give ``/``.
    """
    if not value or len(value) > MAX_LOCAL_PATH:
        return "/"
    if not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "/"
    # starting with one "/", it has neither a scheme nor a host of its own
    try:
        return quote(value, safe=_PATH_SAFE)
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8, so no address
        return "/"


def set_language(request: Request) -> HTTPSeeOther:
    """``/@@language?lang=en&came_from=/wiki``: remember the visitor's language in a cookie."""
    lang = request.GET.get("lang", "")
    if lang not in LANGUAGES:
        mapping = {"lang": repr(lang), "languages": ", ".join(LANGUAGES)}
        raise HTTPBadRequest(
            _("Unknown language ${lang}; choose one of: ${languages}.", mapping=mapping)
        )
    response = HTTPSeeOther(location=local_path(request.GET.get("came_from")))
    response.set_cookie(
        COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=SETTINGS(request.registry).secure_cookies,
    )
    return response


def includeme(config: Configurator) -> None:
    config.set_locale_negotiator(negotiate_locale)
    config.add_view(
        set_language,
        name="language",
        request_method=("GET", "HEAD"),
        permission=NO_PERMISSION_REQUIRED,
    )


# -- extracting messages from templates (pybabel extract) ---------------------------------

#: Elements without an end tag in HTML: they never enclose a message.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _TemplateMessages(HTMLParser):
    """Collects ``i18n:translate`` texts and ``i18n:attributes`` values, as Chameleon makes
    their message ids: whitespace collapsed, an ``i18n:name`` element as ``${name}``.

    A ``${…}`` written straight into such a text is different: Chameleon fills it in before
    it looks the message up, so no catalogue ever matches. Those messages are also kept in
    ``interpolated``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.interpolated: list[tuple[int, str]] = []
        self._open: list[str] = []  # the elements open now
        self._messages: list[tuple[int, int, list[str]]] = []  # (depth, line, parts)
        self._named_at: int | None = None  # depth of an i18n:name element being skipped
        self._interpolated_at: set[int] = set()  # lines of messages with a ${…} of their own

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        line = self.getpos()[0]
        for spec in (values.get("i18n:attributes") or "").split(";"):
            attribute = spec.split()[0] if spec.split() else ""
            text = values.get(attribute)
            if text and "${" not in text:
                self.found.append((line, text))
        if tag in _VOID:
            return
        self._open.append(tag)
        depth = len(self._open)
        name = values.get("i18n:name")
        if name and self._messages and self._named_at is None:
            self._messages[-1][2].append(f"${{{name}}}")
            self._named_at = depth
        if "i18n:translate" in values:
            msgid = values["i18n:translate"]
            if msgid:
                self.found.append((line, msgid))
            else:
                self._messages.append((depth, line, []))

    def handle_data(self, data: str) -> None:
        if self._messages and self._named_at is None:
            self._messages[-1][2].append(data)
            if "${" in data:
                self._interpolated_at.add(self._messages[-1][1])

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._open:
            return
        while self._open:
            depth = len(self._open)
            if self._named_at == depth:
                self._named_at = None
            if self._messages and self._messages[-1][0] == depth:
                _, line, parts = self._messages.pop()
                text = " ".join("".join(parts).split())
                if text:
                    self.found.append((line, text))
                    if line in self._interpolated_at:
                        self.interpolated.append((line, text))
            if self._open.pop() == tag:
                return


def _read_template(text: str) -> _TemplateMessages:
    parser = _TemplateMessages()
    parser.feed(text)
    parser.close()
    return parser


def extract_templates(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extractor interface: (line, function, message, comments) per message."""
    parser = _read_template(fileobj.read().decode(options.get("encoding", "utf-8")))
    for line, message in parser.found:
        yield line, None, message, []


def untranslatable_messages(text: str) -> list[tuple[int, str]]:
    """(line, message) of the template messages Chameleon can never translate: their text
    has a ``${…}`` of its own, filled in before the lookup. The value goes into an
    ``i18n:name`` element instead: ``<tal:n i18n:name="n">${n}</tal:n>``."""
    return _read_template(text).interpolated
