"""Every word in Dutch: each gettext domain's Dutch catalogue has every message its code and
templates use, numbers take their plural from the catalogue, and the Dutch keeps to the tone
of voice (docs/tone-of-voice.md).

The domains: the core's ``pleio``, the four bundled modules' and the example plugin's. The
messages are extracted with Babel, as ``pybabel extract`` does (``pleio_core.testing.
translations``), so a text added to a template or to the code without its Dutch fails here.
"""

import re
from pathlib import Path

import pytest

from pleio_core.testing.translations import (
    counts_without_plural,
    english_texts,
    read_catalogue,
    untranslatable,
    untranslated,
    unused,
    used_messages,
)

REPO = Path(__file__).parents[1]
#: Each domain's package and its Dutch catalogue.
DOMAINS = {
    "pleio": REPO / "pleio_core",
    **{
        package.name: package
        for package in sorted((*REPO.glob("plugins/*/pleio_*"), *REPO.glob("examples/*/pleio_*")))
        if (package / "__init__.py").is_file()
    },
}


def dutch_po(domain: str) -> Path:
    return DOMAINS[domain] / "locale" / "nl" / "LC_MESSAGES" / f"{domain}.po"


def test_every_domain_is_checked() -> None:
    assert set(DOMAINS) == {
        "pleio",
        "pleio_intranet",
        "pleio_community",
        "pleio_workspace",
        "pleio_wiki",
        "pleio_faq",
    }


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_every_message_has_its_dutch_text(domain: str) -> None:
    assert used_messages(DOMAINS[domain]), f"no messages found for {domain}"
    problems = untranslated(DOMAINS[domain], dutch_po(domain))
    assert not problems, f"{dutch_po(domain)} lacks Dutch:\n" + "\n".join(problems)


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_no_template_fills_in_a_value_before_its_text_is_translated(domain: str) -> None:
    """``<p i18n:translate="">At least ${n} characters.</p>`` is looked up as "At least 12
    characters.", which no catalogue has: the password hints stayed English that way."""
    assert not untranslatable(DOMAINS[domain])


def test_the_template_check_tells_a_named_value_from_one_filled_in(tmp_path: Path) -> None:
    package = tmp_path / "pleio_demo"
    package.mkdir()
    (package / "page.pt").write_text(
        '<div i18n:domain="pleio_demo">\n'
        '<p i18n:translate="">At least ${n} characters.</p>\n'
        '<p i18n:translate="">At most <b i18n:name="n">${n}</b> characters.</p>\n</div>\n'
    )
    assert untranslatable(package) == ["pleio_demo/page.pt:2: 'At least ${n} characters.'"]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_no_catalogue_keeps_a_message_that_is_no_longer_used(domain: str) -> None:
    assert not unused(DOMAINS[domain], dutch_po(domain))


def test_the_check_sees_what_a_catalogue_lacks(tmp_path: Path) -> None:
    """A missing, an empty, a fuzzy and a plural without its forms: each is reported."""
    package = tmp_path / "pleio_demo"
    (package / "templates").mkdir(parents=True)
    (package / "views.py").write_text(
        "from pyramid.i18n import TranslationStringFactory\n"
        "_ = TranslationStringFactory('pleio_demo')\n"
        "TEXTS = [_('Present'), _('Missing'), _('Empty')]\n"
        "def view(request, n):\n"
        "    return request.localizer.pluralize('${count} page', '${count} pages', n)\n"
    )
    (package / "templates" / "page.pt").write_text(
        '<p i18n:domain="pleio_demo" i18n:translate="">Fuzzy <b i18n:name="x">${x}</b></p>\n'
    )
    po = tmp_path / "pleio_demo.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        'msgid "Present"\nmsgstr "Aanwezig"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fuzzy ${x}"\nmsgstr "Vaag ${x}"\n\n'
        'msgid "${count} page"\nmsgstr "${count} pagina\'s"\n'
    )
    problems = untranslated(package, po)
    kinds = [p.split(":", 1)[0] for p in problems]
    assert kinds == ["no msgid_plural", "empty", "fuzzy", "missing"]
    assert "pleio_demo/views.py:3" in problems[-1]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_a_count_of_things_takes_its_plural_from_the_catalogue(domain: str) -> None:
    """ "1 leden", "1 resultaten": a message with ``${count}`` goes through ``pluralize``
    (docs/plugin-guide.md, *Translations*); a count in brackets, "Leden (1)", needs none."""
    assert not counts_without_plural(DOMAINS[domain])


def test_the_english_texts_of_the_catalogues_leave_out_what_dutch_uses_too() -> None:
    texts = english_texts(dutch_po(d) for d in DOMAINS)
    assert "Save for later" in texts and "No comments yet" in texts
    assert "characters. A few unrelated words make a strong password" in texts
    assert "Like" in texts  # "Vind ik leuk"
    # the same in both languages, too short to tell, or used by the Dutch texts themselves
    for same in ("Wiki", "Home", "OK", "by", "Modules", "Markdown", "Intranet"):
        assert same not in texts


#: Words that mean Pleio spoke formally ("u"), or used a second name for a feature
#: (docs/tone-of-voice.md).
FORMAL = re.compile(r"\b(u|uw)\b", re.IGNORECASE)
SECOND_NAMES = ("tweestapsaanmelding",)


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_the_dutch_texts_keep_to_the_tone_of_voice(domain: str) -> None:
    texts = []
    for entry in read_catalogue(dutch_po(domain)):
        if entry.id:
            texts += entry.string if isinstance(entry.string, tuple) else [entry.string]
    formal = [t for t in texts if FORMAL.search(t)]
    assert not formal, f"{domain} says 'u' (docs/tone-of-voice.md: 'je'): {formal}"
    second = [t for t in texts if any(n in t.lower() for n in SECOND_NAMES)]
    assert not second, f"{domain} uses a second name for a feature: {second}"
