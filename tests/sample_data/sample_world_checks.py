"""Reading a generated world back, and an independent contract validator for the tests.

Deliberately separate from the loader: it checks the generator against the contract as written, so
a bug shared by generator and loader cannot hide.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from aias_dagster.ingest.contract import Column, Kind, Source

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTEGER = re.compile(r"^-?\d+$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


def open_text(path: Path) -> io.TextIOBase:
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(physical line where the record starts, fields) for every record after the header."""
    with open_text(path) as handle:
        reader = csv.reader(handle)
        next(reader)
        end_of_previous = reader.line_num
        for fields in reader:
            yield end_of_previous + 1, fields
            end_of_previous = reader.line_num


def header(path: Path) -> list[str]:
    with open_text(path) as handle:
        return next(csv.reader(handle))


def day_files(landing: Path, source: str) -> list[Path]:
    return sorted(p for p in (landing / source).iterdir() if p.name.endswith((".csv", ".csv.gz")))


def bad_lines(truth: Path) -> set[tuple[str, int]]:
    manifest = truth / "bad_rows.csv"
    if not manifest.exists():
        return set()
    frame = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    return {(f, int(line)) for f, line in zip(frame.file, frame.line, strict=True)}


def load(landing: Path, source: Source, skip: set[tuple[str, int]] | None = None) -> pd.DataFrame:
    """Every good record of a source as strings, with the file's day in ``_file``."""
    skip = skip or set()
    rows = []
    for path in day_files(landing, source.name):
        relative = f"{source.name}/{path.name}"
        for line, fields in records(path):
            if (relative, line) not in skip:
                rows.append([*fields, path.name[:10]])
    return pd.DataFrame(rows, columns=[*source.column_names, "_file"], dtype=object)


def truth(truth_folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(truth_folder / name, dtype=str, keep_default_na=False)


def field_problem(column: Column, value: str) -> str | None:
    """The contract problem of one field value, or None when it is valid."""
    if value == "":
        return "missing_required" if column.required and column.default is None else None
    kind = column.kind
    if kind is Kind.TIMESTAMP:
        return None if TIMESTAMP.match(value) and _parses(datetime.fromisoformat, value) else "bad_timestamp"
    if kind is Kind.DATE:
        return None if DATE.match(value) and _parses(date.fromisoformat, value) else "bad_date"
    if kind is Kind.INTEGER and not INTEGER.match(value):
        return "not_integer"
    if kind is Kind.DECIMAL and not DECIMAL.match(value):
        return "not_decimal"
    if kind in (Kind.INTEGER, Kind.DECIMAL):
        number = Decimal(value)
        if column.maximum is not None:
            ok = column.minimum <= number <= column.maximum  # type: ignore[operator]
            return None if ok else "out_of_range"
        if column.minimum is not None:
            ok = number > column.minimum if column.minimum_exclusive else number >= column.minimum
            return None if ok else "below_minimum"
    if kind is Kind.CHOICE and value not in column.choices:
        return "bad_choice"
    if kind is Kind.COUNTRY and not re.fullmatch(r"[A-Z]{2}", value):
        return "bad_country"
    if kind is Kind.CURRENCY and not re.fullmatch(r"[A-Z]{3}", value):
        return "bad_currency"
    if kind is Kind.JSON_OBJECT:
        try:
            return None if isinstance(json.loads(value), dict) else "bad_json"
        except ValueError:
            return "bad_json"
    return None


def row_problems(source: Source, fields: list[str]) -> list[tuple[str, str]]:
    """(field, problem) of every defect of a record; ("", wrong_field_count) for a record of the wrong width."""
    if len(fields) != len(source.columns):
        return [("", "wrong_field_count")]
    found = [(c.name, field_problem(c, v)) for c, v in zip(source.columns, fields, strict=True)]
    return [(name, problem) for name, problem in found if problem]


def _parses(parse: object, value: str) -> bool:
    try:
        parse(value)  # type: ignore[operator]
    except (ValueError, InvalidOperation):
        return False
    return True
