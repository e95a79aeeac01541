"""The intranet's message factory: its strings are in the ``pleio_intranet`` domain."""

from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("pleio_intranet")
