"""Merging stale edits (``content.merge``) and the notes type that asks for it."""

import pytest
from pyramid.exceptions import ConfigurationError

from pleio_core.content.merge import merge_text

BASE = "one\n\ntwo\n\nthree\n"


@pytest.mark.parametrize(
    ("mine", "theirs", "merged"),
    [
        ("ONE\n\ntwo\n\nthree\n", "one\n\ntwo\n\nTHREE\n", "ONE\n\ntwo\n\nTHREE\n"),
        ("one\n\ntwo\n\nthree\n", "one\n\nTWO\n\nthree\n", "one\n\nTWO\n\nthree\n"),
        ("zero\n\none\n\ntwo\n\nthree\n", "one\n\ntwo\n\nthree\n\nfour\n",
         "zero\n\none\n\ntwo\n\nthree\n\nfour\n"),
        ("one\n\nthree\n", "one\n\ntwo\n\nthree!\n", "one\n\nthree!\n"),
        ("ONE\n\ntwo\n\nthree\n", "ONE\n\ntwo\n\nthree\n", "ONE\n\ntwo\n\nthree\n"),
    ],
)  # fmt: skip
def test_changes_to_different_lines_are_both_kept(mine, theirs, merged) -> None:
    assert merge_text(BASE, mine, theirs) == merged
    assert merge_text(BASE, theirs, mine) == merged


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        ("one\n\nTwo\n\nthree\n", "one\n\ntwo!\n\nthree\n"),
        ("one\n\nmine\n\ntwo\n\nthree\n", "one\n\ntheirs\n\ntwo\n\nthree\n"),
        ("one\n\nthree\n", "one\n\ntwo, changed\n\nthree\n"),
    ],
)
def test_changes_to_the_same_lines_conflict(mine, theirs) -> None:
    assert merge_text(BASE, mine, theirs) is None
    assert merge_text(BASE, theirs, mine) is None


def test_merging_edits_needs_revisions(pleio_setup, plugin_installer) -> None:
    plugin_installer(
        "badmerge",
        """
from pleio_core.content import Content
from pleio_core.plugins import hookimpl
from pleio_core.plugins.hookspecs import PluginInfo

class Thing(Content):
    pass

@hookimpl
def pleio_plugin_info():
    return PluginInfo(title="B", description="B", version="1")

@hookimpl
def pleio_configure(config):
    config.add_content_type("thing", Thing, title="Thing", module="badmerge", merges_edits=True)
""",
    )
    with pytest.raises(ConfigurationError, match="merges_edits needs revisions"):
        pleio_setup.make_app()
