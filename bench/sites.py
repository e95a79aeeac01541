"""A temporary Pleio installation for the benchmarks: settings and deelsite files.

The files are written with ``pleio_core.sites.config.write_site_config``, as
``pleio_core.testing.PleioTestSetup.write_site`` does; storage is the default FileStorage
(plus blob directory) per site under ``ROOT/var``.
"""

from __future__ import annotations

from pathlib import Path

MODULES = ("intranet", "community", "workspace", "wiki")
SECRET = "bench-secret-0123456789-0123456789-0123456789"
BENCH_HOST = "bench.localhost"


def base_settings(root: Path) -> dict[str, str]:
    """The settings of an installation in ``root`` (production defaults, test secret)."""
    return {
        "here": str(root),
        "pleio.site_configs": str(root / "site_configs"),
        "pleio.platform_host": "localhost",
        "pleio.secret": SECRET,
    }


def write_site(root: Path, name: str, host: str, modules: tuple[str, ...] = MODULES) -> Path:
    """Write ``ROOT/site_configs/NAME.toml`` the way an operator (or PleioTestSetup) would."""
    from pleio_core.sites.config import SiteConfig, write_site_config

    config = SiteConfig(name=name, title=name.capitalize(), hosts=(host,), modules=modules)
    return write_site_config(root / "site_configs", config)


def scale_site_names(count: int) -> list[str]:
    """``s0001`` … : the names of the sites of the scale benchmark (host ``NAME.localhost``)."""
    return [f"s{i:04d}" for i in range(1, count + 1)]


def write_scale_sites(root: Path, count: int) -> list[str]:
    names = scale_site_names(count)
    for name in names:
        write_site(root, name, f"{name}.localhost")
    return names
