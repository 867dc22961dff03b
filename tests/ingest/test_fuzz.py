"""Property: whatever a landing file's bytes, the loader loads it with every record counted, or fails naming it.

Hypothesis writes a small valid file of a random source, damages it at random (bytes, quotes, line
ends, field counts, encodings, gzip damage) and loads it. Every file either loads with
lines = loaded + rejected, its physical lines counted as an independent count finds them and every
reject stored, or fails with one LandingError line that names the file: never a traceback, never a
silent drop. Where Python's csv module reads the damaged file strictly as well, the loader finds the
same number of records.

A few dozen examples run with the suite; `make fuzz` runs many more (AIAS_FUZZ_EXAMPLES), and
docs/loader_fuzzing.md keeps its last figures.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import os
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aias_dagster.ingest.contract import SOURCE_NAMES, get_source
from aias_dagster.ingest.landing import LandingError
from aias_dagster.ingest.loader import load_file
from aias_dagster.platform.warehouse import ConnectionSettings
from tests.conftest import create_database, drop_database
from tests.ingest.files import row, write_landing

EXAMPLES = int(os.environ.get("AIAS_FUZZ_EXAMPLES", "40"))
DAYS = itertools.count()

TEXTS = ("plain", "with, comma", 'say "hi"', "two\nlines", "crlf\r\nlines", "", "ünïcødé ✓", "\\.")
TOKENS = (b'"', b",", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xc3", b"\\.\n", b'""', b',"', b'",')


@pytest.fixture(scope="module")
def fuzz_conn(pg_server: ConnectionSettings) -> Iterator[psycopg.Connection]:
    settings_ = create_database(pg_server, prefix="aias_fuzz")
    try:
        with psycopg.connect(settings_.url) as conn:
            yield conn
    finally:
        drop_database(pg_server, settings_)


@st.composite
def landing_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid file of a random source, as bytes: a few rows, free-text columns with awkward text."""
    source = get_source(draw(st.sampled_from(SOURCE_NAMES)))
    rows = []
    for n in range(draw(st.integers(1, 12))):
        values = row(source.name, n)
        if source.name == "fx_rates":  # its key has no id to number: vary the currency instead
            values["currency"] = ("EUR", "GBP", "JPY", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "AUD", "CAD")[n]
        for column in source.columns:
            if column.free_text:
                values[column.name] = draw(st.sampled_from(TEXTS)) or "x"
        rows.append(values)
    with tempfile.TemporaryDirectory() as folder:
        path = write_landing(Path(folder), source.name, date(2026, 3, 1), rows)
        return source.name, path.read_bytes()


def mutation() -> st.SearchStrategy:
    position = st.floats(0, 1)
    return st.one_of(
        st.tuples(st.just("insert"), position, st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=4)),
        st.tuples(st.just("delete"), position, st.integers(1, 8)),
        st.tuples(st.just("flip"), position, st.integers(1, 255)),
        st.tuples(st.just("line_ends"), st.sampled_from([b"\r\n", b"\r"]), st.just(0)),
        st.tuples(st.just("encoding"), st.sampled_from(["latin-1", "utf-16", "utf-8-sig"]), st.just(0)),
        st.tuples(st.just("field_count"), position, st.booleans()),
    )


def mutate(data: bytes, change: tuple) -> bytes:
    kind, where, what = change
    at = int(where * len(data)) if isinstance(where, float) else 0
    if kind == "insert":
        return data[:at] + what + data[at:]
    if kind == "delete":
        return data[:at] + data[at + what :]
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ what]) + data[at + 1 :] if at < len(data) else data
    if kind == "line_ends":
        return data.replace(b"\n", where)
    if kind == "encoding":
        if where == "utf-8-sig":
            return b"\xef\xbb\xbf" + data
        return data.decode("utf-8", "replace").encode(where, "replace")
    if kind == "field_count":  # a comma more or less on the line at `where`
        line = data.find(b"\n", at)
        comma = data.find(b",", line + 1)
        if comma < 0:
            return data
        return data[:comma] + (b",," if what else b"") + data[comma + 1 :]
    raise ValueError(kind)


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (not data.endswith(b"\n"))


def csv_records(data: bytes, source: str) -> int | None:
    """Records as Python's csv module counts them, where its reading and the contract's agree, else None.

    They differ on purpose where csv reads a bare CR as a line end (the contract: data), where a
    quoted line break sits outside a free-text column and where a quote sits inside an unquoted field
    (the contract: a stray quote, whose line is rejected and the lines after it read again).
    """
    text = data.decode("utf-8", "surrogateescape")
    if "\r" in text.replace("\r\n", ""):
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None
    if not records:
        return None
    header = [name.strip().lstrip("\ufeff") for name in records[0]]
    contract = get_source(source)
    free = {i for i, name in enumerate(header) if name in contract.column_names and contract.column(name).free_text}
    for record in records[1:]:
        if any(("\n" in value or "\r" in value) and i not in free for i, value in enumerate(record)):
            return None
        if any('"' in value and '"' + value.replace('"', '""') + '"' not in text for value in record):
            return None
    return len(records) - 1


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    landing_bytes(),
    st.lists(mutation(), min_size=1, max_size=4),
    st.booleans(),
    st.sampled_from([None, "truncate", "flip"]),
)
def test_every_damaged_file_loads_with_every_record_counted_or_fails_naming_it(
    fuzz_conn: psycopg.Connection,
    file: tuple[str, bytes],
    changes: list[tuple],
    gz: bool,
    gzip_damage: str | None,
) -> None:
    source_name, data = file
    for change in changes:
        data = mutate(data, change)
    day = date(2020, 1, 1) + timedelta(days=next(DAYS))
    stored = gzip.compress(data, mtime=0) if gz else data
    if gz and gzip_damage == "truncate":
        stored = stored[: len(stored) * 2 // 3]
    elif gz and gzip_damage == "flip":
        stored = stored[:12] + bytes([stored[12] ^ 0x55]) + stored[13:]
    conn = fuzz_conn

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / source_name / f"{day.isoformat()}.csv{'.gz' if gz else ''}"
        path.parent.mkdir()
        path.write_bytes(stored)
        try:
            result = load_file(conn, get_source(source_name), path)
        except LandingError as exc:
            message = str(exc)
            assert str(path) in message and "\n" not in message, message
            assert conn.execute("select 1").fetchone() == (1,)  # the connection is left usable
            return

    assert result.lines == result.loaded + result.rejected
    assert result.physical_lines == physical_lines(data)
    assert result.physical_lines >= result.lines + 1
    stored_rejects, audit = conn.execute(
        "select (select count(*) from raw.load_rejects where source = %(s)s and delivery_date = %(d)s), "
        "(select array[lines, loaded, rejected, physical_lines] from raw.load_audit "
        " where source = %(s)s and delivery_date = %(d)s)",
        {"s": source_name, "d": day},
    ).fetchone()  # type: ignore[misc]
    assert stored_rejects == result.rejected
    table = get_source(source_name)
    kept = conn.execute(
        f"select (select count(*) from {table.table} where _delivery_date = %(d)s)"  # type: ignore[arg-type]
        f" + (select count(*) from {table.history_table} where _delivery_date = %(d)s)",
        {"d": day},
    ).fetchone()[0]  # type: ignore[index]
    assert (kept > 0) == (result.loaded > 0) and kept <= result.loaded  # fewer only where a key repeats
    assert audit == [result.lines, result.loaded, result.rejected, result.physical_lines]
    # Each record starts on a line of its own: a reject's line is no other record's.
    starts = conn.execute(
        f"select line from raw.load_rejects where source = %(s)s and delivery_date = %(d)s "  # type: ignore[arg-type]
        f"union all select _source_line from {table.table} where _delivery_date = %(d)s "
        f"union all select _source_line from {table.history_table} where _delivery_date = %(d)s",
        {"s": source_name, "d": day},
    ).fetchall()
    assert len(starts) == len(set(starts))
    assert all(2 <= line <= result.physical_lines for (line,) in starts)
    expected = csv_records(data, source_name)
    if expected is not None:
        assert result.lines == expected
