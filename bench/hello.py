"""The baseline: a bare Pyramid 2 hello-world application (one route, one view).

Every Pleio throughput figure in ``bench/run.py`` is compared with this app served the same
way (waitress, 4 threads, one process), so the ratio shows what Pleio costs on top of
Pyramid itself rather than what this machine can do.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.response import Response


def hello_world(request):
    return Response("Hello World")


def make_app():
    with Configurator() as config:
        config.add_route("hello", "/")
        config.add_view(hello_world, route_name="hello")
    return config.make_wsgi_app()
