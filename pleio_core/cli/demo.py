"""``pleio demo``: the three demo deelsites of ``make run``, with sample content, once."""

from __future__ import annotations

import argparse
import configparser
from dataclasses import replace
from functools import partial

from persistent.mapping import PersistentMapping

from pleio_core.content.site import SiteRoot
from pleio_core.people.demo import add_demo_people, demo_accounts
from pleio_core.security.membership import site_members
from pleio_core.security.passwords import set_password
from pleio_core.security.store import accounts_of
from pleio_core.services import PLUGINS
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


def add_sample_content(
    platform: Platform, site: SiteConfig, author: tuple[str, str] | None = None
) -> None:
    """The site's welcome and each module's sample content, once; written by ``author``
    (account id, name), the site's demo admin, if given."""
    owner, owner_name = author or (None, "")

    def change(root: SiteRoot) -> None:
        if root.welcome:
            return  # sample content is added once; what people changed since is kept
        root.welcome = WELCOME[site.language]
        hooks = PLUGINS(platform.registry).hooks_for(root.enabled_modules)
        hooks.pleio_sample_content(
            site=root,
            registry=platform.registry,
            language=site.language,
            owner=owner,
            owner_name=owner_name,
        )

    platform.edit_site(site, change)


def demo_admin(site: SiteConfig) -> tuple[str, str]:
    """The demo admin of a demo site: (e-mail, password). Demo only: printed for everyone."""
    return f"beheer@{site.name}.example", f"demo-{site.name}-wachtwoord"


def add_demo_admins(platform: Platform) -> dict[str, tuple[str, str, str, str]]:
    """An admin account per demo site, made once; its password is reset to the demo one.
    By site name: (e-mail, password, account id, name)."""
    admins = [(site, *demo_admin(site)) for site in DEMO_SITES if site.name in platform.sites]

    def create(root: PersistentMapping) -> dict[str, tuple[str, str]]:
        accounts = accounts_of(root, create=True)
        made = {}
        for site, email, password in admins:
            account = accounts.by_email(email) or accounts.add(email, f"Beheerder {site.title}")
            set_password(account, password)
            account.email_verified = True
            made[site.name] = (account.id, account.name)
        return made

    made = platform.edit_platform(create)
    for site, _email, _password in admins:
        loaded = platform.sites.get(site.name)
        if loaded is not None:  # (admins holds only the platform's sites)
            platform.edit_site(loaded, partial(_make_admin, made[site.name][0]))
    return {site.name: (email, password, *made[site.name]) for site, email, password in admins}


def add_people(platform: Platform, site: SiteConfig) -> None:
    """A few people with profiles on the site, once (``people.demo``)."""
    ids = platform.edit_platform(
        lambda root: demo_accounts(accounts_of(root, create=True), site.name)
    )
    platform.edit_site(site, partial(add_demo_people, account_ids=ids))


def _make_admin(account_id: str, root: SiteRoot) -> None:
    site_members(root, create=True).set_role(account_id, "admin")


#: The port printed when neither ``--port`` nor the ``.ini``'s ``[server:main]`` says one.
DEFAULT_PORT = 6543


def served_port(config_file: str) -> int:
    """The port ``pserve`` listens on with this ``.ini``: ``[server:main]``'s ``port``, or
    the port of its ``listen`` (the first, if several); 6543 if it names none."""
    parser = configparser.RawConfigParser()
    parser.read(config_file)
    if not parser.has_section("server:main"):
        return DEFAULT_PORT
    server = parser["server:main"]
    listen = server.get("listen", "").split()
    port = server.get("port") or (listen[0].rpartition(":")[2] if listen else "")
    return int(port) if port.isdigit() else DEFAULT_PORT


def demo(args: argparse.Namespace) -> int:
    platform = _platform(args)
    port = args.port if args.port is not None else served_port(args.config)
    installed = set(PLUGINS(platform.registry).names())
    for site in DEMO_SITES:
        if site.name not in platform.sites:
            site = replace(site, modules=tuple(m for m in site.modules if m in installed))
            write_site_config(platform.settings.site_configs_dir, site)
    platform.sites.load()
    admins = add_demo_admins(platform)  # first: they write the sample content
    for demo_site in DEMO_SITES:
        loaded = platform.sites.get(demo_site.name)
        if loaded is not None:
            _email, _password, account_id, name = admins[demo_site.name]
            add_sample_content(platform, loaded, (account_id, name))
            add_people(platform, loaded)
    suffix = "" if port == 80 else f":{port}"
    print(
        f"Pleio serves on http://{platform.settings.platform_host}{suffix}/ with these deelsites:"
    )
    for site in platform.sites:
        print(f"  http://{site.primary_host}{suffix}/  {site.title} ({site.access})")
    print("Demo admins (for this demo only; never use these passwords elsewhere):")
    for name, (email, password, _id, _name) in admins.items():
        print(f"  {name:<12} {email}  {password}")
    if not platform.settings.mail.host:
        print("Mail is not sent: each message is written to var/mail/ instead.")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("demo", help="create the demo deelsites with sample content")
    p.add_argument(
        "--port", type=int, help="the port to print in the URLs (default: the .ini's server's)"
    )
    p.set_defaults(run=demo)
