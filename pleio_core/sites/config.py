"""One deelsite's configuration file (``site_configs/NAME.toml``): parsing and validation."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from pleio_core.i18n import _, english
from pleio_core.settings import parse_size, size_text

SITE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,61}[a-z0-9]$")
MODULE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")  # a plugin's name (an entry point's)
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
ACCESS_LEVELS = ("public", "closed")
LANGUAGES = ("nl", "en")
KEYS = (
    "title",
    "description",
    "hosts",
    "modules",
    "access",
    "language",
    "storage",
    "disabled",
    "quota",
)


class SiteConfigError(ValueError):
    """A site configuration is invalid; the message names the file, the key and why.

    ``reason`` is why in English; ``message`` is the same to translate, for the operator's
    sites page. What only a file on disk can get wrong (its TOML cannot be read, or a host
    another file claims) is said in English only: the operator reads it in the log.
    """

    def __init__(self, source: str, key: str | None, reason: str) -> None:
        self.source, self.key = source, key
        self.message, self.reason = reason, english(reason)
        where = f"{source}: {key}" if key else source
        super().__init__(f"{where}: {self.reason}")


def normalise_host(host: str) -> str | None:
    """Lower-case ``host``, strip its port and a trailing dot; None if it is not a host name."""
    host = host.strip().lower()
    if host.startswith("["):  # an IPv6 literal, with or without port
        end = host.find("]")
        return host[: end + 1] if end > 0 else None
    if ":" in host:
        host, port = host.rsplit(":", 1)
        if not port.isdigit() or len(port) > 5:
            return None  # the port is copied into URLs we build: only digits
    host = host.rstrip(".")
    if not host or len(host) > 253:
        return None
    if all(HOST_LABEL.match(label) for label in host.split(".")):
        return host
    return None


@dataclass(frozen=True)
class SiteConfig:
    """The operator's description of a deelsite, as read from its file."""

    name: str
    title: str
    hosts: tuple[str, ...]
    modules: tuple[str, ...] = ()
    description: str = ""
    access: str = "public"
    language: str = "nl"
    storage: str | None = None
    #: Switched off by the operator: its hosts answer 503 with a maintenance page; its
    #: database is left as it is.
    disabled: bool = False
    #: The bytes the site's files may take (set by the operator); None: no limit.
    quota: int | None = None
    source: str = field(default="", compare=False)

    @property
    def primary_host(self) -> str:
        return self.hosts[0]

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "description": self.description,
            "hosts": list(self.hosts),
            "modules": list(self.modules),
            "access": self.access,
            "language": self.language,
        }
        if self.storage:
            data["storage"] = self.storage
        if self.disabled:
            data["disabled"] = True
        if self.quota is not None:
            data["quota"] = size_text(self.quota)
        return data


def validate_site_name(name: str, source: str = "site name") -> str:
    if not SITE_NAME.match(name):
        raise SiteConfigError(
            source,
            None,
            _(
                "invalid site name ${name}: use 2-63 lower-case letters, digits and '-', "
                "starting with a letter",
                mapping={"name": repr(name)},
            ),
        )
    return name


def build_site_config(
    name: str, data: Mapping[str, Any], source: str, known_modules: Collection[str] | None
) -> SiteConfig:
    """Check ``data`` (the parsed TOML) key by key and return the SiteConfig.

    With ``known_modules``, every module must be one of them (a new site, an import); an
    existing file is read with None: a module it names that is not installed (any more) is
    *unavailable*, not an error, so one plugin cannot keep every deelsite from starting.
    """
    validate_site_name(name, source)
    for key in data:
        if key not in KEYS:
            allowed = {"keys": ", ".join(KEYS)}
            raise SiteConfigError(source, key, _("unknown key (allowed: ${keys})", mapping=allowed))
    table = _Table(data, source)
    hosts = _hosts(table)
    modules = _modules(table, known_modules)
    storage = table.text("storage") or None
    if storage is not None and "://" not in storage:
        raise table.error(
            "storage", _("${value} is not a storage URI", mapping={"value": repr(storage)})
        )
    disabled = table.flag("disabled")
    return SiteConfig(
        name=name,
        disabled=disabled,
        title=table.text("title", required=True),
        description=table.text("description"),
        hosts=hosts,
        modules=modules,
        access=table.choice("access", ACCESS_LEVELS),
        language=table.choice("language", LANGUAGES),
        storage=storage,
        quota=table.size("quota"),
        source=source,
    )


@dataclass(frozen=True)
class _Table:
    """A site file's parsed TOML, read key by key: what is wrong is named with its key."""

    data: Mapping[str, Any]
    source: str

    def error(self, key: str, reason: str) -> SiteConfigError:
        return SiteConfigError(self.source, key, reason)

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.error(key, _("must be a string"))
        value = value.strip()
        if required and not value:
            raise self.error(key, _("is required and may not be empty"))
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key, default=allowed[0])
        if value not in allowed:
            mapping = {"allowed": ", ".join(allowed), "value": repr(value)}
            raise self.error(key, _("must be one of ${allowed}, not ${value}", mapping=mapping))
        return value

    def string_list(self, key: str) -> list[str]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, _("must be a list of strings"))
        return value

    def size(self, key: str) -> int | None:
        """A number of bytes: a whole number, or a string such as "10 GB"; None if absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.error(key, _('must be a size such as "10 GB" or a number of bytes'))
        try:
            size = value if isinstance(value, int) else parse_size(value)
        except ValueError:
            raise self.error(
                key,
                _(
                    "${value} is not a size: write a number and a unit (500 MB, 10 GB, "
                    "2 GiB) or a number of bytes",
                    mapping={"value": repr(value)},
                ),
            ) from None
        if size < 1:
            raise self.error(key, _("must be at least 1 byte (leave it out for no limit)"))
        return size

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.error(key, _("must be true or false"))
        return value


def _hosts(table: _Table) -> tuple[str, ...]:
    """The site's host names, normalised, each once; at least one."""
    hosts = tuple(dict.fromkeys(_host_name(raw, table) for raw in table.string_list("hosts")))
    if not hosts:
        raise table.error("hosts", _("at least one host name is required"))
    return hosts


def _host_name(raw: str, table: _Table) -> str:
    host = normalise_host(raw)
    if host is None or ":" in raw:
        raise table.error(
            "hosts",
            _("${host} is not a host name (no port, no scheme)", mapping={"host": repr(raw)}),
        )
    return host


def _modules(table: _Table, known_modules: Collection[str] | None) -> tuple[str, ...]:
    """The site's modules, each once; every one of them installed if ``known_modules``."""
    modules = table.string_list("modules")
    for module in modules:
        if not MODULE_NAME.match(module):
            raise table.error(
                "modules", _("${module} is not a module name", mapping={"module": repr(module)})
            )
    if known_modules is None:
        return tuple(dict.fromkeys(modules))
    unknown = [module for module in modules if module not in known_modules]
    if unknown:
        mapping = {"module": repr(unknown[0]), "installed": ", ".join(sorted(known_modules))}
        if not known_modules:
            raise table.error(
                "modules", _("unknown module ${module} (none is installed)", mapping=mapping)
            )
        raise table.error(
            "modules", _("unknown module ${module} (installed: ${installed})", mapping=mapping)
        )
    return tuple(dict.fromkeys(modules))


def read_site_config(path: Path) -> SiteConfig:
    """Parse one ``NAME.toml`` file; raise SiteConfigError naming the file on any problem.

    The modules it names need not be installed (see ``build_site_config``).
    """
    source = str(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(source, None, f"malformed TOML: {exc}") from None
    except OSError as exc:
        raise SiteConfigError(source, None, f"cannot be read: {exc.strerror}") from None
    return build_site_config(path.stem, data, source, None)


def write_site_config(directory: Path, config: SiteConfig) -> Path:
    """Write ``config`` to ``directory/NAME.toml`` atomically (a reader never sees half a file)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{config.name}.toml"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{config.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            tomli_w.dump(config.to_toml(), f)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
