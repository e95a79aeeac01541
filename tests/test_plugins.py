"""Plugins: discovery by entry point, start-up errors, per-site hooks, the 404 guard."""

import sys

import pytest

from pleio_core import main
from pleio_core.plugins import PluginError
from pleio_core.services import PLUGINS, SECURITY_POLICY
from pleio_core.testing import PleioTestSetup

PLUGIN_CODE = """
from pyramid.response import Response
from pleio_core.content import SiteRoot
from pleio_core.plugins import MenuItem, PluginInfo, hookimpl

CALLS = []

@hookimpl
def pleio_plugin_info():
    return PluginInfo(title="Poll", description="Quick polls", version="", requires_core={core!r},
                      requires={requires!r})

def hello(context, request):
    return Response("poll says hello")

@hookimpl
def pleio_configure(config):
    config.add_view(hello, context=SiteRoot, name="poll-hello")

@hookimpl
def pleio_menu_items(request):
    CALLS.append(request.site.name)
    return [MenuItem("Poll", request.application_url + "/poll-hello", order=50)]

@hookimpl
def pleio_module_enabled(site, registry):
    site.welcome = "poll was enabled"
{extra}
"""


@pytest.fixture
def install_plugin(plugin_installer):
    """Install the poll plugin above (or ``code``) as a real distribution."""

    def install(
        name: str = "poll",
        code: str | None = None,
        core: str = ">=0.1,<0.2",
        requires: tuple[str, ...] = (),
        extra: str = "",
    ) -> None:
        body = (
            code
            if code is not None
            else PLUGIN_CODE.format(core=core, requires=requires, extra=extra)
        )
        plugin_installer(name, body)

    return install


def test_a_plugin_is_discovered_and_listed(
    pleio_setup: PleioTestSetup, install_plugin, capsys
) -> None:
    install_plugin()
    assert pleio_setup.pleio("plugins", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "poll\t1.2.3\tPoll\tQuick polls" in lines
    names = [line.split("\t")[0] for line in lines]
    assert names == sorted(names)  # whatever else is installed here
    assert {"community", "intranet", "poll", "wiki", "workspace"} <= set(names)


def test_plugin_views_answer_404_where_the_plugin_is_not_enabled(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin()
    pleio_setup.write_site("with", modules=("poll",))
    pleio_setup.write_site("without", modules=("wiki",))
    client = pleio_setup.client()
    assert client.get("/poll-hello", host="with.localhost").text == "poll says hello"
    client.get("/poll-hello", host="without.localhost", status=404)
    client.get("/poll-hello", host="localhost", status=404)
    assert "/poll-hello" in client.get("/", host="with.localhost").text  # its menu item
    assert "/poll-hello" not in client.get("/", host="without.localhost").text
    assert "poll was enabled" in client.get("/", host="with.localhost").text


def test_request_hooks_run_only_for_enabled_plugins(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin()
    pleio_setup.write_site("with", modules=("poll", "wiki"))
    pleio_setup.write_site("without", modules=("wiki",))
    client = pleio_setup.client()
    calls = sys.modules["pleio_test_poll"].CALLS
    client.get("/", host="without.localhost")
    client.get("/", host="with.localhost")
    client.get("/wiki/", host="without.localhost")
    assert calls == ["with"]
    plugins = PLUGINS(client.registry)
    assert plugins.hooks_for(["wiki", "poll"]) is plugins.hooks_for(["poll", "wiki"])  # cached


def test_a_plugin_needing_another_enables_both(pleio_setup: PleioTestSetup, install_plugin) -> None:
    install_plugin(requires=("wiki",))
    pleio_setup.write_site("alpha", modules=("poll",))
    client = pleio_setup.client()
    assert client.get("/wiki/", host="alpha.localhost").status_int == 200


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"code": "raise ImportError('no module named numpy')"},
            "plugin 'poll' (pleio_test_poll) failed to import: ImportError: no module named numpy",
        ),
        ({"core": "not a range"}, "declares an invalid core range 'not a range'"),
        (
            {"requires": ("wiki[extra]>=0.1",)},
            "plugin 'poll' (pleio_test_poll) declares an invalid requirement 'wiki[extra]>=0.1'",
        ),
        (
            {"extra": "@hookimpl\ndef pleio_menu_itemz(request):\n    return []\n"},
            "unknown hook 'pleio_menu_itemz'",
        ),
        ({"code": "x = 1"}, "plugin 'poll' (pleio_test_poll) does not implement pleio_plugin_info"),
    ],
)
def test_a_bad_plugin_stops_start_up_with_one_line(
    pleio_setup: PleioTestSetup, install_plugin, kwargs: dict, message: str
) -> None:
    install_plugin(**kwargs)
    with pytest.raises(PluginError) as info:
        pleio_setup.make_app()
    assert message in str(info.value)
    with pytest.raises(SystemExit) as stop:
        main({}, **pleio_setup.settings)
    line = str(stop.value.code)
    assert line.startswith("pleio: cannot start: ") and message in line and "\n" not in line


def test_a_requirement_in_range_loads_and_enables_both(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin(requires=("wiki>=0.1,<1",))
    pleio_setup.write_site("alpha", modules=("poll",))
    client = pleio_setup.client()
    assert PLUGINS(client.registry).plugins["poll"].needs == ("wiki",)
    assert client.get("/wiki/", host="alpha.localhost").status_int == 200


@pytest.mark.parametrize(
    ("plugins", "reasons"),
    [
        (
            {"poll": ("calendar",)},
            {
                "poll": "plugin 'poll' (pleio_test_poll) needs plugin 'calendar', "
                "which is not installed"
            },
        ),
        (
            {"poll": ("wiki>=9",)},
            {
                "poll": "plugin 'poll' (pleio_test_poll) needs plugin 'wiki' >=9, "
                "but 0.1.0 is installed"
            },
        ),
        (
            {"poll": ("wiki>=9",), "vote": ("poll",)},
            {"vote": "plugin 'vote' (pleio_test_vote) needs plugin 'poll', which cannot be loaded"},
        ),
        (
            {"poll": ("vote",), "vote": ("wiki", "poll")},
            {
                "poll": "plugin 'poll' is in a requirement cycle: poll -> vote -> poll",
                "vote": "plugin 'vote' is in a requirement cycle: vote -> poll -> vote",
            },
        ),
    ],
)
def test_an_unmet_requirement_leaves_the_plugin_out_with_one_line(
    pleio_setup: PleioTestSetup, install_plugin, capsys, plugins: dict, reasons: dict
) -> None:
    """Start-up goes on without it (and without those that need it); the list says why."""
    for name, requires in plugins.items():
        install_plugin(name=name, requires=requires)
    app = pleio_setup.make_app()
    loaded = PLUGINS(app.registry)
    assert not set(plugins) & set(loaded.names())
    assert set(loaded.incompatible) >= set(plugins)
    for name, reason in reasons.items():
        assert loaded.incompatible[name].reason == reason
    assert "wiki" in loaded  # the others are unharmed
    assert pleio_setup.pleio("plugins", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    for name, reason in reasons.items():
        assert f"not loaded: {reason}" in next(x for x in lines if x.startswith(f"{name}\t"))


def test_the_modules_page_says_which_module_is_lacking(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin(requires=("wiki>=9",))
    pleio_setup.write_site("alpha", modules=("wiki",))
    pleio_setup.create_account("ada@example.nl", alpha="admin")
    app = pleio_setup.make_app()
    page = pleio_setup.signed_in(app, "ada@example.nl", "alpha.localhost").get(
        "/@@control-panel-modules"
    )
    assert "Geïnstalleerd, maar kan niet aan" in page.text
    assert "deze module heeft <code>wiki &gt;=9</code> nodig" in page.text
    assert "module=poll" not in page.text


def test_an_operator_can_leave_an_installed_plugin_out(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin(code="raise ImportError('broken')")
    app = pleio_setup.make_app(**{"pleio.disabled_plugins": "poll"})
    assert "poll" not in PLUGINS(app.registry)


def test_a_disabled_plugin_answers_404_even_on_a_closed_site(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin()
    pleio_setup.write_site("closed", modules=("wiki",), access="closed")
    client = pleio_setup.client()
    client.get("/poll-hello", host="closed.localhost", status=404)
    client.get("/wiki/", host="closed.localhost", status=403)


def test_a_plugin_may_only_claim_its_own_folder(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin(
        extra="\n@hookimpl\ndef pleio_configure(config):\n"
        "    config.add_module_folder('wiki', 'Mine')\n"
    )
    with pytest.raises(PluginError, match="may only claim the folder named after itself"):
        pleio_setup.make_app()


def test_two_distributions_with_one_plugin_name_stop_start_up(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin(name="wiki")
    with pytest.raises(PluginError, match="plugin 'wiki' is installed twice"):
        pleio_setup.make_app()


def test_a_plugin_adds_group_principals_but_never_core_ones_and_only_to_members(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    install_plugin(
        extra="\n@hookimpl\ndef pleio_principals(request, account_id):\n"
        "    return ['group:g1', 'role:admin', 'site:member']\n"
    )
    pleio_setup.write_site("with", modules=("poll", "wiki"), access="public")
    pleio_setup.create_account("anne@example.nl", "Anne", **{"with": "member"})
    pleio_setup.create_account("otto@example.nl", "Otto")  # no member of the site
    seen: list[list[str]] = []

    def whoami(context, request):
        seen.append(SECURITY_POLICY(request.registry).principals(request))
        return request.response

    def configure(config) -> None:
        from pleio_core.content import SiteRoot

        config.add_view(whoami, context=SiteRoot, name="whoami", permission="view")

    app = pleio_setup.make_app(configure)
    for email in ("anne@example.nl", "otto@example.nl"):
        pleio_setup.signed_in(app, email, "with.localhost").get("/whoami")
    anne, otto = seen
    assert "group:g1" in anne
    assert "role:admin" not in anne and anne.count("site:member") == 1  # the core's own
    assert "group:g1" not in otto and "site:member" not in otto


def test_a_plugin_for_another_core_is_left_out_and_shown_with_the_reason(
    pleio_setup: PleioTestSetup, install_plugin
) -> None:
    """It does not stop start-up: the control panel lists it, and it cannot be enabled."""
    install_plugin(core=">=9.0")
    pleio_setup.write_site("alpha", modules=("wiki",))
    pleio_setup.create_account("ada@example.nl", alpha="admin")
    app = pleio_setup.make_app()
    plugins = PLUGINS(app.registry)
    assert "poll" not in plugins
    assert (
        "supports pleio_core >=9.0, but 0.1.0 is installed" in plugins.incompatible["poll"].reason
    )
    admin = pleio_setup.signed_in(app, "ada@example.nl", "alpha.localhost")
    page = admin.get("/@@control-panel-modules")
    assert "Poll" in page.text and "gemaakt voor Pleio &gt;=9.0" in page.text
    assert "module=poll" not in page.text  # no switch
    admin.get("/@@control-panel-module?module=poll&action=enable", status=400)


def test_plugins_list_shows_a_plugin_for_another_core_with_why(
    pleio_setup: PleioTestSetup, install_plugin, capsys
) -> None:
    install_plugin(core=">=9.0")
    assert pleio_setup.pleio("plugins", "list") == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("poll\t"))
    assert line.startswith("poll\t1.2.3\tPoll\tnot loaded: plugin 'poll'")
    assert "supports pleio_core >=9.0" in line
