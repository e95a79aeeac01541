"""A page shown again with why a change was not made: the community's one way to refuse."""

from __future__ import annotations

from typing import Any

from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response


def refuse(renderer: str, values: dict[str, Any], request: Request, status: int = 400) -> Response:
    """``renderer`` (an asset spec) with ``values`` — which say why — answered with
    ``status``; the caller wrote nothing."""
    response = render_to_response(renderer, values, request)
    response.status_int = status
    return response
