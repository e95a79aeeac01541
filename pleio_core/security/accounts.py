"""Accounts: one per person, kept in the platform database, valid on every deelsite."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import datetime

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.i18n import TranslationString

from pleio_core.clock import now
from pleio_core.i18n import _

# Deliberately simple: one @, no spaces or markup characters, a dot in the domain. The
# verification e-mail is the real check that an address works.
EMAIL = re.compile(r"^[^@\s<>\"'(),;:\\]+@[a-z0-9.-]+\.[a-z]{2,}$")
MAX_NAME = 100


class AccountError(ValueError):
    """Bad account data; the message is fit to show to the person who typed it."""

    def __init__(self, field: str, message: TranslationString) -> None:
        self.field, self.message = field, message
        #: The English text, for the command line and logs.
        self.text = message.interpolate()
        super().__init__(f"{field}: {self.text}")


def normalise_email(raw: str) -> str:
    """The canonical form of an e-mail address (lower case), or AccountError."""
    email = (raw or "").strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise AccountError("email", _("This is not an e-mail address."))
    return email


def clean_name(raw: str) -> str:
    """A display name: trimmed, single-spaced, no control characters. Escaped on output."""
    name = " ".join((raw or "").split())
    if not name:
        raise AccountError("name", _("A name is required."))
    if len(name) > MAX_NAME:
        raise AccountError(
            "name", _("A name has at most ${max} characters.", mapping={"max": MAX_NAME})
        )
    if any(ord(c) < 32 for c in name):
        raise AccountError("name", _("A name cannot contain control characters."))
    return name


class Account(Persistent):
    """A person. ``epoch`` grows on every sign-out, ending the sessions on every host."""

    password_hash: str | None = None
    last_sign_in: datetime | None = None
    disabled = False
    email_verified = False
    operator = False
    epoch = 0
    totp_secret: str | None = None
    recovery_codes: tuple[str, ...] = ()
    #: The last TOTP time step accepted: a code for it or an earlier one is refused.
    totp_last_step = -1
    #: The person's photo (``pleio_core.people.photos.AccountPhoto``), shown on every site
    #: they are a member of; its version is part of its address (0: no photo).
    photo: Persistent | None = None
    photo_version = 0

    def __init__(self, account_id: str, email: str, name: str, language: str = "nl") -> None:
        self.id = account_id
        self.email = email
        self.name = name
        self.language = language
        self.created = now()

    @property
    def two_factor(self) -> bool:
        return self.totp_secret is not None


class Accounts(Persistent):
    """Every account, by id and by (lower-case) e-mail address."""

    def __init__(self) -> None:
        self._by_id: OOBTree = OOBTree()
        self._by_email: OOBTree = OOBTree()
        self._count = Length()

    def __len__(self) -> int:
        return self._count()

    def __iter__(self) -> Iterator[Account]:
        return iter(self._by_id.values())

    def get(self, account_id: str) -> Account | None:
        return self._by_id.get(account_id)

    def by_email(self, email: str) -> Account | None:
        try:
            key = normalise_email(email)
        except AccountError:
            return None
        account_id = self._by_email.get(key)
        return self._by_id.get(account_id) if account_id else None

    def add(
        self, email: str, name: str, language: str = "nl", account_id: str | None = None
    ) -> Account:
        """A new account; ``account_id`` is chosen beforehand by an import (else random)."""
        email = normalise_email(email)
        if email in self._by_email:
            raise AccountError("email", _("An account with this e-mail address exists already."))
        account_id = account_id or secrets.token_hex(16)
        if account_id in self._by_id:
            raise ValueError(f"account id {account_id} is taken")
        account = Account(account_id, email, clean_name(name), language)
        self._by_id[account.id] = account
        self._by_email[email] = account.id
        self._count.change(1)
        return account

    def change_email(self, account: Account, new_email: str) -> None:
        new_email = normalise_email(new_email)
        if new_email == account.email:
            return
        if new_email in self._by_email:
            raise AccountError("email", _("An account with this e-mail address exists already."))
        del self._by_email[account.email]
        self._by_email[new_email] = account.id
        account.email = new_email
