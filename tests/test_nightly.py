"""The nightly job's loaders and models through Dagster: a backfill of a range lands the same numbers as one run
per day.

Both sides start from the same history: the twelve days before, loaded by the real loader and built by
`dbt build` once, then copied (a template database), so the test pays for the history once instead of twice,
and the three Dagster runs it pays for (two nights, one backfill of both days) are the ones it compares. Two
nights are the fewest that show both properties: a backfill of a range equals one run per day, and a later
night reuses the first night's dbt parse. The job is nightly's selection without the pages and what reads the
calibrated CAC's intervals (acquisition's KPI, the scorecard) or the ticket model's predictions (its training
and what reads it, tests/support): whole rebuilds from the marts, built and checked on
the demo world (tests/scorecard, tests/dashboards), and three times here they were a third of this test's minutes.
The dbt tests' 578 checks stay out as well (numbers are compared here; the demo world's build and the UI module's
launched nightly run check them): with them the test took twice as long.
"""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from aias_dagster.acquisition.assets import INTERVALS
from aias_dagster.definitions import build_definitions
from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.window import load_days
from aias_dagster.orchestration.jobs import DAILY_ASSETS
from aias_dagster.orchestration.runs import InProcessRunner, run_days
from aias_dagster.platform.loops import DASHBOARDS
from aias_dagster.platform.warehouse import ConnectionSettings, project_root
from aias_dagster.sample_data import generate_world
from aias_dagster.support.assets import PREDICTIONS
from aias_dagster.transform.source_freshness import dbt_source_freshness
from tests.conftest import create_database, drop_database
from tests.dbt.support import Dbt
from tests.templates import drop_template, keep_as_template

pytestmark = [pytest.mark.slow, pytest.mark.long_pole(seconds=150)]

END = date(2026, 3, 14)
DAYS = 14
FIRST = END - timedelta(days=DAYS - 1)
LAST_NIGHTS = [END - timedelta(days=1), END]
COMPARED = ("marts.metrics_daily", "marts.cac_monthly")
AFTER_THE_MODELS = dg.AssetSelection.assets(INTERVALS, PREDICTIONS).downstream() | dg.AssetSelection.groups(
    DASHBOARDS.name
)
# The dbt tests' checks stay out (the demo world and the UI module's launched nightly run check them), the
# source-freshness check stays in: every night runs it, and it must not start dbt a second time.
FRESHNESS = dg.AssetSelection.checks(dbt_source_freshness)
NIGHT_OF_MODELS = dg.define_asset_job(
    "nightly_models", selection=(DAILY_ASSETS - AFTER_THE_MODELS).without_checks() | FRESHNESS
)


def definitions(settings: ConnectionSettings, landing: Path) -> dg.Definitions:
    return dg.Definitions.merge(build_definitions(settings.url, str(landing)), dg.Definitions(jobs=[NIGHT_OF_MODELS]))


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


def test_a_backfill_of_two_days_lands_the_same_numbers_as_two_nightly_runs(
    landing: Path, pg_server: ConnectionSettings, dbt_manifest: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    history = create_database(pg_server, prefix="aias_history")
    copies: list[ConnectionSettings] = []
    try:
        # The days before the nights, on the database both sides then copy.
        with psycopg.connect(history.url) as conn:
            days = [FIRST + timedelta(days=n) for n in range(DAYS - len(LAST_NIGHTS))]
            for source in SOURCES:
                load_days(conn, source, landing, days)
        built = Dbt(history, tmp_path_factory.mktemp("nightly_history") / "target")(
            "build", "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test"
        )
        assert built.returncode == 0, built.output[-3000:]
        keep_as_template(tmp_path_factory, pg_server, history)
        with dg.DagsterInstance.ephemeral() as instance:
            copies += [
                create_database(pg_server, p, template=history.dbname) for p in ("aias_nightly", "aias_backfill")
            ]
            nightly_db, backfill_db = copies

            nightly = InProcessRunner(definitions(nightly_db, landing), instance)
            nights = [run_days(nightly, NIGHT_OF_MODELS.name, day, day) for day in LAST_NIGHTS]
            backfill = InProcessRunner(definitions(backfill_db, landing), instance)
            run_days(backfill, NIGHT_OF_MODELS.name, LAST_NIGHTS[0], LAST_NIGHTS[-1])

        # After the first night against a database, dbt's saved parse of it serves every later night, whose
        # window differs (transform/parse_state.py): its dbt build parses nothing again. A night starts dbt
        # once: source freshness is one query of the check's own (transform/source_freshness.py).
        for n, night in enumerate(nights):
            logs = sorted((project_root() / "target").glob(f"*-{night.run_id[:8]}-*/dbt.log"))
            assert len(logs) == 1, logs
            assert n == 0 or "Unable to do partial parsing" not in logs[0].read_text(), logs[0]

        by_night, by_backfill = snapshot(nightly_db), snapshot(backfill_db)
        assert by_night["marts.metrics_daily"], "the nightly runs built no metrics"
        for name in (*COMPARED, "raw"):
            assert by_night[name] == by_backfill[name], name
    finally:
        for settings in copies:
            drop_database(pg_server, settings)
        drop_template(pg_server.url, history.dbname)
