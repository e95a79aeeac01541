"""The link index of one wiki: which page has which title, and which pages link to which.

A wiki is the pages under one container that is not itself a page: the module folder
``/wiki/``, or a group's folder (the community module). Its index lives on that container
(``wiki_index``), in the site's database, kept up to date by the content events. Titles
are compared in their normal form (``links.normal_title``); a title a page had before a
rename keeps leading to it, until another page takes that title. Other pages with a title
that one page already holds are kept too (``alike``): a link leads to the first of them a
viewer may see, so a page nobody else may see never hides a page with its title.
"""

from __future__ import annotations

from collections.abc import Iterator

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from pleio_core.plugin_api import Folder, Item, parent_of

from .content import Page
from .links import link_titles, normal_title


class WikiIndex(Persistent):
    def __init__(self) -> None:
        self.pages = OOBTree()  # uid → Page
        self.titles = OOBTree()  # normal title → uid
        self.former_titles = OOBTree()  # normal title → uid, from before a rename
        self.links = OOBTree()  # uid → the normal titles the page links to
        self.linked_from = OOBTree()  # normal title → OOTreeSet of uids
        #: Goes up whenever a link may lead somewhere else (cached renderings are stale).
        self.generation = Length()
        self.alike = OOBTree()

    #: Normal title → OOTreeSet of the uids of the other pages with that title than the
    #: one it leads to (None in an index made before: made at its first claim since).
    alike: OOBTree | None = None

    def resolve(self, title: str) -> Page | None:
        """The page a link with this title leads to (for whoever may see every page)."""
        return next(self.candidates(title), None)

    def candidates(self, title: str) -> Iterator[Page]:
        """The pages a link with this title may lead to, best first: the page with the
        title, the page that had it, then the others that have it too."""
        key = normal_title(title)
        uids = [self.titles.get(key), self.former_titles.get(key)]
        if self.alike is not None:
            uids.extend(self.alike.get(key, ()))
        seen = set()
        for uid in uids:
            page = self.pages.get(uid) if uid is not None and uid not in seen else None
            seen.add(uid)
            if page is not None:
                yield page

    def add(self, page: Page) -> None:
        self.pages[page.uid] = page
        self._claim(normal_title(page.title), page.uid)
        self.set_links(page)

    def renamed(self, page: Page, old_title: str) -> None:
        old, new = normal_title(old_title), normal_title(page.title)
        if old == new:
            return
        if self.titles.get(old) == page.uid:
            del self.titles[old]
            self.former_titles[old] = page.uid
        self._unlike(old, page.uid)
        self._claim(new, page.uid)

    def _claim(self, key: str, uid: str) -> None:
        holder = self.titles.get(key)
        if self.alike is None:
            self.alike = OOBTree()
        if holder is None or holder not in self.pages:
            self.titles[key] = uid
            self._unlike(key, uid)
        elif holder != uid:
            self.alike.setdefault(key, OOTreeSet()).add(uid)
        self.former_titles.pop(key, None)
        self.changed()

    def _unlike(self, key: str, uid: str) -> None:
        if self.alike is None:
            return
        uids = self.alike.get(key)
        if uids is not None and uid in uids:
            uids.remove(uid)
            if not uids:
                del self.alike[key]

    def set_links(self, page: Page) -> None:
        self._link(page.uid, link_titles(page.body))

    def _link(self, uid: str, new: set[str]) -> None:
        old = set(self.links.get(uid, ()))
        for key in old - new:
            sources = self.linked_from.get(key)
            if sources is not None:
                sources.remove(uid)
                if not sources:
                    del self.linked_from[key]
        for key in new - old:
            self.linked_from.setdefault(key, OOTreeSet()).add(uid)
        if old != new:
            self.links[uid] = tuple(sorted(new))

    def remove(self, page: Page) -> None:
        uid = page.uid
        self._link(uid, set())
        self.links.pop(uid, None)
        self.pages.pop(uid, None)
        self._unlike(normal_title(page.title), uid)
        freed = [k for k, v in self.titles.items() if v == uid]
        for key in freed:
            del self.titles[key]
        for key in [k for k, v in self.former_titles.items() if v == uid]:
            del self.former_titles[key]
        for other in self.pages.values():  # a page with the same title takes it over
            if normal_title(other.title) in freed:
                self._claim(normal_title(other.title), other.uid)
        self.changed()

    def linking_to(self, page: Page) -> list[Page]:
        """The pages with a link that leads to ``page``."""
        keys = [k for k, v in self.titles.items() if v == page.uid]
        keys += [k for k, v in self.former_titles.items() if v == page.uid]
        uids = {uid for key in keys for uid in self.linked_from.get(key, ())}
        uids.discard(page.uid)
        found = (self.pages.get(uid) for uid in uids)
        return sorted((p for p in found if p is not None), key=lambda p: p.title.casefold())

    def changed(self) -> None:
        self.generation.change(1)


def wiki_root(node: Item) -> Folder:
    """The container a page's wiki starts at: the nearest one above it that is no page."""
    parent = parent_of(node)
    while isinstance(parent, Page):
        parent = parent_of(parent)
    return parent


def index_of(root: Folder) -> WikiIndex:
    index = getattr(root, "wiki_index", None)
    if index is None:
        index = root.wiki_index = WikiIndex()
    return index


def pages_in(node: Folder) -> Iterator[Page]:
    """Every page in ``node``'s subtree, ``node`` included when it is a page."""
    if isinstance(node, Page):
        yield node
    for child in node.values():
        if isinstance(child, Page):
            yield from pages_in(child)
