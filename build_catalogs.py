"""The build step that compiles pleio_core's gettext catalogues (``.po`` to ``.mo``).

``setup.cfg`` names it as setuptools' ``build_py``, so every wheel and every install made
from a clean checkout has the ``.mo`` files (they are build output, never committed);
``make translations`` does the same for a working checkout. (``pleio plugin new`` gives a
plugin the same step.)
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def compile_catalogues(root: Path = HERE) -> list[Path]:
    """Compile every ``pleio_core/locale/*/LC_MESSAGES/*.po``; the ``.mo`` files made."""
    made = []
    for po in sorted(root.glob("pleio_core/locale/*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog)
        made.append(mo)
    return made


class BuildPyWithCatalogs(build_py):
    def run(self) -> None:
        compile_catalogues()
        self.__dict__.pop("data_files", None)  # listed before the .mo existed: list again
        super().run()
