"""Writing a source's rows as one CSV file per day, and finding where each bad row landed.

Output is byte-for-byte reproducible: rows in a fixed order, ``\\n`` line ends, and gzip headers
without a timestamp or file name.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from aias_dagster.sample_data.bad_rows import BadRow
from aias_dagster.sample_data.columns import SourceRows
from aias_dagster.sample_data.timeline import Timeline

Record = Sequence[str]


@dataclass(frozen=True)
class BadRowLocation:
    row: BadRow
    file: str  # relative to the landing folder, e.g. "touchpoints/2026-03-01.csv"
    line: int  # physical line where the record starts; the header is line 1


@dataclass(frozen=True)
class SourceWrite:
    files: tuple[Path, ...]
    rows: int
    bad_rows: tuple[BadRowLocation, ...]


def file_name(day: str, gzip_files: bool) -> str:
    return f"{day}.csv.gz" if gzip_files else f"{day}.csv"


def write_source(
    rows: SourceRows, bad: Sequence[BadRow], out: Path, timeline: Timeline, gzip_files: bool
) -> SourceWrite:
    """One file per world day (header only on a day without rows), bad rows among the good ones."""
    source = rows.source
    folder = out / source.name
    folder.mkdir(parents=True, exist_ok=True)
    order = rows.file_order()
    bounds = np.searchsorted(rows.day[order], np.arange(timeline.days + 1))
    bad_by_day: dict[int, list[BadRow]] = {}
    for b in sorted(bad, key=lambda b: (b.day, b.order)):
        bad_by_day.setdefault(b.day, []).append(b)
    free_text = [i for i, c in enumerate(source.columns) if c.free_text]

    files, located, written = [], [], 0
    for day in range(timeline.days):
        idx = order[bounds[day] : bounds[day + 1]]
        columns = rows.render(idx)
        records: list[Record] = list(zip(*(c.tolist() for c in columns), strict=True)) if len(idx) else []
        name = file_name(timeline.date_of(day).isoformat(), gzip_files)
        day_bad = bad_by_day.get(day, [])
        if day_bad:
            newlines = sum((np.strings.count(columns[i].astype(str), "\n") for i in free_text), np.zeros(len(idx)))
            records, lines = _merge(records, rows.order[idx], newlines.astype(np.int64), day_bad)
            located += [
                BadRowLocation(b, f"{source.name}/{name}", line) for b, line in zip(day_bad, lines, strict=True)
            ]
        path = folder / name
        with _open(path, gzip_files) as handle:
            writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(source.column_names)
            writer.writerows(records)
        files.append(path)
        written += len(records)
    return SourceWrite(tuple(files), written, tuple(located))


def _merge(
    records: list[Record], order: np.ndarray, newlines: np.ndarray, bad: list[BadRow]
) -> tuple[list[Record], list[int]]:
    """Insert the bad rows by arrival order; return the records and each bad row's first line."""
    positions = np.searchsorted(order, [b.order for b in bad], side="right")
    before = np.concatenate([[0], np.cumsum(newlines)])
    merged: list[Record] = []
    lines: list[int] = []
    taken, bad_newlines = 0, 0
    for k, (b, pos) in enumerate(zip(bad, positions, strict=True)):
        merged += records[taken:pos]
        taken = int(pos)
        # header line + records before it + line breaks inside those records
        lines.append(2 + taken + k + int(before[taken]) + bad_newlines)
        merged.append(b.fields)
        bad_newlines += sum(f.count("\n") for f in b.fields)
    merged += records[taken:]
    return merged, lines


@contextmanager
def _open(path: Path, gzip_files: bool) -> Iterator[TextIO]:
    if not gzip_files:
        with path.open("w", encoding="utf-8", newline="") as handle:
            yield handle
        return
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as packed,
        io.TextIOWrapper(packed, encoding="utf-8", newline="") as handle,
    ):
        yield handle
