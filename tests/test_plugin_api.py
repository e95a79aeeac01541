"""The public plugin API: one module, a pinned list of names, kept to by the bundled modules.

Changing the list is deliberate: update ``PINNED`` and the plugin guide together. That the
bundled modules import nothing else from pleio_core is an import-linter contract
(``.importlinter``, run by ``make lint``); this test checks their tests' imports too, which
may use the fixtures in ``pleio_core.testing`` as well.
"""

import ast
from pathlib import Path

from pleio_core import plugin_api

REPO = Path(__file__).resolve().parent.parent
PINNED = {
    "ACCESS_LEVELS", "ApiError", "CONTENT_TYPES", "ITEM_NAME_RULE", "OWN", "PLUGINS", "SETTINGS",
    "SITES",
    "SITE_DATABASES", "Content", "ContentAdded", "ContentModified", "ContentMoved",
    "ContentRemoved", "ContentSchema", "ContentTouched", "ContentType", "Folder",
    "InvalidSearch", "Item",
    "MemberRemoved", "MenuItem", "ModuleFolder", "ModulePlugin", "ModuleSettings",
    "NotMovable", "PluginInfo", "SearchResults", "Service", "SiteRoot", "StoredFile",
    "StoredFileType", "WidgetItem", "acl_for", "add_links",
    "avatar_html", "clean", "clean_html", "content_in", "content_view", "create_content",
    "csv_response",
    "delete_content",
    "display_name", "folder_title",
    "format_time", "group_of", "hookimpl", "is_attached", "is_inside", "is_file_name",
    "is_item_name",
    "latest_content",
    "local_time",
    "mail_accounts", "move_content", "name_of", "now", "parent_of", "parse_addresses", "plain_text",
    "publication_note",
    "profile_url", "render_markdown", "search", "send_mail", "slugify", "store_file",
    "unique_name", "update_content",
    "visible_children", "whole_number",
    "CommentAdded", "follow", "follow_button", "followers", "is_following", "notify", "unfollow",
    "mentioned_members",
    "comments_of",
    "basic_challenge",
    "FileRefused", "add_usage", "check_quota", "format_size", "scan_file", "storage_usage",
    "upload_limit",
}  # fmt: skip
ALLOWED = ("pleio_core.plugin_api", "pleio_core.testing")


def test_the_list_is_pinned_and_every_name_is_there() -> None:
    assert set(plugin_api.__all__) == PINNED
    assert len(plugin_api.__all__) == len(PINNED)  # each once
    for name in plugin_api.__all__:
        assert getattr(plugin_api, name) is not None


def test_the_bundled_modules_the_examples_and_their_tests_use_only_the_public_api() -> None:
    wrong = []
    sources = [*(REPO / "plugins").glob("*/**/*.py"), *(REPO / "examples").glob("*/**/*.py")]
    for path in sorted(p for p in sources if "build" not in p.relative_to(REPO).parts):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                core = module == "pleio_core" or module.startswith("pleio_core.")
                allowed = any(module == a or module.startswith(a + ".") for a in ALLOWED)
                if core and not allowed:
                    wrong.append(f"{path.relative_to(REPO)}:{node.lineno}: {module}")
    assert not wrong, "\n".join(wrong)
