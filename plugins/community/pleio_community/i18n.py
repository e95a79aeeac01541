from pyramid.i18n import TranslationStringFactory

DOMAIN = "pleio_community"
_ = TranslationStringFactory(DOMAIN)
