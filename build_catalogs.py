"""The build step that compiles the gettext catalogues (``.po`` to ``.mo``).

The project names it as setuptools' ``build_py`` (``[tool.setuptools.cmdclass]`` in
``pyproject.toml``, or ``cmdclass`` in ``setup.cfg``), so ``pip install .``, ``pip install
-e .`` and ``python -m build`` all make the ``.mo`` files next to their ``.po`` before the
package is put together. The ``.mo`` files are build output: they are not committed. The
same file serves pleio_core and every plugin ``pleio plugin new`` makes
(``tests/test_scaffold.py`` keeps the copies equal).
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def compile_catalogues(root: Path = HERE) -> list[Path]:
    """Compile every ``pleio_*/locale/*/LC_MESSAGES/*.po`` under ``root``; the ``.mo`` made."""
    made = []
    for po in sorted(root.glob("pleio_*/locale/*/LC_MESSAGES/*.po")):
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


if __name__ == "__main__":
    for mo in compile_catalogues():
        print(mo.relative_to(HERE))
