"""Someone who leaves a site takes their profile there with them (the control panel's
removal and ``pleio user revoke`` both send ``MemberRemoved``)."""

from __future__ import annotations

from pyramid.config import Configurator

from pleio_core.security.membership import MemberRemoved

from .model import site_people


def forget_profile(event: MemberRemoved) -> None:
    people = site_people(event.site)
    if people is not None:
        people.forget(event.account_id)


def includeme(config: Configurator) -> None:
    config.add_subscriber(forget_profile, MemberRemoved)
