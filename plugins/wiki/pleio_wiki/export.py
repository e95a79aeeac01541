"""Export a page and its sub-pages, or a whole wiki, as Markdown files in a zip.

One ``<name>.md`` per page (its title as a heading, then its Markdown), its sub-pages in
the folder ``<name>/`` beside it: the zip has the shape of the tree. Only pages the
requester may see are in it, and nothing below a page they may not see. The texts are
read inside the request; the zip is written while it is sent, a file at a time.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response

from pleio_core.plugin_api import Content, Folder, ModuleFolder, clean, name_of

from .content import Page
from .views import ordered_children

File = tuple[str, str]  # path in the zip, text


def page_files(request: Request, page: Page, folder: str = "") -> Iterator[File]:
    yield f"{folder}{page.__name__}.md", f"# {page.title}\n\n{page.body}\n"
    yield from sub_page_files(request, page, f"{folder}{page.__name__}/")


def sub_page_files(request: Request, container: Folder, folder: str = "") -> Iterator[File]:
    for child in ordered_children(request, container):  # (only what they may see)
        yield from page_files(request, child, folder)


class _Chunks:
    """A write-only file for zipfile whose bytes are taken out after each member."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:  # a file zipfile may write to has one (it never calls ours)
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def zipped(files: list[File]) -> Iterator[bytes]:
    chunks = _Chunks()
    with zipfile.ZipFile(chunks, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files:
            archive.writestr(path, clean(text).encode("utf-8"))
            yield chunks.take()
    yield chunks.take()


def zip_response(name: str, files: list[File]) -> Response:
    response = Response(content_type="application/zip")
    response.content_disposition = f'attachment; filename="{name}.zip"'
    response.app_iter = zipped(files)
    return response


def export_page(context: Page, request: Request) -> Response:
    return zip_response(name_of(context), list(page_files(request, context)))


def export_wiki(context: Folder, request: Request) -> Response:
    """The wiki of the module's folder, or of a group (any content that holds pages)."""
    if isinstance(context, ModuleFolder):
        if context.module != "wiki":
            raise HTTPNotFound()
    elif not any(isinstance(child, Page) for child in context.values()):
        raise HTTPNotFound()
    return zip_response(name_of(context), list(sub_page_files(request, context)))


def includeme(config: Configurator) -> None:
    config.add_view(export_page, context=Page, name="export", permission="view")
    for container in (ModuleFolder, Content):  # a page's own view is more specific
        config.add_view(export_wiki, context=container, name="export", permission="view")
