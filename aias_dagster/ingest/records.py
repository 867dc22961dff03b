"""A landing file read strictly, record by record: the reading the loader trusts when COPY's may differ.

COPY's CSV parser is lenient where RFC 4180 is not: a quote may open anywhere, text may follow a
closing quote, and on Postgres 15-17 a line holding only `\\.` ends the data. On a file with a stray
quote that reading silently merges records. This reader accepts only what RFC 4180 allows, so where a
file allows two readings it rejects instead of guessing, and it counts physical lines on its own:

- a record is one physical line (LF or CRLF ended), or several when a quoted field holds line breaks;
- a record that is not well formed is a reject with a reason that names the column, never an error
  that stops the file. When the record spans lines, only its first line is rejected and reading
  resumes on the next line: the lines a stray quote swallowed are read as records of their own;
- a quoted field may span lines in a free-text column only; in any other column the quote is taken
  as stray;
- there is no field size limit below what memory allows, except that an open quote is given up after
  MAX_QUOTED_SPAN_BYTES of following lines: such a quote is stray, and its line is rejected.

Pure (bytes in, records out), so every rule is tested without a database.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

MAX_QUOTED_SPAN_BYTES = 64 << 20
MAX_FIELD_CHARS = (1 << 30) - 1  # Postgres' own limit for one text value (1 GB)

_QUOTED = re.compile(r'"((?:[^"]++|"")*+)"')
_PLAIN = re.compile(r'[^,"\r\n]*+')
_INVALID_UTF8 = re.compile("[\udc80-\udcff]")


class Record(NamedTuple):
    """One record: the physical line it starts on, its fields, its text, and why it is rejected."""

    line: int
    fields: tuple[str, ...]
    raw: str
    reason: str | None = None


class RecordReader:
    """Iterate over the records after the header; `physical_lines` counts every line read, header included."""

    def __init__(self, lines: Iterable[bytes], names: Sequence[str], free_text: Iterable[int] = ()) -> None:
        self._lines = iter(lines)
        self._names = tuple(names)
        self._free_text = frozenset(free_text)
        csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))
        self.physical_lines = 0

    def __iter__(self) -> Iterator[Record]:
        pushed: deque[tuple[int, bytes]] = deque()  # lines to read again after a stray quote
        pending: list[tuple[int, bytes]] = []  # the lines of the record being read
        quotes = size = 0
        while True:
            if pushed:
                number, raw = pushed.popleft()
            else:
                raw = next(self._lines, b"")
                if not raw:
                    if not pending:
                        return
                    # A quote is still open at the end of the file: it was stray.
                    yield self._stray(pending[0], "never closed")
                    pushed.extend(pending[1:])
                    pending, quotes, size = [], 0, 0
                    continue
                self.physical_lines += 1
                number = self.physical_lines
                if number == 1:
                    continue  # the header, read and checked by the caller
            pending.append((number, raw))
            quotes += raw.count(b'"')
            size += len(raw)
            if quotes % 2 and size <= MAX_QUOTED_SPAN_BYTES:
                continue
            if quotes % 2:
                record = self._stray(pending[0], f"not closed within {MAX_QUOTED_SPAN_BYTES >> 20} MiB")
            else:
                record = self._record(pending)
            yield record
            if record.fields == () and record.reason and len(pending) > 1:
                pushed.extendleft(reversed(pending[1:]))
            pending, quotes, size = [], 0, 0

    def _column(self, index: int) -> str:
        return self._names[index] if index < len(self._names) else f"field {index + 1}"

    def _stray(self, first: tuple[int, bytes], problem: str) -> Record:
        """The reject of a line whose quote opens a field that never closes (or not soon enough)."""
        number, raw = first
        _, error = split_fields(_line_text(raw).decode("utf-8", "surrogateescape"), self._names)
        if error and "never closed" not in error:
            return Record(number, (), _display(raw), error)
        column = error.split(":", 1)[0] if error else "row"
        return Record(number, (), _display(raw), f"{column}: a quote opened on this line is {problem}")

    def _record(self, lines: list[tuple[int, bytes]]) -> Record:
        number = lines[0][0]
        data = lines[0][1] if len(lines) == 1 else b"".join(raw for _, raw in lines)
        text = data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith(b"\n") else data
        try:
            decoded = text.decode("utf-8")
            suspect = "\x00" in decoded
        except UnicodeDecodeError:
            decoded = text.decode("utf-8", "surrogateescape")
            suspect = True
        fields = self._fields(decoded)
        if fields is None or suspect or len(lines) > 1:
            reason, found = self._problem(decoded, fields, len(lines) > 1)
            if reason:
                return Record(number, found, _display(lines[0][1] if found == () else data), reason)
        return Record(number, tuple(fields), decoded)  # type: ignore[arg-type]

    def _fields(self, decoded: str) -> list[str] | None:
        """The fields of a well-formed record of the expected width, else None. The hot path: C code only.

        csv in strict mode refuses text after a closing quote and an open quote at the end; a quote
        inside an unquoted field it takes literally, which RFC 4180 (and COPY) do not: a value holding
        a quote must appear quoted, its quotes doubled.
        """
        if '"' not in decoded:
            fields = decoded.split(",")
            if "\r" in decoded or len(fields) != len(self._names):
                return None
            return fields
        try:
            fields = next(csv.reader([decoded], strict=True))
        except csv.Error:
            return None
        if len(fields) != len(self._names):
            return None
        for value in fields:
            if '"' in value and '"' + value.replace('"', '""') + '"' not in decoded:
                return None
        return fields

    def _problem(self, decoded: str, fields: list[str] | None, multiline: bool) -> tuple[str | None, tuple[str, ...]]:
        """Why a record is rejected (None if it is not) and its fields; () marks a stray quote's first line."""
        if not decoded:
            return "row: an empty line", ()
        if fields is None:
            found, error = split_fields(decoded, self._names)
            if error:
                # Over several lines, a record that is not well formed began with a stray quote: only its
                # first line is rejected and the others are read again.
                return error, () if multiline else tuple(found)
            expected = len(self._names)
            if len(found) != expected:
                return f"row: wrong number of fields: expected {expected}, got {len(found)}", tuple(found)
            index = max(range(expected), key=lambda i: len(found[i]))
            return f"{self._column(index)}: longer than {MAX_FIELD_CHARS} characters, Postgres' limit", ()
        if multiline:
            for index, value in enumerate(fields):
                if index not in self._free_text and ("\n" in value or "\r" in value):
                    column = self._column(index)
                    return (
                        f"{column}: a quoted value runs over several lines, but the column is not free text "
                        "(a stray quote?)",
                        (),
                    )
        for index, value in enumerate(fields):
            if "\x00" in value:
                return f"{self._column(index)}: contains a NUL byte (0x00)", tuple(fields)
            if _INVALID_UTF8.search(value):
                return f"{self._column(index)}: not valid UTF-8", tuple(fields)
        return None, tuple(fields)


def split_fields(text: str, names: Sequence[str] = ()) -> tuple[list[str], str | None]:
    """The fields of one record's text (line ends removed) and, if it is not RFC 4180, what is wrong."""
    fields: list[str] = []
    position, end = 0, len(text)

    def column() -> str:
        index = len(fields)
        return names[index] if index < len(names) else f"field {index + 1}"

    while True:
        if text.startswith('"', position):
            match = _QUOTED.match(text, position)
            if match is None:
                return fields, f"{column()}: a quote opened here is never closed"
            name = column()
            fields.append(match.group(1).replace('""', '"'))
            position = match.end()
            if position < end and text[position] != ",":
                return fields, (
                    f"{name}: text after the closing quote (a stray quote? a quoted field ends at a comma "
                    f"or the line end; a quote inside it is doubled)"
                )
        else:
            match = _PLAIN.match(text, position)
            position = match.end()  # type: ignore[union-attr]
            name = column()
            fields.append(match.group())  # type: ignore[union-attr]
            if position < end and text[position] == '"':
                return fields, f"{name}: a quote inside an unquoted field (quote the field and double the quote)"
            if position < end and text[position] in "\r\n":
                return fields, f"{name}: a carriage return (CR) inside an unquoted field; lines end in LF or CRLF"
        if position >= end:
            return fields, None
        position += 1


def _line_text(data: bytes) -> bytes:
    """The record's bytes without the line end of its last line."""
    if data.endswith(b"\r\n"):
        return data[:-2]
    if data.endswith(b"\n"):
        return data[:-1]
    return data


def _display(data: bytes) -> str:
    """The record as it is shown in raw.load_rejects: undecodable bytes and NUL as U+FFFD."""
    return _line_text(data).decode("utf-8", "replace").replace("\x00", "\ufffd")
