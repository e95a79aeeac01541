from pyramid.i18n import TranslationStringFactory

DOMAIN = "pleio_workspace"
_ = TranslationStringFactory(DOMAIN)
