"""The catalog of a site: what it indexes, and how the content events keep it in step.

Content is written as the command line and imports write it: in a transaction on the
site's database, with the events sent through the application's registry (no request).
"""

from datetime import timedelta

import pytest
from pyramid.authorization import ALL_PERMISSIONS, Allow, Deny, Everyone

from pleio_core.catalog.document import full_text, viewers
from pleio_core.catalog.model import site_catalog
from pleio_core.catalog.query import safe_query
from pleio_core.catalog.snippets import snippet
from pleio_core.cli.context import load_platform
from pleio_core.clock import now
from pleio_core.content import (
    ContentAdded,
    ContentModified,
    ContentMoved,
    ContentRemoved,
    ContentTouched,
)
from pleio_core.content.comments import comments_of
from pleio_core.content.site import ROOT_KEY
from pleio_core.services import CONTENT_TYPES, SITE_DATABASES
from pleio_core.testing import PleioTestSetup


class Writer:
    """The site's root in one transaction, and content added with its event."""

    def __init__(self, app) -> None:
        self.app, self.registry = app, app.registry
        self.db = SITE_DATABASES(app.registry).get("alpha")

    def __enter__(self):
        self._tx = self.db.transaction()
        self.root = self._tx.__enter__().root()[ROOT_KEY]
        return self

    def __exit__(self, *exc) -> None:
        self._tx.__exit__(*exc)

    def add(self, title: str, body: str = "", container=None, **fields):
        note = CONTENT_TYPES(self.registry)["note"].factory(owner=fields.pop("owner", "o1"))
        name = fields.pop("name", title.lower().replace(" ", "-"))
        note.title = title
        note.set_body(body)
        for field, value in fields.items():
            setattr(note, field, value)
        (container if container is not None else self.root["notes"]).add(name, note)
        self.registry.notify(ContentAdded(note))
        return note

    @property
    def catalog(self):
        return site_catalog(self.root)

    def found(self, index: str, value) -> set[str]:
        docids = self.catalog.indexes[index].applyAny([value])
        return {self.catalog.get(d).title for d in docids}

    def text(self, query: str) -> set[str]:
        docids = self.catalog.indexes["text"].apply(query)
        return {self.catalog.get(d).title for d in docids}


@pytest.fixture
def app(pleio_setup: PleioTestSetup, notes_plugin):
    pleio_setup.write_site("alpha", modules=("notes",))
    app = pleio_setup.make_app()
    pleio_setup.client(app).get("/", host="alpha.localhost")  # the site's root and folders
    return app


def test_added_content_is_indexed_with_everything_search_needs(app) -> None:
    with Writer(app) as w:
        assert w.catalog is None  # made with the first content
        note = w.add("Vergaderplanning", "De **agenda** voor maandag", tags=("planning", "q1"))
        assert note.docid is not None and w.catalog.get(note.docid) is note
        indexes = w.catalog.indexes
        assert w.text("agenda") == w.text("vergaderplanning") == w.text("q1") == {note.title}
        assert w.found("type", "note") == w.found("module", "notes") == {note.title}
        assert w.found("tags", "planning") == w.found("path", "/notes") == {note.title}
        assert w.found("path", "/notes/vergaderplanning") == {note.title}
        assert w.found("owner", "o1") == {note.title}
        assert indexes["created"].applyLe(now()) and indexes["modified"].applyLe(now())
        assert w.found("allowed", "site:member") == {note.title}  # "members" by default
        assert w.found("allowed", Everyone) == set()
        assert len(w.catalog) == 1


def test_viewers_are_read_from_the_content_s_own_acl(app) -> None:
    future = now() + timedelta(days=3)
    with Writer(app) as w:
        w.add("Open", access="public")
        w.add("Prive", access="private", owner="o2")
        w.add("Concept", access="public", state="draft", owner="o3")
        w.add("Gepland", access="public", publish_at=future, owner="o4")
        w.add("Groep", access="group", group="group:g1")
        assert w.found("allowed", Everyone) == {"Open", "Gepland"}  # once live, for Gepland
        assert w.found("allowed", "account:o2") == {"Prive"}
        assert w.found("allowed", "role:editor") == {"Open", "Concept", "Gepland"}
        assert w.found("allowed", "group:g1") == {"Groep"}
        assert len(w.catalog.indexes["allowed"].applyAny(["role:admin"])) == 5
        # until it is published, a scheduled item is for its owner and the editors
        assert w.found("embargo", future) == {"Gepland"}
        assert w.found("allowed_early", "account:o4") == {"Gepland"}
        assert w.found("allowed_early", Everyone) == set()
        # what a member's search subtracts: the items fewer than all members may see
        assert w.found("audience", "public") == {"Open", "Gepland"}
        assert w.found("audience", "restricted") == {"Prive", "Concept", "Groep"}
        assert w.found("restricted_to", "role:editor") == {"Concept"}
        assert w.found("restricted_to", "role:admin") == {"Prive", "Concept", "Groep"}


def test_content_written_on_the_command_line_is_indexed(
    pleio_setup: PleioTestSetup, notes_plugin
) -> None:
    """The commands' registry (sample content, imports) has the catalog's subscribers."""
    pleio_setup.write_site("alpha", modules=("notes",))
    platform = load_platform(str(pleio_setup.ini_file()))
    registry = platform.registry

    def add(root) -> tuple:
        note = CONTENT_TYPES(registry)["note"].factory(owner="o1")
        note.title = "Vanaf de opdrachtregel"
        root["notes"].add("cli", note)
        registry.notify(ContentAdded(note))
        catalog = site_catalog(root)
        return note.docid, catalog.get(note.docid) is note

    docid, found = platform.edit_site(platform.sites.get("alpha"), add)
    assert docid is not None and found


def test_viewers_stop_at_the_first_deny_of_view() -> None:
    acl = [
        (Allow, "role:admin", ALL_PERMISSIONS),
        (Allow, "account:a", ("edit",)),
        (Allow, "account:b", "view"),
        (Deny, "account:c", ("view",)),
        (Allow, "group:g", "view"),  # someone in g and c would be denied: left out
        (Deny, Everyone, ALL_PERMISSIONS),
    ]
    assert viewers(acl) == ["role:admin", "account:b"]


def test_saves_comments_removals_and_moves_keep_the_catalog_in_step(app) -> None:
    with Writer(app) as w:
        parent = w.add("Ouder", "eerste versie")
        child = w.add("Kind", "binnenin", container=parent, name="kind")
        assert w.found("path", "/notes/ouder") == {"Ouder", "Kind"}

        parent.set_body("tweede versie")
        w.registry.notify(ContentModified(parent, old={"body": "eerste versie"}))
        assert w.text("tweede") == {"Ouder"} and w.text("eerste") == set()

        comments_of(child, create=True).add("o1", "Olga", "Een *opmerking* over walrussen")
        w.registry.notify(ContentTouched(child))
        assert w.text("walrussen") == {"Kind"}

        other = w.add("Ander", "elders")
        parent.__parent__.remove("ouder")
        other.add("ouder", parent)
        w.registry.notify(ContentMoved(parent))
        assert w.found("path", "/notes/ander/ouder/kind") == {"Kind"}
        assert w.found("path", "/notes/ouder") == set()
        child_docid = child.docid

        w.registry.notify(ContentRemoved(other))  # as delete_content does, then removes
        other.__parent__.remove("ander")
        assert len(w.catalog) == 0 and w.catalog.get(child_docid) is None
        assert w.text("walrussen") == set()


def test_full_text_has_title_body_tags_and_comments(app) -> None:
    with Writer(app) as w:
        note = w.add("Titel", "a < b & c", tags=("label",))
        assert full_text(note) == "Titel\na < b & c\nlabel"  # the body's text, unescaped
        comments_of(note, create=True).add("o1", "Olga", "reactie")
        assert full_text(note).endswith("\nreactie")


def test_snippets_mark_the_words_searched_for_and_escape_the_rest() -> None:
    text = "Het <b>plan</b> voor de Planning & uitvoering van " + "woord " * 40 + "einde"
    html = snippet(text, ["plan*"], length=10)  # "b" is a word too
    assert html == (
        "Het &lt;b&gt;<mark>plan</mark>&lt;/b&gt; voor de <mark>Planning</mark> &amp; "
        "uitvoering van woord …"
    )
    late = snippet(text, ["einde"], length=5)
    assert late.startswith("… woord") and late.endswith("<mark>einde</mark>")
    assert snippet(text, [], length=3) == "Het &lt;b&gt;plan …"
    assert snippet("", ["x"]) == ""


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("water beheer", "water beheer"),
        ('"het waterschap" -dijk', '"het waterschap" -dijk'),
        ("salt AND (pepper OR not", "salt pepper"),
        ("wat*  a* e-mail", 'wat* a "e mail"'),
        ('"" - *', ""),
    ],
)
def test_the_visitors_text_becomes_a_query_that_always_parses(text: str, query: str) -> None:
    assert safe_query(text) == query


def test_reindex_rebuilds_the_catalog_in_batches_with_a_progress_bar(
    pleio_setup: PleioTestSetup, app, capsys, monkeypatch
) -> None:
    import pleio_core.cli.catalog as cli

    with Writer(app) as w:
        for n in range(250):
            w.add(f"Notitie {n}", f"tekst nummer{n}", access="public")
        w.root.catalog = None  # as if the catalog were lost
    pleio_setup.close()
    monkeypatch.setattr(cli, "BATCH", 100)
    capsys.readouterr()
    assert pleio_setup.pleio("site", "reindex", "alpha") == 0
    out, err = capsys.readouterr()
    assert "indexed 250 items of site alpha" in out
    assert "\r[" + "#" * 12 + " " * 18 + "] 100/250 items" in err
    assert err.endswith("] 250/250 items\n")
    app = pleio_setup.make_app()
    with Writer(app) as w:
        assert len(w.catalog) == 250 and w.text("nummer7") == {"Notitie 7"}
    assert pleio_setup.pleio("site", "reindex", "nosuchsite") == 2
