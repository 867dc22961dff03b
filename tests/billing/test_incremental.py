"""The billing usage built night by night equals a full refresh of the same requests, and a night read again
changes nothing.

Each night loads one day's files and builds the usage with that delivery day as its window (as the Dagster job
passes it); the first night runs without a window, as a plain `dbt build` does, over the world's first days, loaded
before it. Some requests of the first night's day (in February) arrive in the third night's file (in March), so
that windowed night rebuilds an earlier day, of an earlier month, than its own. Three nights, one dbt invocation
each.
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
from tests.dbt.support import Dbt, query

pytestmark = [pytest.mark.slow]

DAYS = 5  # the world's; the first two are loaded before the first night
NIGHTS = 3
END = date(2026, 3, 2)  # across a month boundary: late requests of 28 February arrive on 2 March
START = END - timedelta(days=DAYS - 1)
USAGE = ("int_billing__usage_by_delivery", "api_usage_daily", "api_usage_monthly")
RUN = ("--select", " ".join(USAGE))
# The marks of what a build read and when differ by design between a night and a full refresh.
TABLES = {
    "int_billing__usage_by_delivery": "select * from intermediate.int_billing__usage_by_delivery",
    "api_usage_daily": "select customer_id, date_day, requests, billable_units, requests_4xx, requests_5xx"
    " from marts.api_usage_daily",
    "api_usage_monthly": "select month_start, is_complete_month, requests, billable_units, requests_4xx, requests_5xx"
    " from marts.api_usage_monthly",
}


def deliver_late(landing: Path, day: date, later: date, count: int = 10) -> None:
    """The first `count` requests of `day`'s file move to the file of `later`."""
    source, target = (landing / "api_requests" / f"{d}.csv" for d in (day, later))
    with source.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows[count:]])
    with target.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows[:count])


def snapshot(settings: ConnectionSettings) -> dict[str, list[tuple]]:
    return {name: sorted(query(settings, sql), key=str) for name, sql in TABLES.items()}


def window(day: date) -> tuple[date, date]:
    return day, day + timedelta(days=1)


def test_usage_built_night_by_night_equals_a_full_refresh_and_a_rerun_changes_nothing(
    billing_db: ConnectionSettings, tmp_path: Path
) -> None:
    database = billing_db  # its staging views and seeds built once per session (conftest.py)
    dbt = Dbt(database, tmp_path / "target")
    world = generate_world(customers=120, days=DAYS, seed=5, out=tmp_path / "landing", end=END)
    nights = [END - timedelta(days=NIGHTS - 1 - n) for n in range(NIGHTS)]
    deliver_late(world.out, nights[0], nights[2])
    written = []
    before = [START + timedelta(days=n) for n in range(DAYS - NIGHTS)]
    for n, day in enumerate(nights):
        with psycopg.connect(database.url) as conn:
            for source in ("customers", "api_requests"):
                load_days(conn, get_source(source), world.out, [*before, day] if n == 0 else [day])
        if n == 0:
            result = dbt("run", *RUN)  # no window: what is new since the last run
        else:
            result = dbt("run", *RUN, window=window(day))
            written.append((day, result.rows_affected("api_usage_daily")))
        assert result.returncode == 0, (day, result.output[-3000:])
    incremental = snapshot(database)
    rerun = dbt("build", *RUN, window=window(END))  # the last night again, with every test on what it wrote
    assert rerun.returncode == 0, rerun.output[-3000:]
    assert snapshot(database) == incremental

    refreshed = dbt("run", *RUN, "--full-refresh")
    assert refreshed.returncode == 0, refreshed.output[-3000:]
    full = snapshot(database)
    for name in TABLES:
        assert incremental[name] == full[name], (name, sorted(set(incremental[name]) ^ set(full[name]), key=str)[:3])
    # The late requests: the third night's delivery holds requests of the first night's day, which it rebuilt.
    late = query(
        database, "select count(*) from intermediate.int_billing__usage_by_delivery where date_day < _delivery_date"
    )
    assert late[0][0] > 0
    # The nights were incremental: each rewrote the days its delivery touched, not the history.
    for day, rows in written:
        touched = query(
            database,
            "select count(*) from marts.api_usage_daily where date_day in"
            " (select date_day from intermediate.int_billing__usage_by_delivery where _delivery_date = %s)",
            (day,),
        )[0][0]
        assert rows <= touched < len(full["api_usage_daily"]), (day, rows, touched)
    assert sum(rows for _, rows in written) > 0
