"""Tables as CSV for a spreadsheet: the members of a site or a group, an event's attendees.

Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, a tab or a
carriage return first) are prefixed with an apostrophe, so a name typed by a member cannot
become a formula on the computer of whoever opens the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any

from pyramid.response import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(target: IO[str], header: Iterable[str], rows: Iterable[Iterable[Any]]) -> int:
    """Write the rows; how many (the header not counted)."""
    writer = csv.writer(target)
    writer.writerow(list(header))
    count = 0
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        count += 1
    return count


def csv_response(
    filename: str, header: Iterable[str], rows: Iterable[Iterable[Any]], bom: bool = False
) -> Response:
    """A CSV download (``filename`` is ASCII, without quotes), kept by no cache; with
    ``bom``, UTF-8 with a byte-order mark, which spreadsheet programs need to read it so."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    write_csv(out, header, rows)
    response = Response(out.getvalue(), content_type="text/csv", charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
