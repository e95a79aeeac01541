"""Export and import throughput and peak memory of a large deelsite.

    .venv/bin/python bench/exchange.py [--items 10000] [--file-mb 1024] [--files 1000]

Generates a site with ``--items`` content objects — wiki pages (nested, each with two
revisions, a comment and a like) and documents of a small bench plugin whose schema holds
a file — with ``--file-mb`` MB of random (incompressible) file bytes over ``--files``
documents. Then runs ``pleio site export`` and ``pleio site import`` as subprocesses and
reports their wall time, MB/s of archive, and peak resident memory (VmHWM, polled from
/proc). Target: at most 200 MB peak for both, whatever the size of the site.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import transaction

sys.path.insert(0, str(Path(__file__).parent))
from procinfo import memory_kb

BENCH_PLUGIN = """
import colander
from pleio_core.services import CONTENT_TYPES
from pleio_core.content import Content, ContentSchema
from pleio_core.content.files import StoredFileType
from pleio_core.plugins import hookimpl
from pleio_core.plugins.module import ModulePlugin

class Document(Content):
    file = None

class DocumentSchema(ContentSchema):
    file = colander.SchemaNode(StoredFileType(), missing=None)

plugin = ModulePlugin(
    name="benchdocs", package="pleio_core", title="Documents", description="Bench files",
    requires_core=">=0.1,<0.2",
)
pleio_plugin_info = plugin.pleio_plugin_info
pleio_menu_items = plugin.pleio_menu_items

@hookimpl
def pleio_configure(config):
    config.add_module_folder("benchdocs", "Documents")
    config.add_content_type("document", Document, title="Document", schema=DocumentSchema)
"""


def install_plugin(base: Path) -> Path:
    """The bench plugin as an installed distribution on a path of its own (PYTHONPATH)."""
    packages = base / "site-packages"
    (packages / "pleio_bench_docs").mkdir(parents=True)
    (packages / "pleio_bench_docs" / "__init__.py").write_text(textwrap.dedent(BENCH_PLUGIN))
    info = packages / "pleio_bench_docs-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pleio_bench_docs\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pleio.plugins]\nbenchdocs = pleio_bench_docs\n")
    sys.path.insert(0, str(packages))
    return packages


def generate(setup, items: int, files: int, file_mb: int) -> None:
    """Write the site straight into its database, in batches (as an import would)."""
    from pleio_core.cli.context import load_platform, opened
    from pleio_core.content.comments import comments_of
    from pleio_core.content.files import store_file
    from pleio_core.content.likes import likes_of
    from pleio_core.content.revisions import History
    from pleio_core.security.store import accounts_of
    from pleio_core.services import CONTENT_TYPES
    from pleio_core.storage import PLATFORM_KEY

    platform = load_platform(str(setup.ini_file()))
    types = CONTENT_TYPES(platform.registry)
    page_type, doc_type = types["page"], types["document"]
    with opened(platform.settings.platform_storage_uri, "platform", read_only=True) as db:
        with db.transaction() as conn:
            anne = accounts_of(conn.root()[PLATFORM_KEY]).by_email("anne@example.nl").id
    site = platform.sites.get("big")
    platform.initialise_site(site)
    file_size = (file_mb << 20) // max(files, 1)
    pages = items - files
    with opened(platform.storage_uri("big"), "big") as db:
        conn = db.open()
        root = conn.root()["pleio_site"]
        wiki, docs = root.get("wiki"), root.get("benchdocs")
        parent = wiki
        body = "Een alinea over archief en informatie. " * 40
        for n in range(pages):
            page = page_type.factory(owner=anne)
            page.title = f"Pagina {n}"
            page.set_body(body + str(n))
            page.access = "public"
            page.history = History()
            values = {"title": page.title, "body": page.body, "access": "public"}
            page.history.append(values, anne, "Anne", page.created)
            page.history.append({**values, "body": page.body + " ok"}, anne, "Anne", page.modified)
            comments_of(page, create=True).add(anne, "Anne", f"Reactie {n}")
            likes_of(page, create=True).like(anne)
            target = parent if n % 10 else wiki  # runs of ten pages nested one level
            target.add(f"pagina-{n}", page)
            if n % 10 == 0:
                parent = page
            if n % 500 == 499:
                transaction.commit()
                conn.cacheGC()
        for n in range(files):
            doc = doc_type.factory(owner=anne)
            doc.title, doc.access = f"Document {n}", "public"
            doc.file = store_file(
                io.BytesIO(os.urandom(file_size)), f"d{n}.bin", "application/octet-stream"
            )
            docs.add(f"document-{n}", doc)
            if n % 20 == 19:
                transaction.commit()
                conn.cacheGC()
        transaction.commit()
        conn.close()


def measure(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak resident memory (kB) of a subprocess."""
    start = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            peak = max(peak, memory_kb(process.pid).get("VmHWM", 0))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.02)
    out, err = process.communicate()
    elapsed = time.monotonic() - start
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{err.decode()[-2000:]}")
    print("   ", out.decode().strip())
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--file-mb", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pleio-bench-exchange-") as tmp:
        base = Path(tmp)
        packages = install_plugin(base)
        from pleio_core.testing import PleioTestSetup

        setup = PleioTestSetup(base / "pleio")
        setup.write_site("big", modules=["wiki", "benchdocs"])
        setup.create_account("anne@example.nl", "Anne", big="admin")
        started = time.monotonic()
        generate(setup, args.items, args.files, args.file_mb)
        print(f"generated {args.items} items, {args.file_mb} MB of files in "
              f"{time.monotonic() - started:.0f}s")  # fmt: skip
        env = {**os.environ, "PYTHONPATH": str(packages)}
        pleio = [str(Path(sys.executable).with_name("pleio")), "-c", str(setup.ini_file())]
        archive = base / "big.zip"
        seconds, peak = measure([*pleio, "site", "export", "big", str(archive)], env)
        size_mb = archive.stat().st_size / 1e6
        print(f"export: {size_mb:.0f} MB in {seconds:.1f}s = {size_mb / seconds:.1f} MB/s, "
              f"peak RSS {peak / 1024:.0f} MB")  # fmt: skip
        seconds, peak = measure(
            [*pleio, "site", "import", "copy", str(archive), "--host", "copy.localhost"], env
        )
        print(f"import: {size_mb:.0f} MB in {seconds:.1f}s = {size_mb / seconds:.1f} MB/s, "
              f"peak RSS {peak / 1024:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
