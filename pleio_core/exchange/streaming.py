"""An archive's JSON members, read in bounded memory whatever their size.

A JSON member may unpack to 256 MB, and ``json.loads`` of it costs several times that (a
list of empty objects, ``[{},{},…]``, twenty times: a 60 MB member took 1.6 GB). So members
are read as a stream of parser events (ijson, over the zip member as it is unpacked), and
what is built from the events is counted against a budget: a value that would take more
memory than its budget is refused as soon as the budget runs out, however large the member
and whatever its shape.

A content document's ``revisions``, ``comments`` and ``likes`` are not built with the rest
of it: the first pass skips them, and each is read again later, one
item at a time, so a long history takes no more memory than its largest revision.
"""

from __future__ import annotations

import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from itertools import chain
from typing import IO, Any

import ijson

from .errors import ArchiveError, brief

#: What one content document may take in memory, without its streamed lists.
DOCUMENT_BUDGET = 32 << 20
#: What one item of a streamed list (a revision, a comment, a like) may take.
ITEM_BUDGET = 16 << 20
#: What one record of a ``.jsonl`` member (an account, a member, an audit entry) may take.
RECORD_BUDGET = 1 << 20
#: Containers nested deeper than this are refused (nothing in the format nests so deep, and
#: deeper values would break the code that walks them later).
MAX_DEPTH = 64
#: No single text or number in the format is longer than this (a body of 500,000
#: characters, escaped, is at most 3 MB).
MAX_TOKEN = 8 << 20
#: A document or the manifest holds at most this many values (parser events): the largest
#: a site makes (100,000 comments on one item) holds about two million. Reading a member
#: takes time with its values even where it builds nothing (the lists read later).
MAX_VALUES = 10_000_000
#: How much of a member is given to the parser at a time.
CHUNK = 64 << 10
#: The lists of a content document that are read one item at a time.
STREAMED = ("revisions", "comments", "likes")

# What a value costs in memory on a 64-bit CPython, rounded up: a container's own size, and a
# slot in its parent (a list's pointer with its spare room; a dict's entry and hash table).
_DICT, _LIST, _LIST_SLOT, _DICT_SLOT = 64, 56, 16, 104

Opener = Callable[[], IO[bytes]]


class Budget:
    """How many bytes of memory the value being read may still take."""

    def __init__(self, limit: int, what: str) -> None:
        self.limit, self.left, self.what = limit, limit, what

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ArchiveError(
                f"{self.what} is too large to import: read, it would take more than "
                f"{self.limit >> 20} MB of memory"
            )


def _scalar_cost(value: Any) -> int:
    return 0 if value is None or value is True or value is False else sys.getsizeof(value)


def _build(events: Iterator[tuple[str, Any]], event: str, value: Any, budget: Budget) -> Any:
    """The value that starts with ``event``, built from the events that follow it."""
    stack: list[Any] = []
    keys: list[Any] = []
    while True:
        if event == "map_key":
            budget.spend(_DICT_SLOT + sys.getsizeof(value))
            keys[-1] = value
            event, value = next(events)
            continue
        if event in ("start_map", "start_array"):
            if len(stack) >= MAX_DEPTH:
                raise ArchiveError(f"{budget.what} nests values deeper than {MAX_DEPTH}")
            budget.spend(_DICT if event == "start_map" else _LIST)
            stack.append({} if event == "start_map" else [])
            keys.append(None)
            event, value = next(events)
            continue
        if event in ("end_map", "end_array"):
            item = stack.pop()
            keys.pop()
        else:
            budget.spend(_scalar_cost(value))
            item = value
        if not stack:
            return item
        parent = stack[-1]
        if isinstance(parent, list):
            budget.spend(_LIST_SLOT)
            parent.append(item)
        else:
            parent[keys[-1]] = item
        event, value = next(events)


_OPEN = frozenset(("start_map", "start_array"))
_CLOSE = frozenset(("end_map", "end_array"))


def _skip(events: Iterator[tuple[str, Any]], event: str) -> None:
    """Pass over the value that starts with ``event``, building nothing."""
    if event not in _OPEN:
        return
    depth = 1
    for inner, _value in events:
        if inner in _OPEN:
            depth += 1
        elif inner in _CLOSE:
            depth -= 1
            if not depth:
                return


def _batches(stream: IO[bytes], name: str, multiple: bool) -> Iterator[list[tuple[str, Any]]]:
    events = ijson.sendable_list()
    parser = ijson.basic_parse_coro(events, use_float=True, multiple_values=multiple)
    quiet = count = 0
    while chunk := stream.read(CHUNK):
        parser.send(chunk)
        count += len(events)
        if count > MAX_VALUES and not multiple:
            raise ArchiveError(f"{name!r} holds more than {MAX_VALUES:,} values")
        if not events:
            quiet += len(chunk)
            if quiet > MAX_TOKEN:
                raise ArchiveError(
                    f"{name!r} holds a text, a number or blank space longer than "
                    f"{MAX_TOKEN >> 20} MB"
                )
            continue
        quiet = 0
        yield events[:]
        del events[:]
    parser.close()
    yield events


def _events(stream: IO[bytes], name: str, multiple: bool = False) -> Iterator[tuple[str, Any]]:
    """The parser's events, fed ``CHUNK`` bytes at a time.

    The parser keeps an unfinished string or number in a buffer of its own; when more than
    ``MAX_TOKEN`` bytes go in without an event coming out, one such token is that large,
    and the member is refused before the buffer grows further.
    """
    return chain.from_iterable(_batches(stream, name, multiple))


class _Reading:
    """Turns what can go wrong while a member is unpacked and parsed into ArchiveError."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> _Reading:
        return self

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is None or isinstance(exc, ArchiveError):
            return
        if isinstance(exc, ijson.JSONError | UnicodeDecodeError | StopIteration):
            detail = exc.args[0] if exc.args else "it ends early"
            text = detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)
            text = brief(" ".join(text.split()))  # the parser's message spans lines
            raise ArchiveError(f"{self.name!r} is not valid JSON: {text}") from None
        if isinstance(exc, zipfile.BadZipFile | zlib.error | OSError | EOFError):
            raise ArchiveError(f"{self.name!r} cannot be read (damaged?): {exc}") from None


def load(open_member: Opener, name: str, budget: int) -> Any:
    """The one JSON value of a member, refused if it would take more than ``budget`` bytes."""
    with _Reading(name), open_member() as stream:
        events = _events(stream, name)
        event, value = next(events)
        result = _build(events, event, value, Budget(budget, repr(name)))
        for _extra in events:
            raise ArchiveError(f"{name!r} holds more than one JSON value")
        return result


def records(open_member: Opener, name: str, budget: int = RECORD_BUDGET) -> Iterator[Any]:
    """The values of a JSON-lines member one by one, each within ``budget`` bytes."""
    with _Reading(name), open_member() as stream:
        events = _events(stream, name, multiple=True)
        for number, (event, value) in enumerate(events, 1):
            yield _build(events, event, value, Budget(budget, f"{name!r} record {number}"))


class StreamedList:
    """A list in a content document, read again item by item each time it is iterated."""

    def __init__(self, open_member: Opener, name: str, key: str, empty: bool) -> None:
        self.open_member, self.name, self.key, self.empty = open_member, name, key, empty

    def __bool__(self) -> bool:
        return not self.empty

    def __iter__(self) -> Iterator[Any]:
        with _Reading(self.name), self.open_member() as stream:
            events = _events(stream, self.name)
            next(events)  # the document's start_map, checked by read_document
            for event, value in events:
                if event == "end_map":
                    return
                # a key of the document, then its value
                if value != self.key:
                    _skip(events, next(events)[0])
                    continue
                next(events)  # start_array, checked by read_document
                for number, (event, value) in enumerate(events, 1):
                    if event == "end_array":
                        return
                    what = f"{self.name!r} {self.key} item {number}"
                    yield _build(events, event, value, Budget(ITEM_BUDGET, what))


def read_document(open_member: Opener, name: str) -> dict[str, Any]:
    """A content document: its lists in ``STREAMED`` as StreamedList, the rest built."""
    budget = Budget(DOCUMENT_BUDGET, repr(name))
    document: dict[str, Any] = {}
    with _Reading(name), open_member() as stream:
        events = _events(stream, name)
        event, _value = next(events)
        if event != "start_map":
            raise ArchiveError(f"{name!r}: not a content document")
        for event, key in events:
            if event == "end_map":
                break
            if key in document:
                raise ArchiveError(f"{name!r} holds {key!r} twice")
            event, value = next(events)
            if key in STREAMED:
                if event != "start_array":
                    raise ArchiveError(f"{name!r}: {key!r} is not a list")
                event, _value = next(events)
                if event != "end_array":
                    _skip(events, event)
                    _skip(events, "start_array")  # the rest of the list
                document[key] = StreamedList(open_member, name, key, event == "end_array")
            else:
                budget.spend(_DICT_SLOT + sys.getsizeof(key))
                document[key] = _build(events, event, value, budget)
        for _extra in events:
            raise ArchiveError(f"{name!r} holds more than one JSON value")
    return document
