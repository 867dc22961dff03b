"""A run over a range of delivery days shows its days in the runs list, however it was launched."""

from __future__ import annotations

import dagster as dg

from aias_dagster.orchestration.runs import DELIVERY_DAYS_TAG, RANGE_END_TAG, RANGE_START_TAG
from aias_dagster.orchestration.sensors import range_runs_show_their_days, range_tags

UI_BACKFILL = {RANGE_START_TAG: "2026-03-01", RANGE_END_TAG: "2026-03-31"}  # what the UI's backfill sets, no more


def test_the_days_of_a_range_are_added_once_and_never_to_other_runs() -> None:
    assert range_tags(UI_BACKFILL) == {DELIVERY_DAYS_TAG: "2026-03-01 to 2026-03-31"}
    assert range_tags({**UI_BACKFILL, DELIVERY_DAYS_TAG: "2026-03-01 to 2026-03-31"}) == {}  # `aias` tagged it
    assert range_tags({"dagster/partition": "2026-03-01"}) == {}  # one day: the partition tag shows already
    assert range_tags({RANGE_START_TAG: "a", RANGE_END_TAG: "b"}) == {}  # not a range of days


@dg.op
def nothing() -> None:
    """A run needs a step; what it does is not the point."""


@dg.job
def backfill_like() -> None:
    nothing()


def test_a_started_range_run_gets_its_delivery_days_tag_from_the_sensor() -> None:
    with dg.DagsterInstance.ephemeral() as instance:

        def tick(cursor: str | None) -> str | None:
            with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
                return range_runs_show_their_days.evaluate_tick(context).cursor

        cursor = tick(None)  # a newly turned-on sensor starts from now
        ranged = backfill_like.execute_in_process(instance=instance, tags=UI_BACKFILL)
        single = backfill_like.execute_in_process(instance=instance, tags={"dagster/partition": "2026-03-01"})
        tick(cursor)
        tags = {run: instance.get_run_by_id(run).tags for run in (ranged.run_id, single.run_id)}  # type: ignore[union-attr]
    assert tags[ranged.run_id][DELIVERY_DAYS_TAG] == "2026-03-01 to 2026-03-31"
    assert DELIVERY_DAYS_TAG not in tags[single.run_id]
