from pyramid.i18n import TranslationStringFactory

_ = TranslationStringFactory("pleio_community")
