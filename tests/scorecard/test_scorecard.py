"""The scorecard of the demo world equals the oracle (oracle.py), loop by loop, and agrees with the registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import psycopg
import pytest

from aias_dagster.dashboards.scorecard import ScorecardRow, read_scorecard
from aias_dagster.platform.loops import LOOP_GROUPS, LOOPS
from aias_dagster.scorecard.checks import registry_mismatches
from aias_dagster.scorecard.report import report
from tests.conftest import BuiltWorld
from tests.dbt.support import query
from tests.scorecard import oracle

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scorecard(demo_world: BuiltWorld) -> dict[str, ScorecardRow]:
    with psycopg.connect(demo_world.settings.url) as conn:
        return {row.loop: row for row in read_scorecard(conn)}


@pytest.fixture(scope="module")
def expected(demo_world: BuiltWorld) -> dict[str, oracle.Expected]:
    settings, landing, truth = demo_world.settings, demo_world.landing, demo_world.truth
    rules = dict(query(settings, "select ticket_id, category from marts.support_tickets where decided_by <> 'agent'"))
    closed_months = [m for (m,) in query(settings, "select month from billing.closed_months order by month")]
    has_ledger = query(settings, "select to_regclass('ops.remediations') is not null")[0][0]
    ledger = (
        [
            {"error_id": e, "outcome": o, "finished_at": f}
            for e, o, f in query(settings, "select error_id, outcome, finished_at from ops.remediations")
        ]
        if has_ledger
        else []
    )
    intervals = query(  # the test's own SQL: the default model's intervals, as cac_monthly names its default
        settings,
        """select i.month_start, i.channel, i.paid_cac_calibrated, i.paid_cac_low, i.paid_cac_high
           from marts.cac_monthly_intervals as i
           join (select distinct attribution_model from marts.cac_monthly where is_default_model) as d
             on d.attribution_model = i.attribution_model""",
    )
    rows = [
        oracle.acquisition(landing, intervals),
        oracle.product(landing, truth),
        oracle.support(landing, rules),
        oracle.billing(landing, truth, closed_months),
        oracle.reliability(landing, truth, ledger),
    ]
    return {row.loop: row for row in rows}


def test_every_scorecard_value_equals_the_oracle(
    scorecard: dict[str, ScorecardRow], expected: dict[str, oracle.Expected]
) -> None:
    assert list(scorecard) == list(LOOPS)  # five rows, in the registry's order
    got = {k: (r.month_start, r.value, r.status, r.data_as_of) for k, r in scorecard.items()}
    want = {k: (e.month_start, e.value, e.status, e.data_as_of) for k, e in expected.items()}
    print("scorecard:", {k: (str(v[1]), v[2]) for k, v in got.items()})
    assert got == want
    # The demo world has a value for every loop: a closed month of revenue, and March for the others.
    assert all(r.value is not None for r in scorecard.values())


def test_the_data_age_is_measured_from_the_end_of_the_newest_day_to_the_build(demo_world: BuiltWorld) -> None:
    rows = query(demo_world.settings, "select loop_name, data_as_of, data_age_days, built_at from marts.loop_scorecard")
    for loop, as_of, age, built_at in rows:
        complete = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), UTC)
        days = Decimal((built_at - complete).total_seconds()) / 86400
        assert age == days.quantize(Decimal("0.1"), ROUND_HALF_UP), loop
    original = dict(query(demo_world.settings, "select loop_name, original_delay_days from marts.loop_scorecard"))
    assert original == {
        "acquisition": "30–60", "product": "60–90", "support": "30–45", "billing": "14–30", "reliability": "1–7",
    }  # fmt: skip


def test_the_monthly_scorecard_has_every_loop_every_month_and_ends_with_the_scorecard(
    demo_world: BuiltWorld, scorecard: dict[str, ScorecardRow]
) -> None:
    rows = query(
        demo_world.settings,
        "select loop_name, month_start, kpi_value, status from marts.loop_scorecard_monthly order by 1, 2",
    )
    months = sorted({m for _, m, _, _ in rows})
    assert len(rows) == len(LOOPS) * len(months) and len(months) == 3  # January to March 2026
    by_key = {(loop, month): (value, status) for loop, month, value, status in rows}
    for loop, row in scorecard.items():
        assert by_key[(loop, row.month_start)] == (row.value, row.status)


def test_the_scorecard_names_the_registrys_loops_and_owners(
    demo_world: BuiltWorld, scorecard: dict[str, ScorecardRow]
) -> None:
    assert registry_mismatches(list(scorecard.values())) == []
    moved = [*scorecard.values()][1:]
    assert registry_mismatches(moved) == ["acquisition: no row on the scorecard"]
    with psycopg.connect(demo_world.settings.url) as conn:
        text = report(conn)
    assert all(loop in text for loop in LOOPS) and "30–60 d" in text


def test_the_targets_seed_states_the_contracts_targets() -> None:
    seed = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "scorecard" / "scorecard_targets.csv"
    rows = oracle.read_csv(seed)
    newest = rows[rows.version == rows.version.max()]
    stated = {r.loop_name: (Decimal(r.target), r.comparison) for r in newest.itertuples()}
    assert stated == oracle.TARGETS
    # The loops and owners dbt knows are the registry's (platform/loops.py), in its order.
    assert [(r.loop_name, r.owner) for r in newest.sort_values("loop_order").itertuples()] == [
        (g.name, g.owner) for g in LOOP_GROUPS
    ]
