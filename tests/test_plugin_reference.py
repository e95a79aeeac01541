"""docs/plugin-reference.md is what ``pleio plugins reference`` makes from the code now."""

from pathlib import Path

from pleio_core import plugin_api
from pleio_core.cli.reference import render
from pleio_core.plugins import hookspecs

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "plugin-reference.md"


def test_the_reference_is_not_stale() -> None:
    assert REFERENCE.read_text() == render(), (
        "docs/plugin-reference.md is stale: run `make reference` and commit it"
    )


def test_it_names_every_hook_and_every_public_name() -> None:
    text = render()
    hooks = [name for name in dir(hookspecs) if name.startswith("pleio_")]
    assert len(hooks) >= 13
    for name in hooks:
        assert f"#### `{name}(" in text, name
    for name in plugin_api.__all__:
        assert f"| `{name}` |" in text, name
    for directive in ("add_content_type", "add_evolve_step", "add_api_endpoint"):
        assert f"### `config.{directive}(" in text
