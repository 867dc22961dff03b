"""A copy of the bench world with 1 % of its records damaged: the loader's speed when files are not clean.

Every hundredth record of each file gets one field replaced by a value the contract rejects, the column
and defect taken in turn from the source's columns: an empty required value, a timestamp or date that
has the right shape but is not on the calendar, a number that is not one, a choice, code or JSON value
that is not allowed. Each damaged record is still one well-formed CSV record (a wrong number of fields
would send the whole file to the strict reader, a different path, measured by the fault tests instead),
so the loader must reject exactly the damaged records and load all the others.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from aias_dagster.ingest.contract import Column, Kind, get_source
from aias_dagster.sample_data.landing_world import WORLD_MARKER

DAMAGE_EVERY = 100
BAD_VALUES: dict[Kind, str] = {
    Kind.TIMESTAMP: "2026-13-01T00:00:00Z",
    Kind.DATE: "2026-02-30",
    Kind.INTEGER: "1.5",
    Kind.DECIMAL: "ten",
    Kind.CHOICE: "space_lasers",
    Kind.COUNTRY: "XX",
    Kind.CURRENCY: "ABC",
    Kind.JSON_OBJECT: "[1, 2]",
}


def bad_value(column: Column) -> str | None:
    """A value of column the contract rejects, or None when it accepts anything (optional free text)."""
    if column.kind in BAD_VALUES:
        return BAD_VALUES[column.kind]
    return "" if column.required and column.default is None else None


def damage_file(source_name: str, source: Path, target: Path) -> int:
    """Copy source to target with every DAMAGE_EVERY-th record damaged; returns the records damaged."""
    contract = get_source(source_name)
    damaged = 0
    with source.open(newline="", encoding="utf-8") as reading, target.open("w", newline="", encoding="utf-8") as out:
        records = csv.reader(reading)
        writer = csv.writer(out, lineterminator="\n")
        header = next(records)
        writer.writerow(header)
        targets = [(i, bad) for i, name in enumerate(header) if (bad := bad_value(contract.column(name))) is not None]
        for number, record in enumerate(records, start=1):
            if number % DAMAGE_EVERY == 0:
                index, bad = targets[damaged % len(targets)]
                record[index] = bad
                damaged += 1
            writer.writerow(record)
    return damaged


def damaged_world(landing: Path, target: Path, files: list[tuple[str, Path]]) -> int:
    """target holds the damaged copy of landing's world (made once per world); returns the records damaged."""
    marker = target / WORLD_MARKER
    world = (landing / WORLD_MARKER).read_text()
    if marker.exists() and json.loads(marker.read_text()).get("world") == world:
        return int(json.loads(marker.read_text())["damaged"])
    if target.exists():
        shutil.rmtree(target)
    damaged = 0
    for source_name, path in files:
        copy = target / path.relative_to(landing)
        copy.parent.mkdir(parents=True, exist_ok=True)
        damaged += damage_file(source_name, path, copy)
    marker.write_text(json.dumps({"world": world, "damaged": damaged}) + "\n")
    return damaged
