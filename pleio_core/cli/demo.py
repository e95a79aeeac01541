"""``pleio demo``: the three demo deelsites of ``make run``, with sample content, once."""

from __future__ import annotations

import argparse
from dataclasses import replace

from pleio_core.content.site import SiteRoot
from pleio_core.sites.config import SiteConfig, write_site_config

from .context import Platform
from .sites import _platform

DEMO_SITES = (
    SiteConfig(
        name="rijksportaal",
        title="Rijksportaal Samenwerken",
        description="Het sociale intranet van de demo-ministeries: nieuws, groepen, bestanden "
        "en de wiki.",
        hosts=("rijksportaal.localhost",),
        modules=("intranet", "community", "workspace", "wiki"),
    ),
    SiteConfig(
        name="kia",
        title="Kennisplatform Informatie en Archief",
        description="Community of practice for information management and archiving in the "
        "public sector.",
        hosts=("kia.localhost",),
        modules=("community", "wiki"),
        language="en",
    ),
    SiteConfig(
        name="waterschap",
        title="Waterschap De Dommel: projectruimte",
        description="Besloten projectruimte van het waterschap.",
        hosts=("waterschap.localhost",),
        modules=("workspace", "wiki"),
        access="closed",
    ),
)

WELCOME = {
    "nl": "Welkom! Dit is een demosite van Pleio met voorbeeldinhoud.",
    "en": "Welcome! This is a Pleio demo site with sample content.",
}


def add_sample_content(platform: Platform, site: SiteConfig) -> None:
    def change(root: SiteRoot) -> None:
        if root.welcome:
            return  # sample content is added once; what people changed since is kept
        root.welcome = WELCOME[site.language]
        hooks = platform.registry.pleio_plugins.hooks_for(root.enabled_modules)
        hooks.pleio_sample_content(site=root, registry=platform.registry, language=site.language)

    platform.edit_site(site, change)


def demo(args: argparse.Namespace) -> int:
    platform = _platform(args)
    installed = set(platform.registry.pleio_plugins.names())
    for site in DEMO_SITES:
        if site.name not in platform.sites:
            site = replace(site, modules=tuple(m for m in site.modules if m in installed))
            write_site_config(platform.settings.site_configs_dir, site)
    platform.sites.load()
    for demo_site in DEMO_SITES:
        site = platform.sites.get(demo_site.name)
        if site is not None:
            add_sample_content(platform, site)
    suffix = "" if args.port == 80 else f":{args.port}"
    print(
        f"Pleio serves on http://{platform.settings.platform_host}{suffix}/ with these deelsites:"
    )
    for site in platform.sites:
        print(f"  http://{site.primary_host}{suffix}/  {site.title} ({site.access})")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("demo", help="create the demo deelsites with sample content")
    p.add_argument("--port", type=int, default=6543, help="the port to print in the URLs")
    p.set_defaults(run=demo)
