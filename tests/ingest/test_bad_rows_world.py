"""A generated world with every kind of bad row: the rejects match the generator's manifest line by line."""

from datetime import date
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.ingest.window import load_days
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.sample_data import generate_world

PROBLEM_WORDS = {  # the generator's problem code -> what the loader's reason says
    "missing_required": "missing required value",
    "bad_timestamp": "not an ISO 8601 timestamp",
    "bad_date": "not a date",
    "not_integer": "not an integer",
    "not_decimal": "not a decimal number",
    "below_minimum": "must be >",
    "out_of_range": "must be between",
    "bad_choice": "not one of",
    "bad_country": "not an ISO 3166-1 alpha-2",
    "bad_currency": "not an ISO 4217",
    "bad_json": "not a JSON object",
    "wrong_field_count": "wrong number of fields",
}


@pytest.fixture(scope="module")
def bad_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad_world")
    generate_world(customers=300, days=12, seed=3, out=root / "landing", end=date(2026, 3, 12), bad_rows=True)
    return root


def test_every_bad_row_is_rejected_for_its_field_and_every_line_is_accounted_for(
    bad_world: Path, database: ConnectionSettings
) -> None:
    landing = bad_world / "landing"
    manifest = pd.read_csv(bad_world / "ground_truth" / "bad_rows.csv", dtype=str, keep_default_na=False)
    assert set(manifest["problem"]) == set(PROBLEM_WORDS), "the world should hold every kind of bad row"

    with psycopg.connect(database.url) as conn:
        for source in SOURCES:
            report = load_days(conn, source, landing, delivery_days(landing, source.name))
            assert report.lines == report.loaded + report.rejected, source.name
        rejects = pd.DataFrame(
            conn.execute("select source, file, line, reason from raw.load_rejects").fetchall(),
            columns=["source", "file", "line", "reason"],
        )
        audit_lines, audit_loaded, audit_rejected = conn.execute(
            "select sum(lines), sum(loaded), sum(rejected) from raw.load_audit"
        ).fetchone()  # type: ignore[misc]

    assert audit_lines == audit_loaded + audit_rejected
    assert len(rejects) == len(manifest) == audit_rejected
    merged = manifest.assign(line=manifest["line"].astype(int)).merge(
        rejects, on=["source", "file", "line"], how="left"
    )
    unmatched = merged[merged["reason"].isna()]
    assert unmatched.empty, f"bad rows not rejected at their line:\n{unmatched.head()}"
    for row in merged.itertuples():
        assert PROBLEM_WORDS[row.problem] in row.reason, row
        if row.field:
            assert row.reason.startswith(f"{row.field}:") or f"; {row.field}:" in row.reason, row
