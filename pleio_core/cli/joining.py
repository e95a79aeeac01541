"""``pleio site join-mode | join-domains | invite``: how people join a deelsite.

The rules live in the site's own database, where the control panel will change them too;
until it does, operators set them here. Like every command that writes, these need the
databases free: a running server holds a FileStorage (use ZEO or RelStorage to do both).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any
from urllib.parse import urlencode, urlsplit

from pleio_core.content.site import SiteRoot
from pleio_core.mail import build_message, make_mailer
from pleio_core.security.audit import record
from pleio_core.security.invitations import INVITATION_TTL, invitation_mail, parse_addresses
from pleio_core.security.joining import JOIN_MODES, clean_domains
from pleio_core.security.membership import ROLES, site_members
from pleio_core.security.store import accounts_of, tokens_of
from pleio_core.sites.effective import effective_settings

from .context import Platform, UsageError
from .sites import _platform, _site

VIA = "command line"


def join_mode(args: argparse.Namespace) -> int:
    platform = _platform(args)
    site = _site(platform, args.name)

    def change(root: SiteRoot) -> None:
        if root.join_mode != args.mode:
            root.join_mode = args.mode
            record(root, "join-policy", None, join_mode=args.mode, via=VIA)

    platform.edit_site(site, change)
    print(f"{site.name}: join mode {args.mode}")
    return 0


def join_domains(args: argparse.Namespace) -> int:
    platform = _platform(args)
    site = _site(platform, args.name)
    try:
        domains = clean_domains(args.domain)
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    def change(root: SiteRoot) -> None:
        if root.join_domains != domains:
            root.join_domains = domains
            record(root, "join-policy", None, join_domains=domains, via=VIA)

    platform.edit_site(site, change)
    listed = ", ".join(domains) or "none"
    print(f"{site.name}: verified accounts of these domains join by themselves: {listed}")
    return 0


def site_invite(args: argparse.Namespace) -> int:
    """Invite by e-mail, as an admin does on ``/@@invite``; bad addresses do not stop the rest."""
    platform = _platform(args)
    site = _site(platform, args.name)
    base_url = (args.url or _default_url(platform, site.primary_host)).rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise UsageError(f"--url must be an http(s) address such as https://{site.primary_host}")
    good, bad = parse_addresses(" ".join(args.email))
    for address in bad:
        print(f"not an e-mail address, not invited: {address}", file=sys.stderr)
    if not good:
        raise UsageError("no e-mail address to invite")

    def known(root: Any) -> dict[str, tuple[str, str]]:
        accounts = accounts_of(root)
        found = [accounts.by_email(e) for e in good] if accounts is not None else []
        return {a.email: (a.id, a.language) for a in found if a is not None}

    accounts = platform.read_platform(known)

    def members_among(root: SiteRoot) -> tuple[set[str], str]:
        """Who is a member already, and the site's title as its holder set it."""
        title = effective_settings(site, root).title
        members = site_members(root)
        if members is None:
            return set(), title
        found = {e for e, (account_id, _lang) in accounts.items() if members.role_of(account_id)}
        return found, title

    already, title = platform.edit_site(site, members_among)
    invitees = [e for e in good if e not in already]
    bound = not args.open_link

    def issue(root: Any) -> dict[str, str]:
        tokens = tokens_of(root)
        return {
            e: tokens.issue(
                "invite",
                "",
                ttl=INVITATION_TTL,
                site=site.name,
                email=e,
                role=args.role,
                bound=bound,
            )
            for e in invitees
        }

    issued = platform.edit_platform(issue)

    link: dict[str, Any] = {} if bound else {"open_link": True}

    def log(root: SiteRoot) -> None:
        for email in invitees:
            record(
                root,
                "invitation-sent",
                None,
                email=email,
                role=args.role,
                via=VIA,
                **link,
            )

    platform.edit_site(site, log)
    mailer = _mailer(platform)
    for email in invitees:
        url = f"{base_url}/@@invitation?{urlencode({'token': issued[email]})}"
        language = accounts[email][1] if email in accounts else site.language
        subject, body = invitation_mail(args.inviter, title, args.role, url)
        mailer.send_immediately(build_message(platform.registry, email, subject, body, language))
        kind = "an open link: anyone who signs in with it may use it" if not bound else "bound"
        print(f"invited {email} as {args.role} of {site.name} ({kind})")
    for email in already:
        print(f"{email} is a member of {site.name} already; not invited")
    return 0


def _default_url(platform: Platform, host: str) -> str:
    return f"{'https' if platform.settings.secure_cookies else 'http'}://{host}"


def _mailer(platform: Platform) -> Any:
    """The mailer the web application would use: SMTP with ``mail.host``, else files."""
    return make_mailer(platform.settings.mail)


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the joining commands to ``pleio site`` (``sub``: its sub-commands)."""

    p = sub.add_parser("join-mode", help="how people join a deelsite")
    p.add_argument("name")
    p.add_argument("mode", choices=JOIN_MODES)
    p.set_defaults(run=join_mode)

    p = sub.add_parser(
        "join-domains",
        help="e-mail domains whose verified accounts become members by themselves "
        "(none: clear the list)",
    )
    p.add_argument("name")
    p.add_argument("domain", nargs="*")
    p.set_defaults(run=join_domains)

    p = sub.add_parser("invite", help="invite people by e-mail (a link valid for 7 days)")
    p.add_argument("name")
    p.add_argument("email", nargs="+")
    p.add_argument("--role", choices=ROLES, default="member")
    p.add_argument("--inviter", default="Pleio", help="who the e-mail says invites them")
    p.add_argument(
        "--open-link",
        action="store_true",
        help="links that whoever signs in may use (default: only the invited address)",
    )
    p.add_argument(
        "--url", default="", help="the site's address in the links (default: http(s)://HOST)"
    )
    p.set_defaults(run=site_invite)
