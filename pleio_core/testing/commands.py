"""The ``pleio`` command run in the test process, many times a test, without the search
for its ``.ini`` reader each time.

Every command reads its ``.ini`` through Pyramid's ``get_appsettings``, which asks plaster
for the reader of the file's scheme; plaster finds it by reading the entry points of every
installed distribution, a seventh of a second on each call. Test setups run ``pleio user
create`` and ``user grant`` for every account of every test, so the suite searched some
thousands of times for the same answer. Which readers are installed does not change while
the tests run (test plugins add Pleio's entry points, never plaster's), so the search is
made once per scheme.
"""

from __future__ import annotations

import functools
from typing import Any


def remember_ini_readers() -> None:
    """Make plaster's reader search once per scheme and protocols for this process."""
    import plaster.loaders

    if getattr(plaster.loaders.find_loaders, "remembered", False):
        return
    search = plaster.loaders.find_loaders

    @functools.cache
    def found(scheme: str, protocols: tuple[str, ...] | None) -> tuple[Any, ...]:
        return tuple(search(scheme, protocols=list(protocols) if protocols else protocols))

    def find_loaders(scheme: str, protocols: Any = None) -> list[Any]:
        return list(found(scheme, tuple(protocols) if protocols else None))

    find_loaders.remembered = True  # type: ignore[attr-defined]
    plaster.loaders.find_loaders = find_loaders
