"""A product_events landing file dropped into the landing folder reaches marts.feature_adoption_daily within the
sensor's interval plus one build: the sensor, its job and dbt run for real, in process, on a world's database.

The daemon of `make ui` ticks the sensor every INTERVAL_SECONDS; here the test ticks it itself right after the
drop, so what it measures is the run (load, dbt build of the loop's models); the interval is added to it.
"""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from aias_dagster.definitions import build_definitions
from aias_dagster.orchestration.runs import RANGE_END_TAG, RANGE_START_TAG
from aias_dagster.platform.resources import LandingResource, WarehouseResource
from aias_dagster.product.jobs import NEAR_REAL_TIME_JOB
from aias_dagster.product.sensors import INTERVAL_SECONDS, SENSOR_NAME
from aias_dagster.sample_data import generate_world
from tests.dbt.support import Dbt, query
from tests.product.support import BUILD_MARTS, load_product

pytestmark = [pytest.mark.slow, pytest.mark.long_pole(seconds=40)]

END = date(2026, 3, 5)
# What the near-real-time path must stay under, beyond the interval: minutes, not a night. Measured on 2 cores
# shared with other sessions (2026-12-01): 114 s at a load average of 22 (five-day world, every source loaded),
# 130 s at 9 to 12 and 31 s at 1.5 (three-day world, the loop's two sources); the bound leaves room for load.
MAX_BUILD_SECONDS = 300


def tick(defs: dg.Definitions, instance: dg.DagsterInstance, cursor: str | None, settings, landing: Path):
    sensor = defs.get_sensor_def(SENSOR_NAME)
    with dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        repository_def=defs.get_repository_def(),
        resources={"landing": LandingResource(path=str(landing)), "warehouse": WarehouseResource(url=settings.url)},
    ) as context:  # closed after the tick, so no instance stays Dagster's current one for later tests
        return sensor.evaluate_tick(context)


def test_a_dropped_events_file_reaches_the_daily_mart_within_the_interval_plus_a_build(
    database, dbt: Dbt, tmp_path: Path, dbt_manifest: Path
) -> None:
    # Three days are a history for the night to add to; the loop's two sources are all it reads.
    world = generate_world(customers=80, days=3, seed=3, out=tmp_path / "landing", end=END)
    held = world.out / "product_events" / f"{END}.csv"
    shutil.move(held, tmp_path / held.name)
    load_product(database, world.out)
    built = dbt("build", *BUILD_MARTS)
    assert built.returncode == 0, built.output[-3000:]
    assert query(database, "select count(*) from marts.feature_adoption_daily where date_day = %s", (END,)) == [(0,)]

    defs = build_definitions(database.url, str(world.out))
    with dg.DagsterInstance.ephemeral() as instance:
        first = tick(defs, instance, None, database, world.out)
        assert first.run_requests == []  # every file there is was loaded already

        shutil.move(tmp_path / held.name, held)
        dropped = time.monotonic()
        second = tick(defs, instance, first.cursor, database, world.out)
        window = [(r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]) for r in second.run_requests]
        assert window == [(str(END), str(END))]
        job = defs.resolve_job_def(NEAR_REAL_TIME_JOB)
        result = job.execute_in_process(instance=instance, tags=second.run_requests[0].tags)
        assert result.success
        build_seconds = time.monotonic() - dropped
        rows = query(
            database,
            "select count(*), sum(accounts_on_day) from marts.feature_adoption_daily where date_day = %s",
            (END,),
        )
        assert rows[0][0] == 7 and rows[0][1] > 0, rows  # every feature released by then

        # The same file again is not launched twice; a redelivery (the file rewritten) is.
        assert tick(defs, instance, second.cursor, database, world.out).run_requests == []
        held.write_bytes(held.read_bytes())
        with held.open("a", encoding="utf-8") as handle:
            handle.write(f"EV9999999999,C000001,U0000001,feature_used,alerts,{END}T23:00:00Z,\n")
        again = tick(defs, instance, second.cursor, database, world.out)
        assert [r.run_key for r in again.run_requests] != [r.run_key for r in second.run_requests]
        assert len(again.run_requests) == 1

    print(f"\nnear-real-time: file to mart in {build_seconds:.1f} s of build, + up to {INTERVAL_SECONDS} s of interval")
    assert build_seconds < MAX_BUILD_SECONDS
