"""The JSON API under ``/api/v1/`` on every deelsite host, described by its OpenAPI document.

Content of every registered type can be listed, read, added, changed and removed with the
type's own schema and permissions; comments, likes and the site's search come along.
Callers are a browser with its sign-in cookie (plus ``X-CSRF-Token`` to change anything)
or a program with a personal access token (``tokens``), made on the account page.
"""

from __future__ import annotations

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include(".routes")
    config.include(".token_pages")
