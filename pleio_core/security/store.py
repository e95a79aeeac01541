"""Where the platform database keeps accounts and one-time tokens."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from pyramid.request import Request

from .accounts import Accounts
from .tokens import OneTimeTokens


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


def platform_accounts(request: Request, create: bool = False) -> Accounts | None:
    return accounts_of(request.platform_root, create)


def platform_tokens(request: Request) -> OneTimeTokens:
    return tokens_of(request.platform_root)
