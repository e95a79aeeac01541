"""Two-factor sign-in: after the password, a code from an authenticator app (TOTP, RFC 6238).

An account switches it on itself, on the platform host's ``/two-factor`` page: the page
shows a new secret (as a QR code and as text), and only once the person types a code made
from it is the secret saved. They then get ten single-use recovery codes, shown once, for
the day the phone is lost. Signing in then takes a second step (see ``signin``).

Every code is accepted once only: the account remembers the time step of the last code it
accepted (``totp_last_step``), so a code seen over someone's shoulder is worthless.

Recovery codes are stored as SHA-256 hashes, not Argon2: they are random (about 49 bits
each), not chosen by people, and the TOTP secret that sits beside them must be stored
readable (the server computes codes from it), so whoever can read the database can make
valid codes already. A slow hash would protect nothing more and would cost ten Argon2
verifications on every attempt; the hash keeps the codes out of sight in backups and exports.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import Enum
from typing import Any
from urllib.parse import urlencode

import pyotp
import segno
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core import clock
from pleio_core.content import PlatformRoot
from pleio_core.i18n import _, local_path
from pleio_core.services import SETTINGS, SIGNIN_THROTTLE, SITES
from pleio_core.sites.urls import host_url, platform_url

from .accounts import Account
from .membership import site_members
from .passwords import verify_password
from .throttle import client_address, too_many_requests

ISSUER = "Pleio"
INTERVAL = 30  # seconds per code: what every authenticator app uses
DIGITS = 6
VALID_WINDOW = 1  # one step either side: phone clocks drift, people type slowly
SETUP_SECONDS = 600  # how long a secret shown on the set-up page may still be confirmed
RECOVERY_CODES = 10
LOW_ON_CODES = 2  # at this many recovery codes left, the page suggests making new ones
# No 0/o, 1/l/i: recovery codes are read off paper and typed by hand.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10


class Check(Enum):
    """The outcome of checking a second factor."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    USED = "used"  # a right code for a time step that was accepted already: a replay


# -- codes ---------------------------------------------------------------------------------


def new_secret() -> str:
    """A fresh TOTP secret: 160 random bits in base32, as RFC 4226 recommends."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=email, issuer_name=ISSUER
    )


def qr_code(uri: str) -> str:
    """The QR code of ``uri`` as an SVG ``data:`` URI: the CSP allows data: images, no script."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to copy by hand; apps ignore the spaces."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code ``code`` is, within ``VALID_WINDOW`` of ``now``, or None.

    This is pyotp's ``verify(valid_window=1)``, but it says *which* step matched: replay
    protection needs it.
    """
    code = "".join(code.split())
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = int(now) // INTERVAL  # RFC 6238's T, counted from the Unix epoch
    found = None
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        # every step is compared, so the time taken does not say which one matched
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def check_code(account: Account, code: str, now: float | None = None) -> Check:
    """Accept an authenticator code once: its step must be later than the last accepted one."""
    if account.totp_secret is None:
        return Check.WRONG
    step = matching_step(account.totp_secret, code, clock.timestamp() if now is None else now)
    if step is None:
        return Check.WRONG
    if step <= getattr(account, "totp_last_step", -1):
        return Check.USED
    account.totp_last_step = step
    return Check.ACCEPTED


def _normalise_recovery(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def _recovery_hash(account: Account, code: str) -> str:
    # with the account id in it, one table of hashes does not serve for every account
    return hashlib.sha256(f"{account.id}:{_normalise_recovery(code)}".encode()).hexdigest()


def new_recovery_codes(account: Account) -> list[str]:
    """Replace the account's recovery codes; the new ones are returned to be shown once."""
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    account.recovery_codes = tuple(_recovery_hash(account, code) for code in codes)
    return codes


def use_recovery_code(account: Account, code: str) -> Check:
    """Accept a recovery code and strike it off, so it works once."""
    if len(_normalise_recovery(code)) != RECOVERY_LENGTH:
        return Check.WRONG
    digest = _recovery_hash(account, code)
    left = tuple(h for h in account.recovery_codes if not hmac.compare_digest(h, digest))
    if len(left) == len(account.recovery_codes):
        return Check.WRONG
    account.recovery_codes = left
    return Check.ACCEPTED


def check_second_factor(account: Account, code: str, recovery_code: str) -> Check:
    """A recovery code if one was typed, else the authenticator code."""
    if recovery_code.strip():
        return use_recovery_code(account, recovery_code)
    return check_code(account, code)


def switch_on(account: Account, secret: str, step: int) -> list[str]:
    """Save the confirmed secret; the recovery codes are returned to be shown once."""
    account.totp_secret = secret
    account.totp_last_step = step
    return new_recovery_codes(account)


def switch_off(account: Account) -> None:
    account.totp_secret = None
    account.totp_last_step = -1
    account.recovery_codes = ()


# -- the set-up form's secret --------------------------------------------------------------


def sign_setup(key: str, account: Account, secret: str, expires: int) -> str:
    """A signature over the secret shown on the set-up page, for this account, until ``expires``.

    The secret travels in a hidden field between showing the page and confirming it; the
    signature makes sure the secret saved is one the server made, for this account and
    session (the epoch ends it at sign-out), and not long ago.
    """
    message = f"totp-setup|{account.id}|{account.epoch}|{expires}|{secret}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def setup_secret(
    key: str, account: Account, post: Any, now: float | None = None
) -> tuple[str, int] | None:
    """The secret and its expiry from a posted set-up form, if signed for us and not expired."""
    secret = post.get("secret", "")
    try:
        expires = int(post.get("expires", ""))
    except ValueError:
        return None
    signature = sign_setup(key, account, secret, expires).encode()
    if not hmac.compare_digest(signature, post.get("signature", "").encode()):
        return None
    return (secret, expires) if expires >= (clock.timestamp() if now is None else now) else None


# -- the pages -----------------------------------------------------------------------------


def _continue_url(request: Request) -> str | None:
    """Where to go back to: a deelsite of this installation that sent the person here."""
    host = (request.params.get("site") or "").lower()
    if not host or SITES(request.registry).site_for_host(host) is None:
        return None
    return host_url(request, host) + local_path(request.params.get("came_from"))


def _values(request: Request, account: Account, **values: Any) -> dict[str, Any]:
    """What ``two_factor.pt`` needs; no page of it may be kept by a cache."""
    request.response.cache_control.no_store = True
    request.response.cache_control.private = True
    continue_url = _continue_url(request)
    return {
        "account": account,
        "error": None,
        "error_form": None,
        "status_message": None,
        "setup": None,
        "codes": None,
        "codes_left": len(account.recovery_codes),
        "low_on_codes": len(account.recovery_codes) <= LOW_ON_CODES,
        # carried through the forms, so the way back survives every step
        "site": (request.params.get("site") or "").lower() if continue_url else "",
        "came_from": local_path(request.params.get("came_from")),
        "continue_url": continue_url,
        **values,
    }


def _setup_values(request: Request, account: Account, secret: str, expires: int) -> dict:
    uri = provisioning_uri(secret, account.email)
    key = SETTINGS(request.registry).secret
    return {
        "secret": secret,
        "secret_grouped": grouped(secret),
        "qr": qr_code(uri),
        "expires": expires,
        "signature": sign_setup(key, account, secret, expires),
    }


def _signed_in(request: Request) -> Account | HTTPSeeOther:
    """The signed-in account, or a redirect to the sign-in form that comes back here."""
    if request.identity is None:
        # a form posted after the session ended comes back to the page, not to the POST
        came_from = request.path_qs if request.method == "GET" else "/two-factor"
        query = urlencode({"came_from": local_path(came_from)})
        return HTTPSeeOther(location=platform_url(request, f"/login?{query}"))
    return request.identity.account


def _error(request: Request, form: str, message: TranslationString) -> dict[str, Any]:
    request.response.status_int = 400
    return {"error": message, "error_form": form}


def two_factor_page(context: PlatformRoot, request: Request) -> Any:
    """The status; while two-factor is off, a new secret to set it up with."""
    account = _signed_in(request)
    if not isinstance(account, Account):
        return account
    if account.two_factor:
        return _values(request, account)
    expires = int(clock.timestamp()) + SETUP_SECONDS
    return _values(request, account, setup=_setup_values(request, account, new_secret(), expires))


def two_factor_setup(context: PlatformRoot, request: Request) -> Any:
    """Switch two-factor on once a code from the new secret proves the app has it."""
    account = _signed_in(request)
    if not isinstance(account, Account):
        return account
    if account.two_factor:
        return HTTPSeeOther(location=platform_url(request, "/two-factor"))
    pending = setup_secret(SETTINGS(request.registry).secret, account, request.POST)
    if pending is None:
        # tampered with or too old: start again with a fresh secret
        setup = _setup_values(
            request, account, new_secret(), int(clock.timestamp()) + SETUP_SECONDS
        )
        message = _("This set-up has expired. Scan the new QR code and try again.")
        return _values(request, account, setup=setup, **_error(request, "setup", message))
    secret, expires = pending
    step = matching_step(secret, request.POST.get("code", ""), clock.timestamp())
    if step is None:
        setup = _setup_values(request, account, secret, expires)
        message = _("That code is not right. Type the code your app shows now.")
        return _values(request, account, setup=setup, **_error(request, "setup", message))
    return _values(request, account, codes=switch_on(account, secret, step))


def code_error(result: Check) -> TranslationString:
    """What to tell someone whose code was refused."""
    if result is Check.USED:
        return _("That code has been used already. Wait for the next code.")
    return _("That code is not right. Type the code your app shows now.")


def throttled_check(
    request: Request,
    account: Account,
    code: str,
    recovery_code: str = "",
    password: str | None = None,
) -> Check:
    """Check a code (and the password, if one is asked) under the sign-in throttle.

    Without it, someone holding a signed-in session could guess the password here instead
    of on the sign-in form.
    """
    throttle = SIGNIN_THROTTLE(request.registry)
    address = client_address(request)
    wait = throttle.check(account.email, address)
    if wait:
        raise too_many_requests(wait)
    if password is not None and not verify_password(account, password):
        result = Check.WRONG
    else:
        result = check_second_factor(account, code, recovery_code)
    if result is not Check.ACCEPTED:
        throttle.failed(account.email, address)
    return result


def two_factor_disable(context: PlatformRoot, request: Request) -> Any:
    """Switch two-factor off: the password and a code, so a borrowed session is not enough."""
    account = _signed_in(request)
    if not isinstance(account, Account):
        return account
    if not account.two_factor:
        return HTTPSeeOther(location=platform_url(request, "/two-factor"))
    post = request.POST
    result = throttled_check(
        request,
        account,
        post.get("code", ""),
        post.get("recovery_code", ""),
        password=post.get("password", ""),
    )
    if result is not Check.ACCEPTED:
        message = _("The password or the code is not right.")
        return _values(request, account, **_error(request, "disable", message))
    switch_off(account)
    setup = _setup_values(request, account, new_secret(), int(clock.timestamp()) + SETUP_SECONDS)
    done = _("Two-factor sign-in is off.")
    return _values(request, account, setup=setup, status_message=done)


def two_factor_new_codes(context: PlatformRoot, request: Request) -> Any:
    """New recovery codes (the old ones stop working), after a code from the app."""
    account = _signed_in(request)
    if not isinstance(account, Account):
        return account
    if not account.two_factor:
        return HTTPSeeOther(location=platform_url(request, "/two-factor"))
    result = throttled_check(request, account, request.POST.get("code", ""))
    if result is not Check.ACCEPTED:
        return _values(request, account, **_error(request, "new-codes", code_error(result)))
    return _values(request, account, codes=new_recovery_codes(account))


# -- a deelsite that requires two-factor ---------------------------------------------------


def lacks_required_two_factor(request: Request) -> bool:
    """True if a signed-in member is kept out of this deelsite only for want of two-factor."""
    root = request.site_root
    identity = request.identity
    if root is None or identity is None or request.site_allows(identity):
        return False
    members = site_members(root)
    return members is not None and members.role_of(identity.id) is not None


def set_up_url(request: Request) -> str:
    """The platform's set-up page, with the way back to the page the person wanted."""
    query = urlencode({"site": request.pleio_host, "came_from": local_path(request.path_qs)})
    return platform_url(request, f"/two-factor?{query}")


def includeme(config: Configurator) -> None:
    page = "pleio_core:templates/two_factor.pt"
    base = {"context": PlatformRoot, "renderer": page}
    config.add_view(two_factor_page, name="two-factor", request_method="GET", **base)
    config.add_view(two_factor_setup, name="two-factor", request_method="POST", **base)
    config.add_view(two_factor_disable, name="two-factor-disable", request_method="POST", **base)
    config.add_view(
        two_factor_new_codes, name="two-factor-new-codes", request_method="POST", **base
    )
