"""Where the platform database keeps accounts and one-time tokens."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Literal, overload

from pyramid.request import Request

from .accounts import Accounts
from .tokens import OneTimeTokens


@overload
def accounts_of(platform: MutableMapping[str, Any], create: Literal[True]) -> Accounts: ...
@overload
def accounts_of(
    platform: MutableMapping[str, Any], create: Literal[False] = False
) -> Accounts | None: ...
@overload
def accounts_of(platform: MutableMapping[str, Any], create: bool) -> Accounts | None: ...
def accounts_of(platform: MutableMapping[str, Any], create: bool = False) -> Accounts | None:
    """The accounts in a platform root (None while there are none, unless ``create``)."""
    accounts = platform.get("accounts")
    if accounts is None and create:
        accounts = platform["accounts"] = Accounts()
    return accounts


def tokens_of(platform: MutableMapping[str, Any]) -> OneTimeTokens:
    tokens = platform.get("tokens")
    if tokens is None:
        tokens = platform["tokens"] = OneTimeTokens()
    return tokens


@overload
def platform_accounts(request: Request, create: Literal[True]) -> Accounts: ...
@overload
def platform_accounts(request: Request, create: Literal[False] = False) -> Accounts | None: ...
def platform_accounts(request: Request, create: bool = False) -> Accounts | None:
    return accounts_of(request.platform_root, create)


def platform_tokens(request: Request) -> OneTimeTokens:
    return tokens_of(request.platform_root)
