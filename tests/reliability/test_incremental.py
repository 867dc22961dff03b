"""The reliability loop's classification built night by night equals a full refresh, and a new normaliser or rules
version re-keys every stored row.

int_reliability__classified_errors and int_reliability__previous_fingerprints normalise only the errors delivered
in a night's window (the normaliser's 29 regular expressions per message are the loop's cost). Each night loads one
day's app_errors file and runs with that delivery day as its window, as the Dagster job passes it; the first run
and the last night run without a window, as a plain `dbt run` does. One error of the first night comes again in the
second night's file, resolved and with another message: the window must replace its row, not add one. Then, on a
night with nothing delivered, a new rules version and a new normaliser version must each rewrite every row. One
world and one dbt project for both, so the test pays dbt's full parse once (about 15 s in all).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.window import load_days
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.sample_data import generate_world
from tests.dbt.support import Dbt, project_copy, query

pytestmark = [pytest.mark.slow]

DAYS = 5  # the world's; the days before the first night are loaded before the first run
NIGHTS = 3
END = date(2026, 3, 2)
START = END - timedelta(days=DAYS - 1)
CLASSIFIED, PREVIOUS = "int_reliability__classified_errors", "int_reliability__previous_fingerprints"
MODELS = (CLASSIFIED, PREVIOUS, "int_reliability__remediations", "error_events", "error_fingerprint_versions")
FIRST_BUILD = (
    "build", "--select", "error_category_rules", "stg_platform__app_errors", *MODELS,
    "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
)  # fmt: skip
RUN = ("run", "--select", *MODELS)
# Cautious: the relationships tests to the marts after these (error_groups) stay out.
RERUN = ("build", "--select", *MODELS, "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test")
# `_processed_at` (when a build wrote the row) differs between the two histories by design and stays out.
TABLES = {
    CLASSIFIED: f"select * from intermediate.{CLASSIFIED}",
    PREVIOUS: f"select * from intermediate.{PREVIOUS}",
    "error_events": "select * from marts.error_events",
    "error_fingerprint_versions": "select * from marts.error_fingerprint_versions",
}
REDELIVERED_MESSAGE = "upstream connect error or disconnect/reset before headers. reset reason: connection timeout"


def snapshot(settings: ConnectionSettings) -> dict[str, list[tuple]]:
    tables = {}
    with psycopg.connect(settings.url) as conn:
        for name, sql in TABLES.items():
            cursor = conn.execute(sql)
            kept = [i for i, column in enumerate(cursor.description or ()) if column.name != "_processed_at"]
            tables[name] = sorted((tuple(row[i] for i in kept) for row in cursor.fetchall()), key=str)
    return tables


def redeliver_resolved(landing: Path, day: date, later: date) -> str:
    """The first error of `day`'s file comes again in `later`'s file, resolved, with another message."""
    with (landing / "app_errors" / f"{day}.csv").open(newline="", encoding="utf-8") as handle:
        header, first, *_ = list(csv.reader(handle))
    again = dict(zip(header, first, strict=True))
    again |= {"resolved_at": again["occurred_at"], "message": REDELIVERED_MESSAGE}
    with (landing / "app_errors" / f"{later}.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow([again[column] for column in header])
    return again["error_id"]


def load(settings: ConnectionSettings, landing: Path, days: list[date]) -> None:
    with psycopg.connect(settings.url) as conn:
        load_days(conn, get_source("app_errors"), landing, days)


def window(day: date) -> tuple[date, date]:
    return day, day + timedelta(days=1)


def with_new_normaliser_version(project: Path) -> None:
    """Version 5 of the normaliser: version 4's steps under a new number, so every fingerprint changes."""
    macro = project / "dbt_project" / "macros" / "reliability" / "normalise_error_message.sql"
    text = macro.read_text()
    assert text.count("{%- elif version == 4 -%}") == 1 and text.count("error_normaliser_version() -%}\n    4\n") == 1
    text = text.replace("{%- elif version == 4 -%}", "{%- elif version in (4, 5) -%}")
    macro.write_text(text.replace("error_normaliser_version() -%}\n    4\n", "error_normaliser_version() -%}\n    5\n"))


def with_new_rules_version(settings: ConnectionSettings) -> int:
    """The newest rules again as a new version, written to the seed's table as `dbt seed` would write it."""
    with psycopg.connect(settings.url) as conn:
        conn.execute(
            "insert into seeds.error_category_rules select version + 1, priority, category, class_pattern,"
            " message_pattern, status_min, status_max, note from seeds.error_category_rules"
            " where version = (select max(version) from seeds.error_category_rules)"
        )
        return conn.execute("select max(version) from seeds.error_category_rules").fetchone()[0]  # type: ignore[index]


def test_errors_classified_night_by_night_equal_a_full_refresh_and_a_new_version_rekeys_every_one(
    database: ConnectionSettings, tmp_path: Path
) -> None:
    project = project_copy(tmp_path / "project")  # the normaliser's version changes at the end
    dbt = Dbt(database, tmp_path / "target", project_dir=project)
    world = generate_world(customers=300, days=DAYS, seed=13, out=tmp_path / "landing", end=END)
    nights = [END - timedelta(days=NIGHTS - 1 - n) for n in range(NIGHTS)]
    redelivered = redeliver_resolved(world.out, nights[0], nights[1])
    load(database, world.out, [START + timedelta(days=n) for n in range(DAYS - NIGHTS)])
    first = dbt(*FIRST_BUILD)  # no window: the history so far, and the seed and the view
    assert first.returncode == 0, first.output[-3000:]
    written = []
    for n, day in enumerate(nights):
        load(database, world.out, [day])
        last = n == NIGHTS - 1
        result = dbt(*RUN) if last else dbt(*RUN, window=window(day))  # the last: what is new since the last run
        assert result.returncode == 0, (day, result.output[-3000:])
        written.append(result.rows_affected(CLASSIFIED))
    incremental = snapshot(database)
    rerun = dbt(*RERUN, window=window(END))  # the last night again, with the models' tests
    assert rerun.returncode == 0, rerun.output[-3000:]
    assert snapshot(database) == incremental

    refreshed = dbt(*RUN, "--full-refresh")
    assert refreshed.returncode == 0, refreshed.output[-3000:]
    full = snapshot(database)
    for name in TABLES:
        assert incremental[name] == full[name], (name, sorted(set(incremental[name]) ^ set(full[name]), key=str)[:3])
    # The redelivered error has one row, its second version's.
    ((rows, resolved, message),) = query(
        database,
        f"select count(*), bool_and(resolved_at is not null), max(message) from intermediate.{CLASSIFIED}"
        " where error_id = %s",
        (redelivered,),
    )
    assert (rows, resolved, message) == (1, True, REDELIVERED_MESSAGE)
    # Each windowed night classified its day's errors, not the history; the last, without a window, what was
    # delivered since the newest day it held, less a day.
    errors = len(full[CLASSIFIED])
    *windowed, plain = written
    assert 0 < max(windowed) < errors / 4 and plain < errors, (written, errors)

    # A new version, on a night with nothing delivered, re-keys every stored error. One error has left raw since
    # (a redelivery of its day without it): the run that rebuilds every row must not keep it either.
    (gone,) = query(database, "delete from raw.app_errors where error_id = %s returning error_id", (redelivered,))
    nothing = window(END + timedelta(days=1))
    rules_version = with_new_rules_version(database)
    night = dbt(*RUN, window=nothing)
    assert night.returncode == 0, night.output[-3000:]
    assert (night.rows_affected(CLASSIFIED), night.rows_affected(PREVIOUS)) == (errors - 1, 0)
    assert query(database, f"select distinct rules_version from intermediate.{CLASSIFIED}") == [(rules_version,)]

    with_new_normaliser_version(project)
    night = dbt(*RUN, window=nothing)
    assert night.returncode == 0, night.output[-3000:]
    assert (night.rows_affected(CLASSIFIED), night.rows_affected(PREVIOUS)) == (errors - 1,) * 2
    rekeyed = snapshot(database)
    refreshed = dbt(*RUN, "--full-refresh")
    assert refreshed.returncode == 0, refreshed.output[-3000:]
    assert rekeyed == snapshot(database)
    versions = query(
        database,
        f"select distinct c.normaliser_version, c.rules_version, p.previous_normaliser_version, c.error_id = %s"
        f" from intermediate.{CLASSIFIED} as c full join intermediate.{PREVIOUS} as p using (error_id)",
        gone,
    )
    assert versions == [(5, rules_version, 4, False)]
    # The change is recorded, every error's version-4 fingerprint to its version-5 one.
    assert query(database, "select sum(events) from marts.error_fingerprint_versions") == [(errors - 1,)]
