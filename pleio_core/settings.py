"""The platform's settings, parsed and checked once, at start-up, into one frozen object.

Every ``pleio.*`` and ``mail.*`` setting is read here and nowhere else: ``PleioSettings``
with its sections (``security_txt``, ``mail``). A ``pleio.*`` key this module does not know
stops start-up (a typo would otherwise be ignored in silence); ``SETTINGS`` lists the known
ones, and a test checks the operator guide's table against it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pyramid.settings import asbool, aslist

log = logging.getLogger(__name__)

#: Every ``pleio.*`` setting (without the prefix), as the operator guide's table lists them.
SETTINGS = (
    "secret",
    "platform_host",
    "site_configs",
    "storage_uri",
    "platform_storage_uri",
    "max_open_sites",
    "config_check_interval",
    "page_cache",
    "page_cache_entries",
    "secure_cookies",
    "security_contact",
    "security_expires",
    "disabled_plugins",
    "max_upload_size",
    "clamd",
    "clamd_unreachable",
    "clamd_timeout",
)
DEFAULT_CONTACT = "mailto:security@localhost"
EXPIRES_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
DEFAULT_UPLOAD_SIZE = "1 GB"
#: What ``pleio.clamd_unreachable`` may say: refuse an upload clamd cannot scan, or store it
#: marked unscanned.
UNREACHABLE_CHOICES = ("refuse", "store")
DEFAULT_CLAMD_TIMEOUT = 120.0


class SettingsError(ValueError):
    """A setting in the ``.ini`` file is missing or malformed."""


@dataclass(frozen=True)
class SecurityTxtSettings:
    """What ``/.well-known/security.txt`` says: where to report, and until when that holds."""

    contacts: tuple[str, ...]
    expires: str  # ISO 8601 in UTC, with Z


@dataclass(frozen=True)
class MailSettings:
    """How mail leaves: ``options`` are the ``mail.*`` settings, environment expanded, as
    pyramid_mailer takes them; without ``host``, messages are files in ``debug_dir``."""

    options: Mapping[str, str]
    debug_dir: Path

    @property
    def host(self) -> str | None:
        return self.options.get("mail.host") or None

    def sender(self, platform_host: str) -> str:
        return self.options.get("mail.default_sender") or f"Pleio <noreply@{platform_host}>"


@dataclass(frozen=True)
class ScannerSettings:
    """Where clamd listens (``pleio.clamd``) and what to do when it does not answer.

    ``socket_path`` for ``unix:///path``, else ``host`` and ``port`` for ``tcp://host:port``;
    ``timeout``: seconds one read or write to clamd may take (a scan of a large file takes
    many); ``store_unscanned``: ``pleio.clamd_unreachable = store``.
    """

    address: str  # as the operator wrote it, for messages
    socket_path: str | None
    host: str | None
    port: int | None
    timeout: float = DEFAULT_CLAMD_TIMEOUT
    store_unscanned: bool = False


@dataclass(frozen=True)
class PleioSettings:
    platform_host: str
    site_configs_dir: Path
    storage_uri: str
    platform_storage_uri: str
    max_open_sites: int
    config_check_interval: float
    page_cache: bool
    page_cache_entries: int
    secure_cookies: bool
    disabled_plugins: tuple[str, ...]
    secret: str
    security_txt: SecurityTxtSettings
    mail: MailSettings
    #: how often a request is tried after a ZODB ConflictError (pyramid_retry's setting)
    retry_attempts: int = 3
    #: the largest upload in bytes (``pleio.max_upload_size``)
    max_upload_size: int = 10**9
    #: the virus scanner; None: uploads are not scanned
    scanner: ScannerSettings | None = None

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, str], now: datetime | None = None
    ) -> PleioSettings:
        """Parse and check everything; SettingsError names the first bad setting."""
        now = now or datetime.now(UTC)
        here = settings.get("here") or str(Path.cwd())
        unknown = sorted(
            key for key in settings if key.startswith("pleio.") and key[6:] not in SETTINGS
        )
        if unknown:
            raise SettingsError(f"{unknown[0]} is not a setting (see the operator guide)")

        def get(key: str, default: str) -> str:
            return expand_environment(f"pleio.{key}", str(settings.get(f"pleio.{key}", default)))

        def get_int(key: str, default: int, minimum: int) -> int:
            return _whole_number(f"pleio.{key}", get(key, str(default)), minimum)

        var = Path(here) / "var"
        storage_uri = get(
            "storage_uri",
            f"file://{var}/sites/{{site}}/Data.fs?blobstorage_dir={var}/sites/{{site}}/blobs",
        )
        if "{site}" not in storage_uri:
            raise SettingsError(
                "pleio.storage_uri must contain {site}, e.g. file:///var/{site}/Data.fs"
            )
        configs = Path(get("site_configs", str(Path(here) / "site_configs")))
        if not configs.is_absolute():
            configs = Path(here) / configs
        # Production is where cookies are secure (production.ini): served over HTTPS.
        secure_cookies = asbool(get("secure_cookies", "false"))
        try:
            interval = float(get("config_check_interval", "1.0"))
        except ValueError:
            raise SettingsError("pleio.config_check_interval must be a number of seconds") from None
        return cls(
            platform_host=get("platform_host", "localhost").lower(),
            site_configs_dir=configs,
            storage_uri=storage_uri,
            platform_storage_uri=get(
                "platform_storage_uri",
                f"file://{var}/platform/Data.fs?blobstorage_dir={var}/platform/blobs",
            ),
            max_open_sites=get_int("max_open_sites", 64, 1),
            config_check_interval=interval,
            page_cache=asbool(get("page_cache", "true")),
            page_cache_entries=get_int("page_cache_entries", 2000, 0),
            secure_cookies=secure_cookies,
            disabled_plugins=tuple(aslist(get("disabled_plugins", ""))),
            secret=_secret(get("secret", ""), production=secure_cookies),
            security_txt=SecurityTxtSettings(
                _contacts(get("security_contact", DEFAULT_CONTACT) or ""),
                _expires(get("security_expires", ""), now),
            ),
            mail=MailSettings(
                {
                    key: expand_environment(key, str(value))
                    for key, value in settings.items()
                    if key.startswith("mail.")
                },
                var / "mail",
            ),
            retry_attempts=_whole_number("retry.attempts", str(settings.get("retry.attempts", 3))),
            max_upload_size=_upload_size(get("max_upload_size", DEFAULT_UPLOAD_SIZE)),
            scanner=_scanner(
                get("clamd", ""),
                get("clamd_unreachable", UNREACHABLE_CHOICES[0]),
                get("clamd_timeout", str(DEFAULT_CLAMD_TIMEOUT)),
            ),
        )


def _whole_number(key: str, raw: str, minimum: int = 1) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{key} must be at least {minimum}, not {value}")
    return value


#: Units of a size, by what they are written as (lower-cased): SI and binary prefixes.
SIZE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(raw: str) -> int:
    """Bytes from ``raw``: plain bytes (``1048576``), or a number and a unit: ``500 MB``,
    ``1.5 GB`` (10⁹ bytes), ``2 GiB`` (2³⁰ bytes). ValueError says what is accepted."""
    match = SIZE.match(raw)
    unit = match[2].lower() if match else ""
    if match is None or unit not in SIZE_UNITS:
        raise ValueError(
            f"{raw!r} is not a size: write bytes (1048576) or a number and a unit "
            "(500 MB, 1.5 GB, 2 GiB; B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)"
        )
    if "." in match[1]:
        whole, fraction = match[1].split(".")
        # exact for decimal units, not float-rounded: "1.1 GB" is 1,100,000,000 bytes
        scale = 10 ** len(fraction)
        return (int(whole) * scale + int(fraction)) * SIZE_UNITS[unit] // scale
    return int(match[1]) * SIZE_UNITS[unit]


def size_text(size: int) -> str:
    """``size`` bytes as ``parse_size`` reads them back exactly: "10 GB", "2 GiB", "1500 B"."""
    for unit in ("TB", "GB", "MB", "kB", "TiB", "GiB", "MiB", "KiB"):
        factor = SIZE_UNITS[unit.lower()]
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} B"


def _upload_size(raw: str) -> int:
    try:
        size = parse_size(raw)
    except ValueError as exc:
        raise SettingsError(f"pleio.max_upload_size: {exc}") from None
    if size < 1:
        raise SettingsError("pleio.max_upload_size must be at least 1 byte")
    return size


def _scanner(address: str, unreachable: str, timeout: str) -> ScannerSettings | None:
    """The clamd settings; None without ``pleio.clamd`` (the other two are then unused)."""
    if unreachable not in UNREACHABLE_CHOICES:
        raise SettingsError(
            f"pleio.clamd_unreachable must be one of {', '.join(UNREACHABLE_CHOICES)}, "
            f"not {unreachable!r}"
        )
    try:
        seconds = float(timeout)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < math.inf:
        raise SettingsError(
            f"pleio.clamd_timeout must be a number of seconds above 0, not {timeout!r}"
        )
    if not address:
        return None
    store = unreachable == "store"
    if address.startswith("unix://"):
        path = address[len("unix://") :]
        if not path.startswith("/"):
            raise SettingsError(
                f"pleio.clamd must name an absolute socket path (unix:///run/clamav/clamd.ctl), "
                f"not {address!r}"
            )
        return ScannerSettings(address, path, None, None, seconds, store)
    if address.startswith("tcp://"):
        host, _colon, port = address[len("tcp://") :].rstrip("/").rpartition(":")
        host = host.removeprefix("[").removesuffix("]")  # an IPv6 literal
        if host and port.isdigit() and 0 < int(port) < 65536:
            return ScannerSettings(address, None, host, int(port), seconds, store)
        raise SettingsError(
            f"pleio.clamd must be tcp://HOST:PORT (tcp://127.0.0.1:3310), not {address!r}"
        )
    raise SettingsError(
        f"pleio.clamd must be unix:///path/to/clamd.ctl or tcp://HOST:PORT, not {address!r}"
    )


def _contacts(raw: str) -> tuple[str, ...]:
    contacts = tuple(aslist(raw))
    if not contacts:
        raise SettingsError("pleio.security_contact is empty: security.txt needs a Contact")
    for contact in contacts:
        if not contact.startswith(("mailto:", "https://")):
            raise SettingsError(
                f"pleio.security_contact must start with mailto: or https://, not {contact!r}"
            )
    return contacts


def _expires(raw: str, now: datetime) -> str:
    if not raw:
        return (now + timedelta(days=365)).strftime(EXPIRES_FORMAT)
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise SettingsError(
            "pleio.security_expires must be an ISO 8601 date and time such as "
            f"2030-12-31T00:00:00Z, not {raw!r}"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when <= now:
        # a warning, not an error: a restart after the date passes must still come up
        log.warning("pleio.security_expires (%s) has passed: security.txt is stale", raw)
    return when.astimezone(UTC).strftime(EXPIRES_FORMAT)


def expand_environment(key: str, value: str) -> str:
    """``value`` with each ``${NAME}`` replaced by that environment variable (which must exist).

    Only the braced form is read, so a lone "$" (in a password, say) stays as it is.
    """

    def variable(match: re.Match[str]) -> str:
        if match[1] not in os.environ:
            raise SettingsError(f"{key} needs the environment variable {match[1]}")
        return os.environ[match[1]]

    return re.sub(r"\$\{(\w+)\}", variable, value).strip()


#: How to make a secret, in every message that refuses one.
MAKE_A_SECRET = (
    "make one with `pleio secret` (or: python -c "
    '"import secrets; print(secrets.token_urlsafe(48))") and set PLEIO_SECRET to it'
)
#: The least a production secret must be worth, as ``estimated_bits`` reckons.
MIN_SECRET_BITS = 128
#: SHA-256 of every secret that is published in Pleio's own files: anyone can forge
#: sessions with them. A test checks that each secret in the repository is listed here.
PUBLISHED_SECRETS = frozenset(
    {
        # development.ini
        "0e447f75e4bea748b10172da8deedcbbf2204d22b5161f1fb936d9b3dd7baeed",
        # pleio_core/testing.py (the test fixtures)
        "6900fd01709ad416a573a13010bf2ed9357180826b3613c66026053e01ac7e77",
        # bench/sites.py
        "9a5076c662227d68fabb077856c3631df8b9326ae3b4bcdea1c881406daacf89",
    }
)


def is_published_secret(value: str) -> bool:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest() in PUBLISHED_SECRETS


def estimated_bits(value: str) -> float:
    """A cautious estimate of how many bits of chance ``value`` holds.

    Each character that is not predictable from the ones before it counts for log2 of the
    number of different characters used. Predictable are: the rest of a repeated block
    (``abcabcabc``), a repeated character (``aaaa``) and the continuation of a run that
    counts up or down (``1234``, ``fedc``). Random text scores close to its true strength
    (``secrets.token_urlsafe(48)``: about 340 of 384 bits); words do not score lower than
    random letters, which is why a secret should come from ``pleio secret``.
    """
    for period in range(1, len(value) // 2 + 1):
        if all(value[i] == value[i - period] for i in range(period, len(value))):
            value = value[:period]
            break
    if not value:
        return 0.0
    unpredictable = 1
    for i in range(1, len(value)):
        step = ord(value[i]) - ord(value[i - 1])
        if step == 0 or (
            abs(step) == 1 and i >= 2 and ord(value[i - 1]) - ord(value[i - 2]) == step
        ):
            continue
        unpredictable += 1
    return unpredictable * math.log2(len(set(value))) if len(set(value)) > 1 else 0.0


def secret_problem(value: str, production: bool) -> str | None:
    """Why ``value`` cannot sign cookies (None if it can). Development accepts any secret of
    32 characters, its own published one included; production only a strong, unpublished one."""
    if len(value) < 32:
        return f"pleio.secret must be at least 32 characters: {MAKE_A_SECRET}"
    if not production:
        return None
    if is_published_secret(value):
        return (
            "pleio.secret is published in Pleio's own files (development.ini, the tests), "
            f"so anyone could forge a sign-in with it: {MAKE_A_SECRET}"
        )
    bits = estimated_bits(value)
    if bits < MIN_SECRET_BITS:
        return (
            f"pleio.secret is too easy to guess (about {bits:.0f} bits of chance, at least "
            f"{MIN_SECRET_BITS} are needed; repeated characters, runs like 1234 and few "
            f"different characters make it weak): {MAKE_A_SECRET}"
        )
    return None


def _secret(value: str, production: bool) -> str:
    problem = secret_problem(value, production)
    if problem is not None:
        raise SettingsError(problem)
    return value
