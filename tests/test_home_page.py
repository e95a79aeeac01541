"""The home widgets of plugins (``config.add_home_widget``): declared once, checked at
start-up, listed for introspection.

The ``notices`` test plugin has one content type and three widgets: its newest notices
(through ``latest_content``, the catalog's filter), one that raises and one that never has
anything.
"""

from __future__ import annotations

import pytest
from pyramid.exceptions import ConfigurationConflictError

from pleio_core.plugins import PluginError
from pleio_core.testing import PleioTestSetup

HOST = "voor.localhost"

NOTICES_PLUGIN = """
from pleio_core.plugin_api import Content, ModulePlugin, WidgetItem, hookimpl, latest_content

class Notice(Content):
    pass

plugin = ModulePlugin(
    name="notices", package="pleio_core", title="Notices", description="Notices for all",
    requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info
pleio_menu_items = plugin.pleio_menu_items

def newest(request, limit):
    found = latest_content(request, types=("notice",), order="date", limit=limit)
    return [WidgetItem(n.title, request.resource_url(n), "Mededeling", n.created) for n in found]

def broken(request, limit):
    raise RuntimeError("this widget is broken")

def nothing(request, limit):
    return []

@hookimpl
def pleio_configure(config):
    config.add_module_folder("notices", "Notices")
    config.add_content_type("notice", Notice, title="Notice")
    {widgets}
"""
WIDGETS = (
    'config.add_home_widget("newest", newest, "Newest notices", order={order}); '
    'config.add_home_widget("broken", broken, "Broken", order=1); '
    'config.add_home_widget("nothing", nothing, "Nothing here", more="", order=2)'
)


def notices_plugin(order: int = 100, widgets: str = WIDGETS) -> str:
    return NOTICES_PLUGIN.format(widgets=widgets.format(order=order))


@pytest.fixture
def site(pleio_setup: PleioTestSetup, plugin_installer):
    """A public site with the notices plugin and the wiki; Anne and Bert are members."""
    plugin_installer("notices", notices_plugin())
    pleio_setup.write_site("voor", modules=("notices", "wiki"), hosts=(HOST,), access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", voor="member")
    pleio_setup.create_account("bert@example.nl", "Bert", voor="member")
    app = pleio_setup.make_app()
    return pleio_setup, app


@pytest.mark.parametrize(
    ("widgets", "error", "message"),
    [
        ('config.add_home_widget("Nieuw!", newest, "x")', PluginError, "a name is a-z"),
        ('config.add_home_widget("nieuw", newest, "x", more="nl")', PluginError, "more is a path"),
        (
            'config.add_home_widget("a", newest, "x"); config.add_home_widget("a", nothing, "y")',
            ConfigurationConflictError,
            "pleio.home_widget",
        ),
    ],
)
def test_bad_widgets_stop_start_up(
    pleio_setup: PleioTestSetup, plugin_installer, widgets: str, error: type, message: str
) -> None:
    plugin_installer("notices", notices_plugin(widgets=widgets))
    with pytest.raises(error, match=message):
        pleio_setup.make_app()


def test_widgets_are_listed_by_key_for_introspection(site) -> None:
    _setup, app = site
    listed = app.registry.introspector.get_category("pleio home widgets")
    found = {entry["introspectable"].discriminator: entry["introspectable"] for entry in listed}
    assert {"notices.broken", "notices.newest", "notices.nothing"} <= set(found)
    assert found["notices.newest"]["widget"].title == "Newest notices"
