"""A copy of the bench world with 1 % of its records damaged: the loader's speed when files are not clean.

Every hundredth record of each file gets one field replaced by a value the contract rejects, the column
and defect taken in turn from the defects the generator's `--bad-rows` injects (sample_data/bad_rows.py):
an empty required value, a timestamp or date that is not one, a number that is not one or is out of its
range, a choice, country, currency or JSON value that is not allowed. Each damaged record is still one
well-formed CSV record (a wrong number of fields would send the whole file to the strict reader, a different
path, measured by the fault tests instead), so the loader must reject exactly the damaged records and load all
the others.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np

from aias_dagster.ingest.contract import Source, get_source
from aias_dagster.sample_data.bad_rows import PROBLEMS, bad_value, problem_columns
from aias_dagster.sample_data.landing_world import WORLD_MARKER

DAMAGE_EVERY = 100
DAMAGE_SEED = 100  # the defects' values are drawn once per file, the same on every run


def damage_targets(source: Source, header: list[str]) -> list[tuple[int, str]]:
    """Each (field index, bad value) the damage takes in turn: every defect of bad_rows.py that a field of this
    file can carry (the generator's `--bad-rows` defects, one table of them), except a wrong number of fields."""
    rng = np.random.default_rng(DAMAGE_SEED)
    return [
        (header.index(name), bad_value(rng, problem, source.column(name), ""))
        for problem in PROBLEMS
        if problem != "wrong_field_count"
        for name in problem_columns(source, problem)
        if name in header
    ]


def damage_file(source_name: str, source: Path, target: Path) -> int:
    """Copy source to target with every DAMAGE_EVERY-th record damaged; returns the records damaged."""
    contract = get_source(source_name)
    damaged = 0
    with source.open(newline="", encoding="utf-8") as reading, target.open("w", newline="", encoding="utf-8") as out:
        records = csv.reader(reading)
        writer = csv.writer(out, lineterminator="\n")
        header = next(records)
        writer.writerow(header)
        targets = damage_targets(contract, header)
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
