"""The shared objects of one app, declared: each has a name, a type and one provider.

What the includemes make once and everything else uses (the site databases, the site
files, the content types, the plugins, the caches) is a ``Service``. Its provider calls
``SERVICE.provide(config, value)``: the value is there at once for the includes that follow,
and a configuration action with the service's name as discriminator makes two providers a
conflict at start-up and lists the service in the introspector ("pleio services"). Users
call ``SERVICE(registry)`` and get the declared type, or a ``LookupError`` that names the
service and the include that provides it.

The platform's services are declared here, at the bottom, so every floor and every plugin
can name them (the types are only imported for the type checker); a service that only one
module uses is declared in that module.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from pyramid.config import Configurator
    from pyramid.registry import Registry
    from ZODB import DB

    from pleio_core.api.endpoints import ApiEndpoint
    from pleio_core.content.types import ContentTypes
    from pleio_core.pagecache import PageCache
    from pleio_core.people.names import PeopleNames
    from pleio_core.plugins.evolve import EvolveStep
    from pleio_core.plugins.manager import PluginSet
    from pleio_core.plugins.widgets import HomeWidget
    from pleio_core.security.app_passwords import AppPasswordPath
    from pleio_core.security.policy import AccountSummaries, PleioSecurityPolicy
    from pleio_core.security.throttle import Limiter, SignInThrottle
    from pleio_core.settings import PleioSettings
    from pleio_core.sites import SiteRegistry
    from pleio_core.storage.databases import SiteDatabases

T = TypeVar("T")

INTROSPECTION_CATEGORY = "pleio services"
_SLOT = "_pleio_services"


class Service(Generic[T]):
    """One shared object of an app: ``provide`` it once, call the service to get it."""

    def __init__(self, name: str, provider: str, doc: str) -> None:
        self.name = name
        self.provider = provider  # the include that provides it, for the error message
        self.__doc__ = doc

    def __repr__(self) -> str:
        return f"<Service {self.name}>"

    def __call__(self, registry: Registry) -> T:
        try:
            value: T = registry.__dict__[_SLOT][self.name]
        except KeyError:
            raise LookupError(
                f"the pleio service {self.name!r} is not provided: include {self.provider}"
            ) from None
        return value

    def provided(self, registry: Registry) -> bool:
        return self.name in registry.__dict__.get(_SLOT, {})

    def provide(self, config: Configurator, value: T) -> T:
        """Make ``value`` this app's service; a second provider is a configuration conflict."""
        config.registry.__dict__.setdefault(_SLOT, {})[self.name] = value
        intr = config.introspectable(INTROSPECTION_CATEGORY, self.name, self.name, "pleio service")
        intr["service"] = self
        intr["value"] = value
        discriminator: Hashable = ("pleio service", self.name)
        config.action(discriminator, introspectables=(intr,))
        return value

    def memo(self, registry: Registry, make: Any) -> T:
        """The value, made by ``make()`` on first use (for what needs every view registered)."""
        slot = registry.__dict__.setdefault(_SLOT, {})
        if self.name not in slot:
            slot[self.name] = make()
        value: T = slot[self.name]
        return value


SETTINGS: Service[PleioSettings] = Service(
    "settings", "pleio_core (make_configurator)", "The platform's settings, parsed once."
)
CONTENT_TYPES: Service[ContentTypes] = Service(
    "content types", "pleio_core.content", "Every content type the core and plugins add."
)
PLUGINS: Service[PluginSet] = Service(
    "plugins", "pleio_core.plugins", "The loaded plugins and the hooks of each site's set."
)
SITE_DATABASES: Service[SiteDatabases] = Service(
    "site databases", "pleio_core.storage", "Each deelsite's ZODB, opened on first use."
)
PLATFORM_DATABASE: Service[DB] = Service(
    "platform database", "pleio_core.storage", "The platform's ZODB: accounts, tokens."
)
SITES: Service[SiteRegistry] = Service(
    "sites", "pleio_core.sites", "The site files: which deelsites exist, their hosts, modules."
)
PAGE_CACHE: Service[PageCache] = Service(
    "page cache", "pleio_core.pagecache", "Anonymous pages, kept per database transaction."
)
SECURITY_POLICY: Service[PleioSecurityPolicy] = Service(
    "security policy", "pleio_core.security", "Who asks: the sign-in cookie and API tokens."
)
ACCOUNT_SUMMARIES: Service[AccountSummaries] = Service(
    "account summaries", "pleio_core.security", "Names and roles of accounts, cached."
)
SIGNIN_THROTTLE: Service[SignInThrottle] = Service(
    "sign-in throttle", "pleio_core.security", "Failed sign-ins per address and account."
)
MAIL_THROTTLE: Service[Limiter] = Service(
    "mail throttle", "pleio_core.security", "Mail sent on a visitor's request, per address."
)
MODULE_FOLDERS: Service[dict[str, str]] = Service(
    "module folders", "pleio_core.plugins", "Each module's folder title (add_module_folder)."
)
STYLESHEETS: Service[dict[str, str]] = Service(
    "stylesheets", "pleio_core.plugins", "Each module's own stylesheet (add_stylesheet)."
)
API_ENDPOINTS: Service[list[ApiEndpoint]] = Service(
    "api endpoints", "pleio_core.api.endpoints", "Plugins' own API endpoints (add_api_endpoint)."
)
APP_PASSWORD_PATHS: Service[list[AppPasswordPath]] = Service(
    "app password paths",
    "pleio_core.security.app_passwords",
    "Where app passwords sign in (add_app_password_path).",
)
EVOLVE_STEPS: Service[dict[str, dict[int, EvolveStep]]] = Service(
    "evolve steps", "pleio_core.plugins", "Each module's data changes (add_evolve_step)."
)
HOME_WIDGETS: Service[dict[str, HomeWidget]] = Service(
    "home widgets", "pleio_core.plugins", "Modules' widgets on the home page (add_home_widget)."
)
PEOPLE: Service[PeopleNames] = Service(
    "people", "pleio_core.people", "Names and photos of accounts as they are now, per page."
)
