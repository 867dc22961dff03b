"""The nightly job through Dagster: a backfill of a range lands the same numbers as one run per day."""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from aias_dagster.cli.runner import InProcessRunner, run_days
from aias_dagster.definitions import build_definitions
from aias_dagster.orchestration.jobs import NIGHTLY_JOB
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.sample_data import generate_world
from tests.conftest import create_database, drop_database

pytestmark = pytest.mark.slow

END = date(2026, 3, 14)
DAYS = 14
FIRST = END - timedelta(days=DAYS - 1)
COMPARED = ("marts.metrics_daily", "marts.cac_monthly")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nightly_world")
    generate_world(customers=250, days=DAYS, seed=5, out=root / "landing", end=END)
    return root / "landing"


def snapshot(settings: ConnectionSettings) -> dict[str, list[tuple]]:
    with psycopg.connect(settings.url) as conn:
        tables = {name: conn.execute(f"select * from {name} order by 1, 2, 3").fetchall() for name in COMPARED}
        tables["raw"] = conn.execute(
            "select source, sum(loaded), sum(rejected) from raw.load_audit group by 1 order by 1"
        ).fetchall()
    return tables


def test_a_three_day_backfill_lands_the_same_numbers_as_three_nightly_runs(
    landing: Path, pg_server: ConnectionSettings, dbt_manifest: Path
) -> None:
    nightly_db, backfill_db = create_database(pg_server), create_database(pg_server)
    last_three = [END - timedelta(days=2), END - timedelta(days=1), END]
    try:
        with dg.instance_for_test() as instance:
            nightly = InProcessRunner(build_definitions(nightly_db.url, str(landing)), instance)
            run_days(nightly, NIGHTLY_JOB, FIRST, last_three[0] - timedelta(days=1))
            for day in last_three:
                run_days(nightly, NIGHTLY_JOB, day, day)

            backfill = InProcessRunner(build_definitions(backfill_db.url, str(landing)), instance)
            run_days(backfill, NIGHTLY_JOB, FIRST, last_three[0] - timedelta(days=1))
            run_days(backfill, NIGHTLY_JOB, last_three[0], last_three[-1])

        by_night, by_backfill = snapshot(nightly_db), snapshot(backfill_db)
        assert by_night["marts.metrics_daily"], "the nightly runs built no metrics"
        for name in (*COMPARED, "raw"):
            assert by_night[name] == by_backfill[name], name
    finally:
        drop_database(pg_server, nightly_db)
        drop_database(pg_server, backfill_db)
