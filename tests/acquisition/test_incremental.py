"""Incremental acquisition models built day by day equal a full refresh of the same data.

The first build takes February's last days at once (the history a first load brings); then each nightly run
loads one day's files and builds with that delivery day as its window (passed as the Dagster job passes it);
the last nights run without a window, as a plain `dbt build` does. The world has
what makes incremental models hard: anonymous visits identified days later (retroactive stitching),
rows delivered a day or two late, customers converting after signup, a restated spend day and an
exchange rate that arrives late.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.sample_data import generate_world
from tests.acquisition.support import BUILD_MARTS, RUN_ACQUISITION, load_acquisition, query
from tests.dbt.support import Dbt

pytestmark = [pytest.mark.slow, pytest.mark.long_pole(seconds=80)]

# February's last days and March's first: a restatement and a late rate of a February day arrive in March,
# when nothing else changes February any more (the current month's days change every night: its mix
# behind the adjusted columns moves with each new customer).
DAYS = 10
END = date(2026, 3, 6)
START = END - timedelta(days=DAYS - 1)
FIRST_NIGHT = date(2026, 3, 1)  # the days before it are the first build's history
RESTATED_DAY, RESTATED_ON = date(2026, 2, 26), date(2026, 3, 4)
LATE_RATE_DAY, LATE_RATE_ON = date(2026, 2, 27), date(2026, 3, 3)
# Every table of the loop, in its grain's order. The `_processed_at` / `_..._processed_through` columns say
# when a build wrote or read a row, which differs between the two histories by design, and stay out.
SNAPSHOTS = {
    "metrics_daily": ("marts.metrics_daily", "date_day, channel"),
    "cac_monthly": ("marts.cac_monthly", "month_start, attribution_model, channel"),
    "touchpoints": ("intermediate.int_acquisition__touchpoints", "touchpoint_id"),
    "customer_paths": ("intermediate.int_acquisition__customer_paths", "customer_id, touchpoint_id"),
    "attribution": ("intermediate.int_acquisition__attribution", "customer_id, attribution_model, channel"),
    "daily_credits": ("intermediate.int_acquisition__daily_credits", "date_day, attribution_model, channel"),
}


def rewrite_csv(path: Path, edit: Callable[[list[list[str]]], list[list[str]]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows = edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def restate_spend(landing: Path) -> None:
    """The file of RESTATED_ON also carries a corrected amount for a campaign of RESTATED_DAY."""
    with (landing / "marketing_spend" / f"{RESTATED_DAY}.csv").open(newline="", encoding="utf-8") as handle:
        header, first, *_ = list(csv.reader(handle))
    corrected = dict(zip(header, first, strict=True)) | {"amount": "12345.67"}
    restating = landing / "marketing_spend" / f"{RESTATED_ON}.csv"
    rewrite_csv(restating, lambda rows: [*rows, [corrected[column] for column in rows[0]]])


def deliver_rate_late(landing: Path) -> None:
    """The EUR rate of LATE_RATE_DAY arrives only with the file of LATE_RATE_ON; until then EUR spend of that
    day falls back on the day before's rate."""
    moved: list[list[str]] = []

    def take(rows: list[list[str]]) -> list[list[str]]:
        moved.extend(r for r in rows[1:] if r[rows[0].index("currency")] == "EUR")
        return [r for r in rows if r not in moved]

    rewrite_csv(landing / "fx_rates" / f"{LATE_RATE_DAY}.csv", take)
    assert len(moved) == 1
    rewrite_csv(landing / "fx_rates" / f"{LATE_RATE_ON}.csv", lambda rows: [*rows, *moved])


def snapshot(settings: ConnectionSettings) -> dict[str, list[tuple]]:
    tables = {}
    for name, (table, order) in SNAPSHOTS.items():
        schema, relation = table.split(".")
        columns = query(
            settings,
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
            " and column_name not like '%%processed%%' order by ordinal_position",
            (schema, relation),
        )
        select = ", ".join(f'"{column}"' for (column,) in columns)
        tables[name] = query(settings, f"select {select} from {table} order by {order}")
    return tables


def window(day: date) -> tuple[date, date]:
    """The nightly run's window of one delivery day."""
    return day, day + timedelta(days=1)


def test_a_day_by_day_incremental_history_equals_a_full_refresh(
    database: ConnectionSettings, dbt: Dbt, tmp_path: Path
) -> None:
    world = generate_world(customers=300, days=DAYS, seed=11, out=tmp_path / "landing", end=END)
    restate_spend(world.out)
    deliver_rate_late(world.out)
    written_per_night: dict[str, list[int]] = {"touchpoints": [], "customer_paths": [], "attribution": []}

    for day in (START + timedelta(days=n) for n in range((FIRST_NIGHT - START).days)):
        load_acquisition(database, world.out, day)
    first = dbt("build", *BUILD_MARTS, window=(START, FIRST_NIGHT))  # creates seeds, views and tables
    assert first.returncode == 0, first.output
    for offset in range((END - FIRST_NIGHT).days + 1):
        day = FIRST_NIGHT + timedelta(days=offset)
        load_acquisition(database, world.out, day)
        if day < END - timedelta(days=1):
            result = dbt("run", *RUN_ACQUISITION, window=window(day))
            for name, written in written_per_night.items():
                written.append(result.rows_affected(f"int_acquisition__{name}"))
        else:
            result = dbt("run", *RUN_ACQUISITION)  # no window: what is new since the last run
        assert result.returncode == 0, (day, result.output)
    checked = dbt("build", *BUILD_MARTS)  # every test and reconciliation on the incremental history
    assert checked.returncode == 0, checked.output
    incremental = snapshot(database)

    refreshed = dbt("run", *RUN_ACQUISITION, "--full-refresh")
    assert refreshed.returncode == 0, refreshed.output
    full = snapshot(database)

    for name in SNAPSHOTS:
        only_incremental = sorted(set(incremental[name]) - set(full[name]), key=str)[:3]
        only_full = sorted(set(full[name]) - set(incremental[name]), key=str)[:3]
        assert incremental[name] == full[name], (name, only_incremental, only_full)
    assert len(full["metrics_daily"]) == DAYS * 10
    # The nights really were incremental: each wrote a small part of the touchpoints, paths and credits.
    for name, written in written_per_night.items():
        assert 0 < max(written) < len(full[name]) / 4, (name, written, len(full[name]))
    # The restated amount and the late rate reached the mart.
    (restated,) = query(
        database,
        f"select count(*) from staging.stg_platform__marketing_spend"
        f" where spend_date = '{RESTATED_DAY}' and amount = 12345.67",
    )
    assert restated == (1,)
    (fallbacks,) = query(database, "select count(*) from intermediate.int_acquisition__spend_usd where is_earlier_rate")
    assert fallbacks == (0,)


def test_a_new_channel_mapping_version_reclassifies_every_stored_touchpoint(
    database: ConnectionSettings, dbt: Dbt, tmp_path: Path
) -> None:
    world = generate_world(customers=100, days=5, seed=3, out=tmp_path / "landing", end=END)
    load_acquisition(database, world.out)
    built = dbt("build", *BUILD_MARTS, "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")
    assert built.returncode == 0, built.output
    # Version 2: Google Ads clicks become their own channel. Written to the seed's table directly, as
    # `dbt seed` would after a new version lands in the CSV.
    with psycopg.connect(database.url) as conn:
        conn.execute(
            """
            insert into seeds.channel_mapping
            select 2, priority, utm_source_pattern, utm_medium_pattern, referrer_domain_pattern,
                   case when priority = 10 then 'google_ads' else channel end, note
            from seeds.channel_mapping where version = 1
            """
        )

    rerun = dbt("run", *RUN_ACQUISITION)  # no new data at all
    assert rerun.returncode == 0, rerun.output
    incremental = snapshot(database)
    refreshed = dbt("run", *RUN_ACQUISITION, "--full-refresh")
    assert refreshed.returncode == 0, refreshed.output

    assert incremental == snapshot(database)
    versions = query(database, "select distinct channel_mapping_version from intermediate.int_acquisition__touchpoints")
    assert versions == [(2,)]
    (google_days,) = query(database, "select count(*) from marts.metrics_daily where channel = 'google_ads'")
    assert google_days == (5,)
