"""``pleio plugins reference``: the plugin reference, made from the docstrings.

``docs/plugin-reference.md`` is this command's output (``make reference`` writes it), and
``tests/test_plugin_reference.py`` fails when the file and the code disagree: the hooks of
``pleio_core.plugins.hookspecs`` (in their source order and sections), the configuration
directives, the data classes a plugin returns, and every name of ``pleio_core.plugin_api``.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

from pleio_core import plugin_api
from pleio_core.api.endpoints import add_api_endpoint
from pleio_core.content.types import add_content_type
from pleio_core.notifications import add_notification_kind
from pleio_core.plugins import add_module_folder, add_stylesheet, hookspecs
from pleio_core.plugins.evolve import add_evolve_step
from pleio_core.plugins.widgets import add_home_widget
from pleio_core.security.app_passwords import add_app_password_path
from pleio_core.services import Service

TITLE = "# Plugin reference"
NOTE = (
    "Made by `make reference` (`pleio plugins reference`) from the docstrings of the code: "
    "do not edit it here. The [plugin guide](plugin-guide.md) explains how the parts fit "
    "together; this is what each one promises. `tests/test_plugin_reference.py` fails when "
    "this file is stale."
)
DIRECTIVES: tuple[Callable[..., Any], ...] = (
    add_content_type,
    add_module_folder,
    add_stylesheet,
    add_evolve_step,
    add_api_endpoint,
    add_home_widget,
    add_notification_kind,
    add_app_password_path,
)
DATA_CLASSES = (
    plugin_api.PluginInfo,
    plugin_api.MenuItem,
    plugin_api.ModuleSettings,
    plugin_api.WidgetItem,
)
SECTION = re.compile(r"^# -- (.+?) -+$")


def _doc(obj: Any) -> str:
    return inspect.cleandoc(obj.__doc__ or "").strip()


def _signature(function: Callable[..., Any], skip_first: bool = False) -> str:
    """``(a: int, b: str = "x") -> bool`` as written (annotations are source text here)."""
    parameters = list(inspect.signature(function).parameters.values())[int(skip_first) :]
    shown = []
    for p in parameters:
        text = p.name if p.annotation is p.empty else f"{p.name}: {p.annotation}"
        if p.default is not p.empty:
            text += f" = {_value(p.default)}"
        shown.append(text)
    returns = inspect.signature(function).return_annotation
    tail = "" if returns is inspect.Signature.empty else f" -> {returns}"
    return f"({', '.join(shown)}){tail}"


def _hooks() -> Iterator[tuple[str, list[Callable[..., Any]]]]:
    """The hookspecs, grouped by the section comments of their module, in source order."""
    source = inspect.getsource(hookspecs).splitlines()
    section = ""
    found: dict[str, list[Callable[..., Any]]] = {}
    for line in source:
        match = SECTION.match(line)
        if match:
            section = match.group(1).capitalize()
        elif line.startswith("def pleio_"):
            found.setdefault(section, []).append(getattr(hookspecs, line[4:].split("(")[0]))
    yield from found.items()


def _value(value: Any) -> str:
    return value.__name__ if inspect.isclass(value) else repr(value)


def _first_line(obj: Any) -> str:
    doc = _doc(obj)
    return doc.split("\n\n")[0].replace("\n", " ") if doc else ""


def _kind(obj: Any) -> str:
    if inspect.isclass(obj):
        return "class"
    if inspect.isfunction(obj):
        return "function"
    if isinstance(obj, Service):
        return "service"
    return "value"


def _what(name: str, obj: Any) -> str:
    """A class's or function's first docstring paragraph; a service's description (call it
    with the registry); a value as it is."""
    kind = _kind(obj)
    if kind == "service":
        return f"{obj.__doc__} Call it: `{name}(registry)`."
    if kind == "value" and isinstance(obj, (str, int, tuple, frozenset)):
        return f"`{obj!r}`"
    if kind == "value":
        return f"a `{type(obj).__name__}`: {_first_line(type(obj))}"
    return _first_line(obj)


def render() -> str:
    out = [TITLE, "", NOTE, "", "## Hooks", ""]
    out.append(_doc(hookspecs))
    for section, hooks in _hooks():
        out += ["", f"### {section}"]
        for hook in hooks:
            spec = getattr(hook, f"{hookspecs.PROJECT}_spec", {})
            first = (
                " (firstresult: the first answer that is not None)"
                if spec.get("firstresult")
                else ""
            )
            out += ["", f"#### `{hook.__name__}{_signature(hook)}`{first}", "", _doc(hook)]
    out += ["", "## Directives", "", "Called on the `config` that `pleio_configure` gets."]
    for directive in DIRECTIVES:
        out += ["", f"### `config.{directive.__name__}{_signature(directive, True)}`", ""]
        out.append(_doc(directive))
    out += ["", "## What a plugin returns"]
    for cls in DATA_CLASSES:
        out += ["", f"### `{cls.__name__}`", "", _doc(cls), ""]
        for name, annotation, default in _fields(cls):
            out.append(f"- `{name}: {annotation}{default}`")
    out += ["", "## `pleio_core.plugin_api`", "", _doc(plugin_api), ""]
    out += ["| name | kind | from | what |", "|---|---|---|---|"]
    for name in plugin_api.__all__:
        obj = getattr(plugin_api, name)
        where = getattr(obj, "__module__", "") if _kind(obj) in ("class", "function") else ""
        where = f"`{where}`" if where else ""
        what = _what(name, obj).replace("|", "\\|")
        out.append(f"| `{name}` | {_kind(obj)} | {where} | {what} |")
    return "\n".join(out).rstrip() + "\n"


def _fields(cls: type) -> Iterator[tuple[str, str, str]]:
    """(name, annotation, " = default" or "") of a dataclass's or a named tuple's fields."""
    if dataclasses.is_dataclass(cls):
        for field in dataclasses.fields(cls):
            default = "" if field.default is dataclasses.MISSING else f" = {_value(field.default)}"
            yield field.name, str(field.type), default
        return
    defaults: dict[str, Any] = getattr(cls, "_field_defaults", {})
    for name in getattr(cls, "_fields", ()):
        default = f" = {_value(defaults[name])}" if name in defaults else ""
        annotation = cls.__annotations__[name]  # a ForwardRef in a named tuple
        yield name, getattr(annotation, "__forward_arg__", str(annotation)), default


def plugins_reference(args: argparse.Namespace) -> int:
    print(render(), end="")
    return 0


def add_commands(plugin_commands: argparse._SubParsersAction) -> None:
    p = plugin_commands.add_parser(
        "reference", help="print the plugin reference (docs/plugin-reference.md)"
    )
    p.set_defaults(run=plugins_reference)
