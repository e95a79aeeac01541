"""Site exports made wrong on purpose: a good archive rebuilt with members changed,
dropped or added, for the tests that the import refuses (or survives) what it should."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def rebuild_archive(
    good: Path,
    change: dict[str, bytes | None] | None = None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    extra: tuple = (),
    checksums: bool = True,
) -> bytes:
    """A site export ``good`` with members changed (name → bytes, or None to drop), the
    manifest changed by ``manifest(dict)``, ``extra`` (ZipInfo or name, bytes) added; the
    checksums of the changed members recomputed unless ``checksums`` is False."""
    import hashlib
    import io
    import zipfile

    out = io.BytesIO()
    change = change or {}
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w") as target:
        data = json.loads(source.read("manifest.json"))
        for info in source.infolist():
            if info.filename == "manifest.json":
                continue
            raw = change.get(info.filename, source.read(info.filename))
            if raw is None:
                continue
            target.writestr(info.filename, raw, zipfile.ZIP_DEFLATED)
            if checksums:
                data["checksums"][info.filename] = hashlib.sha256(raw).hexdigest()
        for info, raw in extra:
            target.writestr(info, raw)
        if manifest:
            manifest(data)
        target.writestr("manifest.json", json.dumps(data))
    return out.getvalue()
