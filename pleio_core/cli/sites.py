"""``pleio site …``: list, create, show, quota, enable-module, disable-module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

from pleio_core.plugins.manager import PluginSet
from pleio_core.services import PLUGINS
from pleio_core.settings import parse_size, size_text
from pleio_core.sites.config import SiteConfig, write_site_config
from pleio_core.sites.creation import SiteCreationError, create_site
from pleio_core.sites.creation import check_new_site as rules_for_new_site
from pleio_core.sites.effective import settings_over
from pleio_core.uploads import format_size, storage_usage

from .context import Platform, UsageError, load_platform


def _platform(args: argparse.Namespace) -> Platform:
    return load_platform(args.config)


def _site(platform: Platform, name: str) -> SiteConfig:
    site = platform.sites.get(name)
    if site is None:
        raise UsageError(f"no site named {name!r} (see: pleio site list)")
    return site


def check_new_site(platform: Platform, name: str, hosts: list[str]) -> None:
    """A valid name no site has, and hosts no site uses; UsageError otherwise (the rules of
    ``sites.creation``, shared with the operator's sites page)."""
    try:
        rules_for_new_site(name, hosts, platform.sites, platform.settings.platform_host)
    except SiteCreationError as exc:
        raise UsageError(str(exc)) from None


def without_password(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def site_list(args: argparse.Namespace) -> int:
    platform = _platform(args)
    for site in platform.sites:
        print(f"{site.name}\t{site.access}\t{','.join(site.hosts)}\t{site.title}")
    return 0


def site_create(args: argparse.Namespace) -> int:
    platform = _platform(args)
    data = {
        "title": args.title,
        "description": args.description,
        "hosts": args.host,
        "modules": args.module,
        "access": args.access,
        "language": args.language,
    }
    if args.storage:
        data["storage"] = args.storage
    if args.quota:
        data["quota"] = args.quota
    try:
        site = create_site(platform.registry, platform.sites, args.name, data)
    except SiteCreationError as exc:
        raise UsageError(str(exc)) from None
    print(f"created site {site.name}: http://{site.primary_host}/")
    return 0


def site_show(args: argparse.Namespace) -> int:
    platform = _platform(args)
    site = _site(platform, args.name)
    enabled = platform.effective_modules(site)
    required = platform.read_site_attribute(site, "require_two_factor")
    # the holder's values from the site's database over the file's (None: no database yet)
    holder = platform.read_site_attribute(site, "holder_settings")
    settings = settings_over(site, holder if isinstance(holder, Mapping) else {})
    print(f"name:        {site.name}")
    print(f"title:       {settings.title}")
    print(f"description: {settings.description}")
    print(f"hosts:       {', '.join(site.hosts)}")
    print(f"access:      {settings.access}")
    print(f"language:    {settings.language}")
    if settings.contact_email:
        print(f"contact:     {settings.contact_email}")
    if site.disabled:
        print("status:      switched off (maintenance page)")
    print(f"storage:     {without_password(platform.storage_uri(site.name))}")
    print(f"file:        {site.source}")
    used = platform.read_root(site, storage_usage)
    in_use = f"{format_size(used, 'en')} in use" if used is not None else "no database yet"
    if site.quota is not None:
        print(f"quota:       {size_text(site.quota)} ({in_use})")
    else:
        print(f"quota:       none ({in_use})")
    if required is not None:
        print(f"two-factor:  {'required' if required else 'not required'}")
    if enabled is None:
        print(f"modules:     {', '.join(site.modules)} (no database yet)")
    else:
        print(f"modules:     {', '.join(enabled)}")
    return 0


def site_quota(args: argparse.Namespace) -> int:
    """Write the quota into the site's file; running servers apply it within seconds."""
    platform = _platform(args)
    site = _site(platform, args.name)
    quota: int | None = None
    if args.size.strip().lower() != "none":
        try:
            quota = parse_size(args.size)
        except ValueError as exc:
            raise UsageError(f"quota: {exc}") from None
        if quota < 1:
            raise UsageError("quota: must be at least 1 byte (none: no limit)")
    write_site_config(platform.settings.site_configs_dir, replace(site, quota=quota))
    used = platform.read_root(site, storage_usage)
    in_use = f", {format_size(used, 'en')} in use" if used is not None else ""
    print(f"quota of {site.name}: {size_text(quota) if quota else 'none'}{in_use}")
    return 0


def _change_module(args: argparse.Namespace, enable: bool) -> int:
    """Change the site's file; running servers apply the change within seconds."""
    platform = _platform(args)
    site = _site(platform, args.name)
    plugins = PLUGINS(platform.registry)
    if args.module not in plugins:
        raise UsageError(
            f"unknown module {args.module!r} (installed: {', '.join(plugins.names()) or 'none'})"
        )
    change = _with_module if enable else _without_module
    modules = change(site, plugins, args.module)
    state = "enabled" if enable else "disabled"
    if modules is None:
        print(f"{args.module} is already {state} on {site.name}", file=sys.stderr)
        return 0
    write_site_config(platform.settings.site_configs_dir, replace(site, modules=modules))
    print(f"{state} {args.module} on {site.name}")
    return 0


def _with_module(site: SiteConfig, plugins: PluginSet, module: str) -> tuple[str, ...] | None:
    """The site's modules with ``module`` and the ones it requires; None if it has it."""
    if module in site.modules:
        return None
    needed = [m for m in plugins.plugins[module].needs if m not in site.modules]
    return (*site.modules, *needed, module)


def _without_module(site: SiteConfig, plugins: PluginSet, module: str) -> tuple[str, ...] | None:
    """The site's modules without ``module``; None if it has not got it. UsageError while
    another of its modules requires it."""
    if module not in site.modules:
        return None
    dependants = [m for m in site.modules if module in plugins.plugins[m].needs]
    if dependants:
        raise UsageError(f"{module!r} is needed by {', '.join(dependants)}: disable those first")
    return tuple(m for m in site.modules if m != module)


def add_commands(commands: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """Add ``pleio site …``; return its sub-commands, for other modules to add to."""
    site = commands.add_parser("site", help="manage deelsites")
    sub = site.add_subparsers(dest="site_command", required=True, metavar="SUBCOMMAND")

    p = sub.add_parser("list", help="list every deelsite")
    p.set_defaults(run=site_list)

    p = sub.add_parser("create", help="create a deelsite (its file and its database)")
    p.add_argument("name")
    p.add_argument("--title", required=True)
    p.add_argument("--host", action="append", required=True, help="repeat for more hosts")
    p.add_argument("--module", action="append", default=[], help="repeat for more modules")
    p.add_argument("--access", choices=("public", "closed"), default="public")
    p.add_argument("--language", choices=("nl", "en"), default="nl")
    p.add_argument("--description", default="")
    p.add_argument("--storage", default="", help="a zodburi URI (default: pleio.storage_uri)")
    p.add_argument("--quota", default="", help='room for its files, e.g. "10 GB" (default: none)')
    p.set_defaults(run=site_create)

    p = sub.add_parser("quota", help="set the room a deelsite's files may take")
    p.add_argument("name")
    p.add_argument("size", help='e.g. "10 GB", "500 MB", "2 GiB", bytes, or "none" for no limit')
    p.set_defaults(run=site_quota)

    p = sub.add_parser("show", help="show a deelsite's effective settings")
    p.add_argument("name")
    p.set_defaults(run=site_show)

    for verb, enable in (("enable-module", True), ("disable-module", False)):
        p = sub.add_parser(verb, help=f"{verb.split('-')[0]} a module on a deelsite")
        p.add_argument("name")
        p.add_argument("module")
        p.set_defaults(run=lambda args, enable=enable: _change_module(args, enable))
    return sub
