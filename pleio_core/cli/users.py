"""``pleio user …``: create, grant, revoke, disable accounts."""

from __future__ import annotations

import argparse
import getpass
import sys

from pleio_core.security.accounts import Account, AccountError
from pleio_core.security.audit import record
from pleio_core.security.membership import ROLES, MemberRemoved, site_members
from pleio_core.security.passwords import set_password
from pleio_core.security.store import accounts_of

from .context import UsageError
from .sites import _platform, _site


def read_password() -> str:
    """The password from standard input: a prompt on a terminal, else the first line."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise UsageError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def _account(platform_root, email: str) -> Account:
    accounts = accounts_of(platform_root)
    account = accounts.by_email(email) if accounts is not None else None
    if account is None:
        raise UsageError(f"no account with e-mail address {email!r}")
    return account


def user_create(args: argparse.Namespace) -> int:
    platform = _platform(args)
    password = read_password()

    def create(root) -> str:
        try:
            account = accounts_of(root, create=True).add(args.email, args.name, args.language)
            set_password(account, password)
        except AccountError as exc:
            raise UsageError(exc.text) from None
        account.email_verified = True  # the operator vouches for it
        account.operator = args.operator
        return account.email

    email = platform.edit_platform(create)
    print(f"created account {email}" + (" (operator)" if args.operator else ""))
    return 0


def user_grant(args: argparse.Namespace) -> int:
    platform = _platform(args)
    site = _site(platform, args.site)
    account_id = platform.read_platform(lambda root: _account(root, args.email).id)

    def grant(root) -> None:
        members = site_members(root, create=True)
        previous = members.role_of(account_id)
        members.set_role(account_id, args.role)
        record(
            root,
            "role-change",
            None,
            account=args.email,
            role=args.role,
            previous=previous,
            via="command line",
        )

    platform.edit_site(site, grant)
    print(f"{args.email} is {args.role} of {site.name}")
    return 0


def user_revoke(args: argparse.Namespace) -> int:
    platform = _platform(args)
    site = _site(platform, args.site)
    account_id = platform.read_platform(lambda root: _account(root, args.email).id)

    def revoke(root) -> bool:
        members = site_members(root)
        removed = members.remove(account_id) if members is not None else False
        if removed:
            record(root, "member-removed", None, account=args.email, via="command line")
            platform.registry.notify(MemberRemoved(root, account_id))
        return removed

    if not platform.edit_site(site, revoke):
        raise UsageError(f"{args.email} is not a member of {site.name}")
    print(f"{args.email} is no longer a member of {site.name}")
    return 0


def user_disable(args: argparse.Namespace) -> int:
    platform = _platform(args)

    def disable(root) -> None:
        account = _account(root, args.email)
        account.disabled = True
        account.epoch += 1  # ends every session at once

    platform.edit_platform(disable)
    print(f"disabled {args.email}; its sessions have ended")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    user = commands.add_parser("user", help="manage accounts and their roles")
    sub = user.add_subparsers(dest="user_command", required=True, metavar="SUBCOMMAND")

    p = sub.add_parser("create", help="create an account (the password is read from stdin)")
    p.add_argument("email")
    p.add_argument("--name", required=True)
    p.add_argument("--language", choices=("nl", "en"), default="nl")
    p.add_argument("--operator", action="store_true", help="may act on every site")
    p.set_defaults(run=user_create)

    p = sub.add_parser("grant", help="give an account a role on a site")
    p.add_argument("email")
    p.add_argument("site")
    p.add_argument("role", choices=ROLES)
    p.set_defaults(run=user_grant)

    p = sub.add_parser("revoke", help="remove an account from a site")
    p.add_argument("email")
    p.add_argument("site")
    p.set_defaults(run=user_revoke)

    p = sub.add_parser("disable", help="disable an account and end its sessions")
    p.add_argument("email")
    p.set_defaults(run=user_disable)
