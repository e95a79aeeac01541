"""The declared services: typed lookup, one provider each, listed by the introspector."""

import pytest
from pyramid.exceptions import ConfigurationConflictError
from pyramid.registry import Registry

from pleio_core import services
from pleio_core.services import INTROSPECTION_CATEGORY, SITE_DATABASES, SITES, Service
from pleio_core.sites import SiteRegistry
from pleio_core.storage.databases import SiteDatabases

PLATFORM = [value for value in vars(services).values() if isinstance(value, Service)]


def test_every_platform_service_is_provided_and_listed(pleio_setup) -> None:
    app = pleio_setup.make_app()
    listed = {
        entry["introspectable"]["service"]
        for entry in app.registry.introspector.get_category(INTROSPECTION_CATEGORY)
    }
    assert set(PLATFORM) <= listed
    for service in PLATFORM:
        assert service.provided(app.registry)
    assert isinstance(SITES(app.registry), SiteRegistry)
    assert isinstance(SITE_DATABASES(app.registry), SiteDatabases)


def another_page_cache(config) -> None:
    services.PAGE_CACHE.provide(config, object())


def test_a_second_provider_is_a_conflict_at_start_up(pleio_setup) -> None:
    # (as in all of Pyramid, the application's own configuration may override an include's)
    with pytest.raises(ConfigurationConflictError, match="page cache"):
        pleio_setup.make_app(configure=lambda config: config.include(another_page_cache))


def test_a_missing_service_names_its_provider() -> None:
    with pytest.raises(LookupError, match=r"'sites' is not provided: include pleio_core\.sites"):
        SITES(Registry())
