"""Everything a plugin may use from pleio_core, in one place.

A plugin imports from here and nowhere else in ``pleio_core`` (its tests also use the
fixtures of ``pleio_core.testing``): what is named here stays, or changes with a note in
the plugin guide; anything else in the core may move without warning. ``tests/
test_plugin_api.py`` pins ``__all__`` and checks that the bundled modules keep to it. The
plugin guide describes each name; the directives (``config.add_content_type``,
``config.add_module_folder``, ``config.add_stylesheet``, ``config.add_evolve_step``,
``config.add_api_endpoint``, ``config.add_home_widget``, ``config.add_notification_kind``,
``config.add_app_password_path``)
and the request properties
(``request.plugin_hooks``, ``request.enabled_modules``, ``request.identity``,
``request.principals``) come with the configuration and the request.
"""

from __future__ import annotations

from pleio_core.api.errors import ApiError
from pleio_core.catalog import InvalidSearch, SearchResults, latest_content, search
from pleio_core.clock import local_time, now
from pleio_core.content import (
    CommentAdded,
    Content,
    ContentAdded,
    ContentModified,
    ContentMoved,
    ContentRemoved,
    ContentSchema,
    ContentTouched,
    ContentType,
    Folder,
    Item,
    ModuleFolder,
    SiteRoot,
)
from pleio_core.content.access import ACCESS_LEVELS, OWN, acl_for
from pleio_core.content.comments import comments_of
from pleio_core.content.editing import create_content, delete_content, group_of, update_content
from pleio_core.content.files import StoredFile, StoredFileType, store_file
from pleio_core.content.folder import name_of, parent_of
from pleio_core.content.markup import (
    ITEM_NAME_RULE,
    clean_html,
    is_file_name,
    is_item_name,
    plain_text,
    render_markdown,
    slugify,
    unique_name,
)
from pleio_core.content.model import content_in, is_attached
from pleio_core.content.moves import NotMovable, is_inside, move_content
from pleio_core.content.views import (
    add_links,
    content_view,
    folder_title,
    format_time,
    publication_note,
    visible_children,
)
from pleio_core.mail import send_mail
from pleio_core.notifications import (
    follow,
    follow_button,
    followers,
    is_following,
    mentioned_members,
    notify,
    unfollow,
)
from pleio_core.people import avatar_html, display_name, profile_url
from pleio_core.plugins import MenuItem, ModuleSettings, PluginInfo, WidgetItem, hookimpl
from pleio_core.plugins.module import ModulePlugin
from pleio_core.security.app_passwords import basic_challenge
from pleio_core.security.invitations import parse_addresses
from pleio_core.security.mailing import mail_accounts
from pleio_core.security.membership import MemberRemoved
from pleio_core.services import (
    CONTENT_TYPES,
    PLUGINS,
    SETTINGS,
    SITE_DATABASES,
    SITES,
    Service,
)
from pleio_core.tables import csv_response
from pleio_core.text import clean, whole_number
from pleio_core.uploads import (
    FileRefused,
    add_usage,
    check_quota,
    format_size,
    scan_file,
    storage_usage,
    upload_limit,
)

__all__ = [
    "ACCESS_LEVELS",
    "CONTENT_TYPES",
    "ITEM_NAME_RULE",
    "OWN",
    "PLUGINS",
    "SETTINGS",
    "SITES",
    "SITE_DATABASES",
    "ApiError",
    "CommentAdded",
    "Content",
    "ContentAdded",
    "ContentModified",
    "ContentMoved",
    "ContentRemoved",
    "ContentSchema",
    "ContentTouched",
    "ContentType",
    "FileRefused",
    "Folder",
    "InvalidSearch",
    "Item",
    "MemberRemoved",
    "MenuItem",
    "ModuleFolder",
    "ModulePlugin",
    "ModuleSettings",
    "NotMovable",
    "PluginInfo",
    "SearchResults",
    "Service",
    "SiteRoot",
    "StoredFile",
    "StoredFileType",
    "WidgetItem",
    "acl_for",
    "add_links",
    "add_usage",
    "avatar_html",
    "basic_challenge",
    "check_quota",
    "clean",
    "clean_html",
    "comments_of",
    "content_in",
    "content_view",
    "create_content",
    "csv_response",
    "delete_content",
    "display_name",
    "folder_title",
    "follow",
    "follow_button",
    "followers",
    "format_size",
    "format_time",
    "group_of",
    "hookimpl",
    "is_attached",
    "is_file_name",
    "is_following",
    "is_inside",
    "is_item_name",
    "latest_content",
    "local_time",
    "mail_accounts",
    "mentioned_members",
    "move_content",
    "name_of",
    "notify",
    "now",
    "parent_of",
    "parse_addresses",
    "plain_text",
    "profile_url",
    "publication_note",
    "render_markdown",
    "scan_file",
    "search",
    "send_mail",
    "slugify",
    "storage_usage",
    "store_file",
    "unfollow",
    "unique_name",
    "update_content",
    "upload_limit",
    "visible_children",
    "whole_number",
]
