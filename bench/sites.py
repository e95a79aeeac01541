"""A temporary Pleio installation for the benchmarks: settings and deelsite files.

The files are written with ``pleio_core.sites.config.write_site_config``, as
``pleio_core.testing.PleioTestSetup.write_site`` does; storage is the default FileStorage
(plus blob directory) per site under ``ROOT/var``.
"""

from __future__ import annotations

import json
from pathlib import Path

from pleio_core.services import CONTENT_TYPES

MODULES = ("intranet", "community", "workspace", "wiki")
SECRET = "bench-secret-0123456789-0123456789-0123456789"
BENCH_HOST = "bench.localhost"


#: In an installation's directory: settings of its own (JSON), e.g. PostgreSQL storage URIs,
#: seen by every part of the bench that builds it (``serve.py``, ``write_ini``).
EXTRA_SETTINGS = "bench-settings.json"


def base_settings(root: Path) -> dict[str, str]:
    """The settings of an installation in ``root`` (production defaults, test secret, and
    whatever ``ROOT/bench-settings.json`` adds)."""
    extra = root / EXTRA_SETTINGS
    return {
        "here": str(root),
        "pleio.site_configs": str(root / "site_configs"),
        "pleio.platform_host": "localhost",
        "pleio.secret": SECRET,
        **(json.loads(extra.read_text()) if extra.exists() else {}),
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


def write_ini(root: Path) -> Path:
    """``ROOT/bench.ini`` with the installation's settings, for the ``pleio`` command."""
    path = root / "bench.ini"
    lines = ["[app:main]", "use = egg:pleio_core"]
    lines += [f"{k} = {v}" for k, v in base_settings(root).items() if k != "here"]
    path.write_text("\n".join(lines) + "\n")
    return path


CONTENT_PATH = "/wiki/bench-page/"
_WORDS = (
    "overheid samenwerken informatie archief beleid burger gemeente provincie waterschap "
    "project planning verslag besluit advies onderzoek kennis netwerk document"
).split()


def add_content_page(root: Path, site: str, words: int = 1000, comments: int = 10) -> str:
    """A public wiki page of ``words`` words of Markdown with ``comments`` comments, made the
    way the forms make one (``create_content``'s steps, events included), before the server
    starts; its path."""
    from pleio_core.cli.context import load_platform
    from pleio_core.content import ContentAdded
    from pleio_core.content.comments import comments_of

    platform = load_platform(str(write_ini(root)))
    content_type = CONTENT_TYPES(platform.registry)["page"]
    paragraphs = [
        " ".join(_WORDS[(p * 7 + i) % len(_WORDS)] for i in range(100)) for p in range(words // 100)
    ]
    body = "# Bench page\n\n" + "\n\n".join(f"**{p[:20]}** {p}" for p in paragraphs)

    def change(site_root) -> None:
        page = content_type.factory("Bench page")
        page.set_body(body)
        page.access, page.tags = "public", ("bench", "wiki")
        site_root["wiki"].add("bench-page", page)
        platform.registry.notify(ContentAdded(page))
        for n in range(comments):
            comments_of(page, create=True).add("bench", "Bench", f"Comment {n} on *this* page")

    platform.edit_site(platform.sites.get(site), change)
    return CONTENT_PATH


def add_members(platform, site: str, count: int) -> list[tuple[str, str]]:
    """``count`` accounts (``lid<n>@example.nl``, "Lid <n>"), members of ``site``; their
    (id, name), in order. ``platform`` is ``pleio_core.cli.context.load_platform``'s."""
    from pleio_core.security.membership import site_members
    from pleio_core.security.store import accounts_of

    def make_accounts(platform_root) -> list[tuple[str, str]]:
        accounts = accounts_of(platform_root, create=True)
        made = []
        for n in range(count):
            account = accounts.add(f"lid{n}@example.nl", f"Lid {n}", "nl")
            account.email_verified = True
            made.append((account.id, account.name))
        return made

    people = platform.edit_platform(make_accounts)

    def grant(site_root) -> None:
        members = site_members(site_root, create=True)
        for account_id, _name in people:
            members.set_role(account_id, "member")

    platform.edit_site(platform.sites.get(site), grant)
    return people
