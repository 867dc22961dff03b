"""The product models built night by night equal a full refresh of the same data, on every table of the loop.

Each night loads one day's files and builds the loop with that delivery day as its window (passed as the
Dagster job passes it); the last two nights run without a window, as a plain `dbt build` does, and the very
last is that `dbt build`, so every data test runs on the incremental history without a build of its own.
The world has what makes the windows hard: events delivered a day or two late (the generator's), one
account's first use of a feature delivered five days late (it moves that account's adoption day back),
beta use before a release, and a month boundary. Seven nights hold all of that; each is one dbt
invocation (dbt's saved parse is reused: the window is no var), so the test costs a night per day.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.sample_data import generate_world
from aias_dagster.sample_data.world import FEATURE_NAMES
from tests.dbt.support import Dbt, query
from tests.product.support import BUILD_MARTS, MARTS, RUN_PRODUCT, load_product

pytestmark = [pytest.mark.slow, pytest.mark.long_pole(seconds=65)]

DAYS = 7
END = date(2026, 3, 5)  # the five-days-late first use arrives on the last night
START = END - timedelta(days=DAYS - 1)
VERY_LATE_FROM, VERY_LATE_ON = date(2026, 2, 28), date(2026, 3, 5)
TABLES = {name: f"marts.{name}" for name in MARTS} | {"activity_days": "intermediate.int_product__activity_days"}


def deliver_a_first_use_a_week_late(landing: Path) -> tuple[str, str]:
    """The events of VERY_LATE_FROM of an account that first used a feature that day, of that feature, move to
    the file of VERY_LATE_ON; returns the account and the feature."""
    source, target = (landing / "product_events" / f"{d}.csv" for d in (VERY_LATE_FROM, VERY_LATE_ON))
    earlier = set()
    for path in sorted((landing / "product_events").glob("*.csv")):
        if path.name < source.name:
            with path.open(newline="", encoding="utf-8") as handle:
                earlier |= {(r["customer_id"], r["feature"].strip().lower()) for r in csv.DictReader(handle)}
    with source.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    feature, customer = header.index("feature"), header.index("customer_id")
    account, used = next(
        (r[customer], r[feature])
        for r in rows
        if r[feature] in FEATURE_NAMES and (r[customer], r[feature]) not in earlier
    )
    moved = [r for r in rows if r[feature].strip().lower() == used and r[customer] == account]
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *(r for r in rows if r not in moved)])
    with target.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(moved)
    return account, used


def snapshot(settings: ConnectionSettings) -> dict[str, list[tuple]]:
    """Every row of every table, without the marks of what a build had read (they differ by design)."""
    tables = {}
    for name, table in TABLES.items():
        schema, relation = table.split(".")
        columns = query(
            settings,
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
            " and column_name not like '%%delivered_through' order by ordinal_position",
            (schema, relation),
        )
        select = ", ".join(f'"{column}"' for (column,) in columns)
        tables[name] = sorted(query(settings, f"select {select} from {table}"), key=str)
    return tables


def window(day: date) -> tuple[date, date]:
    """The nightly run's window of one delivery day."""
    return day, day + timedelta(days=1)


def test_a_night_by_night_history_equals_a_full_refresh(database: ConnectionSettings, dbt: Dbt, tmp_path: Path) -> None:
    world = generate_world(customers=150, days=DAYS, seed=5, out=tmp_path / "landing", end=END)
    account, feature = deliver_a_first_use_a_week_late(world.out)
    written: list[tuple[date, int]] = []
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        load_product(database, world.out, day)
        if offset == 0:
            result = dbt("build", *BUILD_MARTS, window=window(day))
        elif offset < DAYS - 2:
            result = dbt("run", *RUN_PRODUCT, window=window(day))
            written.append((day, result.rows_affected("int_product__activity_days")))
        elif offset < DAYS - 1:
            result = dbt("run", *RUN_PRODUCT)  # no window: what is new since the last run
        else:
            result = dbt("build", *BUILD_MARTS)  # the same, and every test on the incremental history
        assert result.returncode == 0, (day, result.output[-3000:])
    incremental = snapshot(database)

    refreshed = dbt("run", *RUN_PRODUCT, "--full-refresh")
    assert refreshed.returncode == 0, refreshed.output[-3000:]
    full = snapshot(database)

    for name in TABLES:
        only_incremental = sorted(set(incremental[name]) - set(full[name]), key=str)[:3]
        only_full = sorted(set(full[name]) - set(incremental[name]), key=str)[:3]
        assert incremental[name] == full[name], (name, only_incremental, only_full)
    # Seven features released by then, a daily row each per day; February and March (workflows from its release month).
    assert len(full["feature_adoption_monthly"]) > 8 and len(full["feature_adoption_daily"]) == 7 * DAYS
    # The nights were incremental: each wrote no more than its window's delivery days (the day, and the day
    # before that the window is padded by) of the activity, never the history.
    for day, rows in written:
        window_rows = query(
            database,
            "select count(*) from intermediate.int_product__activity_days where _delivery_date between %s and %s",
            (day - timedelta(days=1), day),
        )[0][0]
        assert 0 < rows <= window_rows < len(full["activity_days"]), (day, rows, window_rows)
    # The week-late first use reached the account's adoption.
    first = query(
        database,
        "select first_used_date from marts.feature_first_use where customer_id = %s and feature = %s",
        (account, feature),
    )[0]
    assert first == (VERY_LATE_FROM,)
