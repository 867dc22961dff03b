"""A generated world whose every file carries faults of issue 8: no good row is lost, no bad one loads.

Two landing folders are derived from one clean world. `faulty` holds every record, some damaged
(a NUL byte, a stray opening quote, a field too many, a bare CR, a code not in its list), plus a line
holding only `\\.`, a 1 MB message and CRLF line ends. `expected` holds only the undamaged records.
Loaded into two databases, raw must hold the same rows in both, every damaged record must be in
raw.load_rejects with a reason, and loading the faulty world again must change nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg
import pytest

from aias_dagster.ingest.contract import SOURCES, Source, get_source
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.ingest.window import load_days
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.sample_data import generate_world
from tests.conftest import create_database, drop_database

BAD_CODES = {"country": "XX", "currency": "ABC", "agent_category": "space_lasers"}


@dataclass
class Faults:
    """What was done to one file: its damaged records, and why each must fail."""

    damaged: dict[str, str] = field(default_factory=dict)  # first line as rejects show it -> a word of the reason
    junk_lines: int = 0
    records: int = 0


def serialize(records: list[list[str]], terminator: str = "\n") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=terminator).writerows(records)
    return buffer.getvalue().encode("utf-8")


def shown(text: bytes) -> str:
    """A record's first line as raw.load_rejects shows it."""
    return text.split(b"\n")[0].decode("utf-8", "replace").replace("\x00", "\ufffd")


def damage(source: Source, header: list[str], records: list[list[str]], number: int) -> tuple[bytes, bytes, Faults]:
    """(faulty bytes, expected bytes, faults) of one file; `number` rotates which faults it gets."""
    faults = Faults(records=len(records))
    n = len(records)
    plain = [  # columns whose generated values need no quoting and are no key part
        i
        for i, name in enumerate(header)
        if name not in source.key and not source.column(name).free_text and source.column(name).required
    ]
    one_line = [i for i, record in enumerate(records) if not any("\n" in value for value in record)]

    def single(i: int) -> int:  # a stray quote or CR in a record over several lines rejects its lines one by one
        return next((j for j in one_line if j >= i), -1)

    chosen = {"nul": n // 5, "stray": single(n // 2), "code": (3 * n) // 4, "width": n - 1, "cr": single((2 * n) // 5)}
    if len(set(chosen.values())) < len(chosen):  # a small file: one or two faults, and good rows left
        chosen = {"nul": 0, "width": n - 1} if n > 3 else {"width": n - 1}
    lines: list[bytes] = []
    keep: list[list[str]] = []
    code_column = next((i for i, name in enumerate(header) if name in BAD_CODES), None)
    for index, record in enumerate(records):
        text = serialize([record]).rstrip(b"\n")
        before = dict(faults.damaged)
        if index == chosen.get("nul"):
            text = text.replace(b",", b",\x00", 1)
            faults.damaged[shown(text)] = "NUL"
        elif index == chosen.get("stray") and plain:
            value = record[plain[len(plain) // 2]].encode()
            at = text.find(b"," + value)
            text = text[: at + 1] + b'"' + text[at + 1 :]
            faults.damaged[shown(text)] = "quote"
        elif index == chosen.get("code") and code_column is not None:
            record = [*record]
            record[code_column] = BAD_CODES[header[code_column]]
            text = serialize([record]).rstrip(b"\n")
            faults.damaged[shown(text)] = "not"
        elif index == chosen.get("width"):
            text += b",one too many"
            faults.damaged[shown(text)] = "wrong number of fields"
        elif index == chosen.get("cr") and plain:
            value = record[plain[0]].encode()
            at = text.find(b"," + value)
            text = text[: at + 2] + b"\r" + text[at + 2 :]
            faults.damaged[shown(text)] = "carriage return"
        if faults.damaged == before:
            keep.append(record)
        lines.append(text)
    terminator = b"\r\n" if number % 2 else b"\n"
    body = [serialize([header]).rstrip(b"\n"), *lines]
    body.insert(2, b"\\.")  # Postgres 15 took this for the end of the data
    faults.junk_lines = 1
    faulty = terminator.join(body) + terminator
    return faulty, serialize([header, *keep]), faults


@dataclass(frozen=True)
class FaultWorld:
    faulty: Path
    expected: Path
    faults: dict[str, Faults]  # "<source>/<file name>" -> faults


@pytest.fixture(scope="module")
def fault_world(tmp_path_factory: pytest.TempPathFactory) -> FaultWorld:
    root = tmp_path_factory.mktemp("fault_world")
    generate_world(customers=120, days=5, seed=11, out=root / "clean", end=date(2026, 3, 5))
    faults: dict[str, Faults] = {}
    number = 0
    for source in SOURCES:
        for path in sorted((root / "clean" / source.name).glob("*.csv")):
            records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
            header, rows = records[0], records[1:]
            if source.name == "app_errors" and rows:  # one very long (valid) message
                rows[-2 if len(rows) > 2 else 0][header.index("message")] = "m" * (1 << 20)
            faulty, expected, file_faults = damage(source, header, rows, number)
            number += 1
            for folder, data in (("faulty", faulty), ("expected", expected)):
                target = root / folder / source.name / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            faults[f"{source.name}/{path.name}"] = file_faults
    return FaultWorld(root / "faulty", root / "expected", faults)


@pytest.fixture(scope="module")
def loaded(fault_world: FaultWorld, pg_server: ConnectionSettings) -> Iterator[tuple[str, str]]:
    """Database URLs with the faulty and the expected world loaded."""
    databases = [create_database(pg_server, prefix="aias_faulty"), create_database(pg_server, prefix="aias_expected")]
    try:
        for settings, landing in zip(databases, (fault_world.faulty, fault_world.expected), strict=True):
            load_all(settings.url, landing)
        yield databases[0].url, databases[1].url
    finally:
        for settings in databases:
            drop_database(pg_server, settings)


def load_all(url: str, landing: Path) -> None:
    with psycopg.connect(url) as conn:
        for source in SOURCES:
            load_days(conn, source, landing, delivery_days(landing, source.name))


def contents(url: str, table: str, columns: tuple[str, ...]) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(f"select {', '.join(columns)} from {table} order by 1, 2").fetchall()  # type: ignore[arg-type]


def test_every_file_of_the_world_carries_faults(fault_world: FaultWorld) -> None:
    assert len(fault_world.faults) >= 40
    empty = [name for name, f in fault_world.faults.items() if not f.junk_lines or (f.records and not f.damaged)]
    assert not empty, empty
    kinds = {word for f in fault_world.faults.values() for word in f.damaged.values()}
    assert kinds == {"NUL", "quote", "not", "wrong number of fields", "carriage return"}


@pytest.mark.parametrize("source", [s.name for s in SOURCES])
def test_every_good_row_of_a_faulty_world_is_in_raw(loaded: tuple[str, str], source: str) -> None:
    faulty, expected = loaded
    contract = get_source(source)
    for table in (contract.table, contract.history_table):
        assert contents(faulty, table, contract.column_names) == contents(expected, table, contract.column_names)
    assert contents(faulty, contract.table, contract.column_names)


def test_every_damaged_record_is_rejected_with_its_reason(fault_world: FaultWorld, loaded: tuple[str, str]) -> None:
    faulty, expected = loaded
    with psycopg.connect(faulty) as conn:
        rejects = conn.execute("select file, raw_line, reason from raw.load_rejects").fetchall()
        audits = conn.execute("select file, lines, loaded, rejected, physical_lines from raw.load_audit").fetchall()
    with psycopg.connect(expected) as conn:
        assert conn.execute("select count(*) from raw.load_rejects").fetchone() == (0,)

    by_file: dict[str, list[tuple[str, str]]] = {}
    for file, raw_line, reason in rejects:
        by_file.setdefault(file, []).append((raw_line, reason))
    for file, faults in fault_world.faults.items():
        found = by_file.get(file, [])
        assert len(found) == len(faults.damaged) + faults.junk_lines, (file, found)
        for first_line, word in faults.damaged.items():
            reasons = [reason for raw_line, reason in found if raw_line.split("\n")[0] == first_line]
            assert len(reasons) == 1 and word in reasons[0], (file, first_line, word, reasons)
    for file, lines, loaded_rows, rejected, physical_lines in audits:
        assert lines == loaded_rows + rejected and rejected == len(by_file[file]), file
        assert physical_lines == (fault_world.faulty / file).read_bytes().count(b"\n"), file


def test_loading_a_faulty_world_again_changes_nothing(fault_world: FaultWorld, loaded: tuple[str, str]) -> None:
    faulty, _ = loaded
    tables = [(s.table, s.column_names) for s in SOURCES] + [("raw.load_rejects", ("file", "line", "reason"))]
    before = [contents(faulty, table, columns) for table, columns in tables]
    load_all(faulty, fault_world.faulty)
    assert [contents(faulty, table, columns) for table, columns in tables] == before
