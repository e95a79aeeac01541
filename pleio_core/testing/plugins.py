"""Plugins installed for one test, as if with pip.

``plugin_installer`` writes a distribution with a real ``.dist-info`` and entry point on
``sys.path``, so the next app made discovers it as it would an installed package;
``content_type_plugin`` is the code of the smallest such plugin (one content type).
"""

from __future__ import annotations

import importlib
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


class PluginInstaller:
    """``install(name, code)`` puts a plugin distribution ``pleio_test_<name>`` on sys.path,
    with a real ``.dist-info`` and entry point, found by the next app made (as if
    pip-installed); ``install.remove(name)`` takes it away again (as ``pip uninstall``)."""

    def __init__(self, base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.base = base
        self.monkeypatch = monkeypatch

    def __call__(self, name: str, code: str) -> None:
        package = f"pleio_test_{name}"
        (self.base / package).mkdir(parents=True)
        (self.base / package / "__init__.py").write_text(textwrap.dedent(code))
        info = self.base / f"{package}-1.2.3.dist-info"
        info.mkdir()
        metadata = f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.2.3\n"
        (info / "METADATA").write_text(metadata)
        (info / "entry_points.txt").write_text(f"[pleio.plugins]\n{name} = {package}\n")
        self.monkeypatch.syspath_prepend(str(self.base))
        self._forget(package)

    def remove(self, name: str) -> None:
        package = f"pleio_test_{name}"
        shutil.rmtree(self.base / package)
        shutil.rmtree(self.base / f"{package}-1.2.3.dist-info")
        self._forget(package)

    def _forget(self, package: str) -> None:
        for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[module]
        importlib.invalidate_caches()


@pytest.fixture
def plugin_installer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A ``PluginInstaller`` for this test: its plugins are gone again after it."""
    yield PluginInstaller(tmp_path / "site-packages", monkeypatch)
    for module in [m for m in sys.modules if m.startswith("pleio_test_")]:
        del sys.modules[module]


def content_type_plugin(module: str, type_name: str, revisions: bool = False) -> str:
    """The code of a plugin ``module`` that declares one content type and nothing else: the
    core gives it the rest (forms, permissions, search, API, export)."""
    title = type_name.capitalize()
    return f"""
from pleio_core.content import Content
from pleio_core.plugins import hookimpl
from pleio_core.plugins.module import ModulePlugin

class {title}(Content):
    pass

plugin = ModulePlugin(
    name={module!r}, package="pleio_core", title={module.capitalize()!r},
    description={module.capitalize()!r}, requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info
pleio_menu_items = plugin.pleio_menu_items

@hookimpl
def pleio_configure(config):
    config.add_module_folder({module!r}, {module.capitalize()!r})
    config.add_content_type({type_name!r}, {title}, title={title!r}, revisions={revisions})
"""


NOTE_PLUGIN = content_type_plugin("notes", "note", revisions=True)


@pytest.fixture
def notes_plugin(plugin_installer: Any) -> str:
    """Install the ``notes`` test plugin (one content type, ``note``, with revisions)."""
    plugin_installer("notes", NOTE_PLUGIN)
    return "notes"


@pytest.fixture
def memos_plugin(plugin_installer: Any) -> str:
    """Install the ``memos`` test plugin (one content type, ``memo``, without revisions)."""
    plugin_installer("memos", content_type_plugin("memos", "memo"))
    return "memos"


#: A plugin with one of each extension point: a type with searchable text of its own
#: (``poll_question`` and its ``answer``), votes that go in a person's data export, and two API
#: endpoints (``GET …/polls/results?poll=``, ``POST …/polls/vote``).
POLLS_PLUGIN = """
import colander
from BTrees.OOBTree import OOBTree
from pleio_core.plugin_api import ApiError, Content, ContentSchema, ModulePlugin, hookimpl

class Question(Content):
    answer = ""

class QuestionSchema(ContentSchema):
    answer = colander.SchemaNode(colander.String(), missing="")

class Results(colander.MappingSchema):
    poll = colander.SchemaNode(colander.String(), validator=colander.Length(1, 100))

class Vote(colander.MappingSchema):
    poll = colander.SchemaNode(colander.String(), validator=colander.Length(1, 100))
    choice = colander.SchemaNode(colander.Int(), validator=colander.Range(1, 5))

class Counts(colander.MappingSchema):
    poll = colander.SchemaNode(colander.String())
    votes = colander.SchemaNode(colander.Int())

plugin = ModulePlugin(
    name="polls", package="pleio_core", title="Polls", description="Polls",
    requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info

def votes_of(site):
    folder = site["polls"]
    if getattr(folder, "votes", None) is None:
        folder.votes = OOBTree()
    return folder.votes

def results(request, values):
    votes = votes_of(request.site_root)
    poll = values["poll"]
    return {"poll": poll, "votes": sum(1 for (p, _a) in votes.keys() if p == poll)}

def vote(request, values):
    votes = votes_of(request.site_root)
    key = (values["poll"], request.identity.id)
    if key in votes:
        raise ApiError(409, "You voted on this poll already.")
    votes[key] = values["choice"]
    return results(request, values)

@hookimpl
def pleio_configure(config):
    config.add_module_folder("polls", "Polls")
    config.add_content_type(
        "poll_question", Question, title="Question", schema=QuestionSchema,
        searchable_text=lambda question: question.answer,
    )
    config.add_api_endpoint("results", results, summary="Votes on a poll", schema=Results,
                            answer=Counts)
    config.add_api_endpoint("vote", vote, method="POST", summary="Vote", schema=Vote,
                            answer=Counts, permission="add", errors=(409,))

@hookimpl
def pleio_personal_data(site, account_id, registry):
    mine = [{"poll": p, "choice": c} for (p, a), c in votes_of(site).items() if a == account_id]
    return {"votes": mine} if mine else None
"""


@pytest.fixture
def polls_plugin(plugin_installer: Any) -> str:
    """Install the ``polls`` test plugin (searchable text, personal data, API endpoints)."""
    plugin_installer("polls", POLLS_PLUGIN)
    return "polls"
