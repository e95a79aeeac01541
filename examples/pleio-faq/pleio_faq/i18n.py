"""The module's message factory: its strings are in the ``pleio_faq`` domain."""

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("pleio_faq")
