"""The SiteRegistry: every deelsite of the installation, read from ``site_configs/*.toml``.

At start-up any bad file is fatal. Afterwards the directory is checked at most once per
``config_check_interval`` (on a request): new, changed and removed files take effect; a file
that became bad is logged and its last good version keeps serving.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from pleio_core import clock

from .config import SiteConfig, SiteConfigError, normalise_host, read_site_config

log = logging.getLogger(__name__)

Stamp = tuple[int, int]  # (mtime_ns, size) of a file


class SiteRegistry:
    def __init__(
        self,
        directory: Path,
        known_modules: Collection[str],
        platform_host: str = "localhost",
        check_interval: float = 1.0,
    ) -> None:
        self.directory = directory
        self.known_modules = frozenset(known_modules)
        self.platform_host = platform_host
        self.check_interval = check_interval
        self._sites: dict[str, SiteConfig] = {}
        self._stamps: dict[str, Stamp] = {}
        self._hosts: dict[str, SiteConfig] = {}  # host → site: one lookup, never torn
        self._lock = threading.Lock()
        self._checked = 0.0
        #: Incremented whenever the set of sites or any site's settings change.
        self.version = 0
        #: per site, the SiteConfig this process last applied to its database
        #: (``lifecycle.prepare_site``)
        self.applied: dict[str, SiteConfig] = {}

    # -- reading -----------------------------------------------------------------------

    def load(self) -> None:
        """Read every file; raise SiteConfigError on the first problem (start-up)."""
        sites: dict[str, SiteConfig] = {}
        stamps = self._scan()
        for name in sorted(stamps):
            sites[name] = read_site_config(self._path(name))
        hosts = self._host_map(sites.values())
        with self._lock:
            self._sites, self._stamps, self._hosts = sites, stamps, hosts
            self._checked = clock.monotonic()
            self.version += 1
        for site in sites.values():
            for module in self.unavailable(site.modules):
                log.warning(
                    "site %s: module %r is not installed: its pages answer 404 and its data "
                    "is kept until it is installed again",
                    site.name,
                    module,
                )

    def unavailable(self, modules: Iterable[str]) -> list[str]:
        """Of ``modules`` (a site's file's, or its database's), those not installed here."""
        return [module for module in modules if module not in self.known_modules]

    def refresh(self, force: bool = False) -> bool:
        """Pick up changed files; return True if anything changed. Never raises for a bad file."""
        now = clock.monotonic()
        if not force and now - self._checked < self.check_interval:
            return False
        with self._lock:
            if not force and now - self._checked < self.check_interval:
                return False
            try:
                return self._reload_changed()
            finally:
                # only now: a request that arrives meanwhile waits for the lock and then
                # reads the new sites, not the old ones after the unlocked check above
                self._checked = now

    def _reload_changed(self) -> bool:
        """Under the lock: read the files whose stamps changed; True if any site did."""
        stamps = self._scan()
        if stamps == self._stamps:
            return False
        sites = {name: site for name, site in self._sites.items() if name in stamps}
        for name, stamp in stamps.items():
            if self._stamps.get(name) == stamp:
                continue
            try:
                candidate = read_site_config(self._path(name))
                self._host_map([*(s for n, s in sites.items() if n != name), candidate])
            except SiteConfigError as exc:
                log.error("ignoring change, keeping the last good configuration: %s", exc)
                continue
            sites[name] = candidate
        self._stamps = stamps
        if sites == self._sites:
            return False
        for name in self._sites.keys() - sites.keys():
            log.info("site %s removed from %s", name, self.directory)
        self._sites, self._hosts = sites, self._host_map(sites.values())
        self.version += 1
        return True

    def _path(self, name: str) -> Path:
        return self.directory / f"{name}.toml"

    def _scan(self) -> dict[str, Stamp]:
        stamps: dict[str, Stamp] = {}
        try:
            entries = list(os.scandir(self.directory))
        except FileNotFoundError:
            return stamps
        for entry in entries:
            if entry.name.endswith(".toml") and not entry.name.startswith("."):
                try:
                    st = entry.stat()
                except FileNotFoundError:  # removed while we looked
                    continue
                stamps[entry.name[: -len(".toml")]] = (st.st_mtime_ns, st.st_size)
        return stamps

    def _host_map(self, sites: Collection[SiteConfig]) -> dict[str, SiteConfig]:
        hosts: dict[str, SiteConfig] = {}
        for site in sites:
            for host in site.hosts:
                if host == self.platform_host:
                    raise SiteConfigError(
                        site.source, "hosts", f"{host!r} is the platform host (pleio.platform_host)"
                    )
                if host in hosts:
                    raise SiteConfigError(
                        site.source,
                        "hosts",
                        f"{host!r} is already claimed by site {hosts[host].name!r}",
                    )
                hosts[host] = site
        return hosts

    # -- looking up --------------------------------------------------------------------

    def __iter__(self) -> Iterator[SiteConfig]:
        return iter(sorted(self._sites.values(), key=lambda s: s.name))

    def __len__(self) -> int:
        return len(self._sites)

    def __contains__(self, name: object) -> bool:
        return name in self._sites

    def get(self, name: str) -> SiteConfig | None:
        return self._sites.get(name)

    def site_for_host(self, host: str) -> SiteConfig | None:
        """The site answering on ``host`` (already normalised), or None."""
        return self._hosts.get(host)

    def host_owner(self, host: str) -> str | None:
        site = self._hosts.get(normalise_host(host) or "")
        return site.name if site else None
