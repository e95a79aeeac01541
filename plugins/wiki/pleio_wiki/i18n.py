"""The wiki's message factory: its strings are in the ``pleio_wiki`` domain."""

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("pleio_wiki")
