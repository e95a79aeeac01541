"""Password hashing at test strength for the suite, and the production strength where a test
asks for it.

Argon2id at the production parameters (``PasswordHasher()``: 64 MiB, three passes, four
lanes) costs a fifth of a second a hash on an idle core and twice that on the two busy
cores of CI; every account a test creates and every sign-in pays it, and the suite creates
and signs in hundreds: a third of the run was spent there. The suite hashes with the same
algorithm and code (``pleio_core.security.passwords``) at the cheapest parameters instead;
a test that takes the ``production_passwords`` fixture gets the production hasher itself
back (tests/test_browser_signin.py signs in through the browser with it and checks the
stored hash has the production parameters).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from pleio_core.security.passwords import use_hasher

#: The cheapest Argon2id the library accepts: 8 KiB, one pass, one lane.
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


#: The hasher ``pleio_core.security.passwords`` was made with, kept by ``use_test_hasher``.
_production: list[PasswordHasher] = []


def use_test_hasher() -> None:
    """Hash at test strength from now on (the plugin does this when pytest starts)."""
    before = use_hasher(TEST_HASHER)
    if not _production and before is not TEST_HASHER:
        _production.append(before)


@pytest.fixture
def production_passwords() -> Iterator[PasswordHasher]:
    """The production hasher (``pleio_core.security.passwords``'s own) for this test."""
    assert _production, "the pleio plugin did not start"
    test_hasher = use_hasher(_production[0])
    try:
        yield _production[0]
    finally:
        use_hasher(test_hasher)
