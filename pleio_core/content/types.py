"""The content-type registry and its directive, ``config.add_content_type``.

A plugin declares each of its types once; from the declaration the core gives the add, edit
and delete forms, the default view, the ACL from the access level, the listing entries, the
catalog entry and the JSON API (with its OpenAPI description).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError

from pleio_core.services import CONTENT_TYPES, PLUGINS

from .model import Content
from .schema import ContentSchema, is_field_name
from .site import ModuleFolder

#: ``addable_to`` entry meaning "the top folder of the type's own module".
MODULE_FOLDER = "module"


@dataclass(frozen=True)
class ContentType:
    """A declared content type (``config.add_content_type``), as the core keeps it."""

    name: str
    factory: type[Content]
    module: str
    title: Any  # a translation string
    schema: type[ContentSchema] = ContentSchema
    #: Where it may be added: ``"module"`` (its module's folder) and/or other types' names.
    addable_to: tuple[str, ...] = (MODULE_FOLDER,)
    #: The permission needed on the folder to add one: ``add`` (members) or ``moderate``
    #: (editors) — see ``SiteRoot.set_acl``.
    add_permission: str = "add"
    #: Keep every save as a revision (``pleio_core.content.revisions``).
    revisions: bool = False
    #: Merge an edit with a save made since it started, when they touch different lines
    #: of the body and different fields (``pleio_core.content.merge``); needs ``revisions``.
    merges_edits: bool = False
    #: More text search finds the content by, besides its title, body, tags and comments:
    #: ``searchable_text(content) -> str`` (plain text, e.g. the type's own fields).
    searchable_text: Callable[[Content], str] | None = None
    #: Its items are named as files are (``markup.is_file_name``: Unicode, spaces), not
    #: as addresses (``is_item_name``); a site import accepts either for it.
    file_names: bool = False
    #: Its module makes these itself (the workspace's uploads and folders, which need bytes
    #: or a name): the core's add form and the API's POST do not, and say so.
    own_add: bool = False

    def field_names(self) -> list[str]:
        return [node.name for node in self.schema().children]


class ContentTypes(dict[str, ContentType]):
    """Type name → ContentType; on the registry as ``CONTENT_TYPES(registry)``."""

    def of(self, content: object) -> ContentType | None:
        return self.get(getattr(content, "type_name", ""))

    def is_shown(self, content: object, enabled_modules: Iterable[str]) -> bool:
        """Whether the modules of ``content`` and of every folder and content above it are
        enabled: a wiki page in a group is hidden when either module is off."""
        enabled = set(enabled_modules)
        node: Any = content
        while node is not None:
            if isinstance(node, ModuleFolder):
                if node.module not in enabled:
                    return False
            elif isinstance(node, Content):
                content_type = self.of(node)
                if content_type is None or content_type.module not in enabled:
                    return False
            node = getattr(node, "__parent__", None)
        return True

    def addable_in(self, container: object, enabled_modules: Iterable[str]) -> list[ContentType]:
        """The types that may be added in ``container`` while these modules are enabled.
        A container may choose fewer (``chosen_types``: a group's tools), never more."""
        enabled = set(enabled_modules)
        chosen = getattr(container, "chosen_types", None)
        if isinstance(container, ModuleFolder):
            key, module = MODULE_FOLDER, container.module
        elif isinstance(container, Content) and container.type_name:
            key, module = container.type_name, None
        else:
            return []
        return [
            ct
            for ct in self.values()
            if key in ct.addable_to
            and ct.module in enabled
            and module in (None, ct.module)
            and (chosen is None or ct.name in chosen)
        ]


def add_content_type(
    config: Configurator,
    name: str,
    factory: type[Content],
    title: Any,
    schema: type[ContentSchema] = ContentSchema,
    addable_to: Iterable[str] = (MODULE_FOLDER,),
    add_permission: str = "add",
    revisions: bool = False,
    module: str | None = None,
    merges_edits: bool = False,
    searchable_text: Callable[[Content], str] | None = None,
    file_names: bool = False,
    own_add: bool = False,
) -> None:
    """Declare a content type. ``module`` defaults to the plugin whose configure hook calls it.
    ``file_names``: its items are named as files (the workspace's), see ``ContentType``.
    ``own_add``: only the module's own pages add them, see ``ContentType``.

    Two declarations of one name, or one class declared twice, stop start-up.
    """
    module = module or PLUGINS(config.registry).plugin_of_package(config.package_name)
    if module is None:
        raise ConfigurationError(
            f"add_content_type({name!r}): call it from a plugin, or name its module"
        )
    if not is_field_name(name):
        raise ConfigurationError(f"add_content_type({name!r}): a name is lower case a-z, 0-9, _")
    if not (isinstance(factory, type) and issubclass(factory, Content)):
        raise ConfigurationError(f"add_content_type({name!r}): the class must derive from Content")
    if not (isinstance(schema, type) and issubclass(schema, ContentSchema)):
        raise ConfigurationError(
            f"add_content_type({name!r}): the schema must extend ContentSchema"
        )
    if add_permission not in ("add", "moderate"):
        raise ConfigurationError(f"add_content_type({name!r}): add_permission is add or moderate")
    if searchable_text is not None and not callable(searchable_text):
        raise ConfigurationError(
            f"add_content_type({name!r}): searchable_text is a function of the content"
        )
    if merges_edits and not revisions:
        raise ConfigurationError(
            f"add_content_type({name!r}): merges_edits needs revisions (the edit's base)"
        )
    content_type = ContentType(
        name,
        factory,
        module,
        title,
        schema,
        tuple(addable_to),
        add_permission,
        revisions,
        merges_edits,
        searchable_text,
        file_names,
        own_add,
    )
    types: ContentTypes = CONTENT_TYPES(config.registry)

    def register() -> None:
        if factory.__dict__.get("type_name", name) != name:  # (again, in a second app: fine)
            raise ConfigurationError(
                f"{factory.__name__} is already the type {factory.type_name!r}"
            )
        factory.type_name = name
        types[name] = content_type

    intr = config.introspectable("pleio content types", name, name, "pleio content type")
    intr["module"], intr["factory"], intr["addable_to"] = module, factory, content_type.addable_to
    config.action(("pleio.content_type", name), register, introspectables=(intr,))


def content_types(registry: Any) -> ContentTypes:
    return CONTENT_TYPES(registry)
