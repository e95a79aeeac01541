"""The platform's settings, parsed once from the ``.ini`` into a typed object."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pyramid.settings import asbool, aslist


class SettingsError(ValueError):
    """A setting in the ``.ini`` file is missing or malformed."""


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

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> PleioSettings:
        here = settings.get("here") or os.getcwd()

        def get(key: str, default: str) -> str:
            return expand_environment(f"pleio.{key}", str(settings.get(f"pleio.{key}", default)))

        def get_int(key: str, default: int, minimum: int) -> int:
            raw = get(key, str(default))
            try:
                value = int(raw)
            except ValueError:
                raise SettingsError(f"pleio.{key} must be a whole number, not {raw!r}") from None
            if value < minimum:
                raise SettingsError(f"pleio.{key} must be at least {minimum}, not {value}")
            return value

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
            secure_cookies=asbool(get("secure_cookies", "false")),
            disabled_plugins=tuple(aslist(get("disabled_plugins", ""))),
            secret=_secret(get("secret", "")),
        )


def expand_environment(key: str, value: str) -> str:
    """``value`` with each ``${NAME}`` replaced by that environment variable (which must exist).

    Only the braced form is read, so a lone "$" (in a password, say) stays as it is.
    """

    def variable(match: re.Match[str]) -> str:
        if match[1] not in os.environ:
            raise SettingsError(f"{key} needs the environment variable {match[1]}")
        return os.environ[match[1]]

    return re.sub(r"\$\{(\w+)\}", variable, value).strip()


def _secret(value: str) -> str:
    if len(value) < 32:
        raise SettingsError(
            "pleio.secret must be at least 32 characters (set PLEIO_SECRET in production)"
        )
    return value
