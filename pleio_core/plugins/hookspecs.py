"""The plugin contract: every hook a Pleio plugin may implement.

A plugin is a Python module registered under the entry point group ``pleio.plugins``; the
entry point's name is the plugin's (module's) name. It implements hooks by defining
functions with these names, marked with ``pleio_core.plugin_api.hookimpl``. Misspelled hooks
stop start-up (``check_pending``).

Hooks come in two kinds:

* **start-up hooks** run once for every installed plugin, whether any site enables it;
* **request hooks** run only for the plugins that the current deelsite has enabled
  (call them through ``request.plugin_hooks``, never through the plugin manager).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import colander
    from pyramid.config import Configurator
    from pyramid.registry import Registry
    from pyramid.request import Request

    from pleio_core.content.files import StoredFile
    from pleio_core.content.site import SiteRoot
    from pleio_core.content.types import ContentType

PROJECT = "pleio"
hookspec = pluggy.HookspecMarker(PROJECT)


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin says about itself (shown in ``pleio plugins list`` and the control panel).

    ``title`` and ``description`` may be translation strings. ``requires_core`` is a PEP 440
    version specifier (e.g. ``">=0.1,<0.2"``) that ``pleio_core``'s version must satisfy;
    ``requires`` names the plugins that must be enabled together with this one, each
    optionally with the versions it works with (``"community>=0.2,<0.3"``). A plugin whose
    requirements are not installed in a fitting version, or that requires itself through
    others, is not loaded (``pleio plugins list`` and the Modules page say why).
    """

    title: str
    description: str
    version: str
    requires_core: str = ""
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class MenuItem:
    """One entry of a deelsite's main menu."""

    title: str
    href: str
    #: Lower comes first; the core's own items use 0 (home) and 1000+.
    order: int = 100


@dataclass(frozen=True)
class ModuleSettings:
    """A module's settings form in the site's control panel (``pleio_module_settings``).

    ``schema`` is a colander schema (rendered with deform, in Pleio's accessible widget
    templates); ``values`` its current values; ``save(appstruct)`` is called with the
    validated values, inside the request's transaction, and should store them in the site's
    database (e.g. on ``request.site_root``), so the change counts in every process at once.
    """

    schema: colander.SchemaNode
    values: Mapping[str, Any]
    save: Callable[[dict[str, Any]], None]


# -- start-up hooks ------------------------------------------------------------------------


@hookspec(firstresult=True)
def pleio_plugin_info() -> PluginInfo:
    """Describe the plugin. Required: a plugin without it is refused at start-up.

    The core calls each plugin's implementation on its own, once, while loading the plugin
    (``firstresult``: exactly one ``PluginInfo``); anything else stops start-up.
    """


@hookspec
def pleio_configure(config: Configurator) -> None:
    """Register the plugin's views, templates, static files, translations and module folder.

    Called once at start-up, after all plugins are loaded, with a Configurator whose package
    is the plugin's (so ``config.scan()`` scans the plugin, and ``pleio_wiki:templates/x.pt``
    asset specs work). Views registered here answer 404 on every site that has not enabled
    the plugin: the core guards them, the plugin does not have to check. The directives
    (``config.add_module_folder``, ``add_content_type``, ``add_stylesheet``,
    ``add_evolve_step``, ``add_api_endpoint``, ``add_home_widget``,
    ``add_notification_kind``) are called here.
    """


# -- site lifecycle hooks ------------------------------------------------------------------


@hookspec
def pleio_module_enabled(site: SiteRoot, registry: Registry) -> None:
    """The plugin was just enabled on ``site`` (also when a site is created with it).

    Called only for the plugin being enabled, inside the transaction that enables it, after
    the core has made its module folder (if it claimed one): on the first request to a site
    after its file gained the module, on the *Modules* page, or in ``pleio site create``.
    ``pleio site show`` may run it in a transaction that it then aborts, so do nothing
    outside the transaction (no mail, no files). Create initial content here. It is called
    again on every re-enable, so leave existing content alone. Data is never removed on
    disable: a disabled module's content is hidden and back when it is enabled again.
    """


@hookspec
def pleio_sample_content(
    site: SiteRoot, registry: Registry, language: str, owner: str | None, owner_name: str
) -> None:
    """Add demonstration content to a demo site (``make run``, through ``pleio demo``), once,
    after creation.

    Called only for the plugins the site has enabled; ``language`` is the site's default
    language (``nl`` or ``en``), for the sample texts. ``owner`` and ``owner_name`` are the
    account id and name of the demo site's admin: make them the content's ``owner`` and
    ``owner_name``, so sample content has an author as content people write does (None and
    "" when there is no such account).
    """


@hookspec
def pleio_purge_module(site: SiteRoot, registry: Registry) -> None:
    """Delete what the plugin keeps on ``site`` outside its own folder (``pleio site
    purge-module``); the core then deletes the folder and everything in it.

    Called only for the plugin being purged, with its module switched off on the site,
    inside the purge's transaction (raise and nothing is deleted). Attributes or parts the
    plugin put on the site root, on accounts' entries or on other modules' content go here.
    """


# -- request hooks -------------------------------------------------------------------------


@hookspec
def pleio_principals(request: Request, account_id: str) -> list[str]:
    """Extra principals of a signed-in account on the current site (may be empty).

    Such as ``group:<id>`` for the groups it is in, which content with access level
    ``group`` allows (``acl_for``). Called at most once per request, the first time a
    permission is checked, only for plugins the site has enabled, and only for a signed-in
    member of the site (someone removed from the site loses a plugin's principals at once)
    who is not an operator and not kept out by the site's two-factor rule. Principals
    starting with ``site:``, ``role:``, ``account:`` or ``system.`` are the core's and are
    dropped. Keep it cheap: it runs on almost every signed-in request (the community keeps one
    index on its folder, so it is one lookup). An implementation that raises is logged and
    left out: fewer principals only ever give less access.
    """


@hookspec
def pleio_menu_items(request: Request) -> list[MenuItem]:
    """The plugin's entries for the site's main menu (may be empty).

    Called only for plugins the site has enabled, and only if the visitor may view the site.
    The answers of all plugins are merged with the core's *Home* and sorted by
    ``MenuItem.order`` (the bundled modules use 10, 20, 30, 40); titles are translated with
    the request's localizer; the holder's reordering, renaming and hiding (by path) apply
    after. The core keeps the merged menu per site, enabled modules, language, host and
    whether the visitor may view the site, so return entries that depend on nothing else
    (never on who the visitor is). An implementation that raises is logged and left out.
    """


@hookspec(firstresult=True)
def pleio_group_of(request: Request, context: object) -> str | None:
    """The principal of the group ``context`` lies in (``group:<id>``), or None.

    ``firstresult``: the first answer that is not None wins. Called when content is added or
    saved (and to offer the access levels of a form), only for plugins the site has enabled.
    The community module answers for content inside its groups: there the access level
    ``group`` is offered, and content saved there carries that principal in ``content.group``
    (``acl_for`` uses it for the level ``group``). Without such a plugin nothing is in a
    group and ``group`` is not offered. To let your type be added in groups, name the
    community's type in ``addable_to`` (``("module", "group")``; a type that is not installed
    is harmless there).
    """


@hookspec(firstresult=True)
def pleio_delete_content(request: Request, content: object) -> bool | None:
    """Take over the deletion of ``content`` (the core's ``delete_content``: the API's
    ``DELETE``, and the core's delete page for types without one of their own): return
    True when the plugin has removed it (the workspace puts its folders and files in its
    trash), None to let the core remove it for good.

    ``firstresult``: the first True wins. Called only for plugins the site has enabled,
    after the permission check; a refusal is a ``FileRefused`` (423: checked out), which
    the API answers with its status and message.
    """


@hookspec(firstresult=True)
def pleio_module_settings(request: Request) -> ModuleSettings | None:
    """The plugin's settings form for the current site, or None if it has no settings.

    ``firstresult``. Called for one plugin at a time, only on sites that have it enabled,
    when a site admin opens the module's settings from the *Modules* page
    (``/@@control-panel-module-settings?module=NAME``). The core checks the ``manage``
    permission and the CSRF token, renders the schema in Pleio's accessible deform templates,
    validates it, calls ``save`` with the valid values inside the request's transaction, and
    audits the change. Store the values in the site's database (e.g. on
    ``request.site_root``), so the change counts in every process at once.
    """


@hookspec
def pleio_add_defaults(
    request: Request, container: object, content_type: ContentType
) -> dict[str, Any] | None:
    """Values the add form starts with for ``content_type`` in ``container`` (or None).

    Called when the add form is shown, only for plugins the site has enabled; the answers
    are merged in plugin order (later ones win), and keys that are not fields of the type's
    schema are ignored. The wiki gives a sub-page its parent's access level, and the title
    of the missing page a link asked for (``?title=``). An implementation that raises is
    logged and left out.
    """


# -- export and import (pleio_core.exchange) -----------------------------------------------


@hookspec
def pleio_export_extra(
    content: object,
    registry: Registry,
    email_of: Callable[[str | None], str | None],
    file_ref: Callable[[StoredFile], dict[str, Any]],
) -> dict | None:
    """Data of ``content`` that its type's schema does not hold, for a site export.

    A type's schema fields travel by themselves (a file field as a ``StoredFile``, its bytes
    once per SHA-256). Called for every installed plugin that implements it, once per
    exported content object (of any type). Return a JSON-serialisable value, or None for
    nothing; it is stored in the object's document under ``extra.<plugin name>`` and given
    back to the same plugin's ``pleio_import_extra`` on import. Accounts have other ids on
    another installation: write them as e-mail addresses with ``email_of(account_id)`` (None
    for an account that no longer exists), which also puts the account in the archive.
    Files the data holds (a workspace file's versions): put ``file_ref(stored_file)`` in it
    — the file's facts ``{"sha256", "filename", "media_type", "size"}``, with its bytes
    written to the archive once per SHA-256 — and on import hand those facts to
    ``stored_file``. (Like every hook, an implementation may leave out arguments it does
    not use.)
    """


@hookspec
def pleio_personal_data(
    site: SiteRoot,
    account_id: str,
    registry: Registry,
    file_ref: Callable[[StoredFile], dict[str, Any]],
) -> object:
    """The plugin's part of one account's "Download my data" archive from ``site``, or None.

    Called for each plugin the site has enabled, on its own, before the archive is written.
    Return a JSON-serialisable value holding what the plugin keeps about the account (a
    poll's votes, a group's membership) and nothing of anyone else (no other account's
    name or address); it is stored as ``plugins/<plugin name>.json``. Content the account
    owns is in the archive already (its schema fields; not its ``pleio_export_extra``,
    which may name others). Files of theirs the plugin keeps outside schema fields (the
    versions they stored of a workspace file): ``file_ref(stored_file)`` gives the facts
    to put in the answer and adds the bytes as ``files/<sha256>``. If it raises, or
    returns what JSON cannot hold, the download is refused with the plugin's name rather
    than given without its part.
    """


@hookspec
def pleio_import_extra(
    content: object,
    data: object,
    registry: Registry,
    account_id: Callable[[str], str],
    stored_file: Callable[[Mapping[str, Any]], StoredFile],
) -> None:
    """Restore what this plugin's ``pleio_export_extra`` returned for ``content``.

    Called on import, only for the plugin that wrote ``data``, after the content got its
    fields and its place in the new site (inside the import's transaction; no events are
    sent). ``account_id(email)`` gives the id here of an account the archive holds;
    ``stored_file(facts)`` the ``StoredFile`` of a file the export referred to with
    ``file_ref`` (its bytes checked against their SHA-256; one blob per SHA-256, shared).
    Raise ``ValueError`` for bad data: the import is then refused and what it wrote removed
    (``stored_file`` raises an ``ArchiveError``, which does the same). An archive with data
    or content types of a plugin that is not installed is refused before anything is
    written.
    """


# -- periodic work (``pleio periodic``) ----------------------------------------------------


@hookspec
def pleio_periodic(site: SiteRoot, registry: Registry, request: Request) -> object:
    """Do the plugin's work that is due on ``site`` now: reminders, closing what ended.

    Called by ``pleio periodic`` (which cron runs every 15 minutes or so, see the operator
    guide), for each site once per run, only for the plugins the site has enabled, one
    plugin at a time, each in a transaction of its own that the command commits. ``request``
    is a request of the site outside the web server (no one signed in, ``request.identity``
    is None) that ``notify``, ``send_mail`` and ``request.resource_url`` work with; its mail
    leaves only when the transaction commits. Ask ``now()`` for the time and do only what is
    due at it. Runs may come late, often, and two at once: record what was done in the
    site's database in the same transaction (a write conflict rolls one run back and it is
    tried again, seeing the other's record), so that nothing is done twice. The answer is
    ignored (a count of what was done is fine). An implementation that raises has its
    transaction rolled back; the command logs it, goes on with the others and exits 1.
    """
