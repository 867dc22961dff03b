"""The reliability marts on the demo world, against plain Python over the landing files and the ground truth."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import BuiltWorld
from tests.dbt.support import query
from tests.reliability.oracle import current_rows, reliability_daily

COLUMNS = ("errors", "api_requests", "errors_per_1000_requests", "is_auto_fixable", "auto_fixed", "auto_fixed_share",
           "resolved", "mttr_median_minutes", "mttr_mean_minutes", "unresolved", "unresolved_max_age_hours",
           "unresolved_mean_age_hours")  # fmt: skip


def test_reliability_daily_equals_an_independent_python_computation(demo_world: BuiltWorld) -> None:
    ledger = query(demo_world.settings, "select error_id, outcome, finished_at from ops.remediations")
    expected = reliability_daily(demo_world.landing, demo_world.truth, ledger)
    assert sum(row["auto_fixed"] for row in expected.values()) > 0  # the world's remediations ran
    rows = query(demo_world.settings, f"select date_day, category, {', '.join(COLUMNS)} from marts.reliability_daily")
    actual = {(r[0], r[1]): dict(zip(COLUMNS, r[2:], strict=True)) for r in rows}
    assert actual.keys() == expected.keys()
    for key, want in expected.items():
        got = actual[key]
        # percentile_cont interpolates in double precision: the median may differ by a rounding step.
        median = got.pop("mttr_median_minutes"), want.pop("mttr_median_minutes")
        assert median[0] == median[1] or abs(median[0] - median[1]) <= Decimal("0.01"), (key, median)
        assert got == want, key


def test_error_groups_add_up_and_tickets_link_to_the_error_of_their_request(demo_world: BuiltWorld) -> None:
    ((events, groups, grouped_events),) = query(
        demo_world.settings,
        "select (select count(*) from marts.error_events), count(*), sum(events) from marts.error_groups",
    )
    assert grouped_events == events and groups < events
    errors = current_rows(demo_world.landing, "app_errors", "error_id")
    tickets = current_rows(demo_world.landing, "support_tickets", "ticket_id")
    by_request = errors[errors.request_id != ""].groupby("request_id").error_id.apply(set).to_dict()
    expected = {
        (t, e) for t, r in zip(tickets.ticket_id, tickets.request_id, strict=True) for e in by_request.get(r, ())
    }
    linked = set(query(demo_world.settings, "select ticket_id, error_id from marts.error_tickets"))
    assert linked == expected and len(expected) > 0


def test_the_report_and_the_dashboard_data_read_the_marts(demo_world: BuiltWorld) -> None:
    import psycopg

    from aias_dagster.reliability.queries import read_rows
    from aias_dagster.reliability.report import report

    with psycopg.connect(demo_world.settings.url) as conn:
        text = report(conn)
        rows = read_rows(conn)
    assert "Reliability, March 2026: " in text and "(target >= 20.0%, green)" in text  # the world ends 2026-03-31
    (events,) = query(demo_world.settings, "select count(*) from marts.error_events")[0]
    assert sum(row["errors"] for row in rows.daily) == events == sum(r["errors"] for r in rows.auto_fixed_monthly)
    assert len(rows.top_groups) == 10 and rows.kpi is not None and rows.kpi.target == Decimal("0.20")
    unresolved = query(demo_world.settings, "select count(*) from marts.error_events where resolved_at is null")[0][0]
    assert sum(row["errors"] for row in rows.unresolved_by_age) == unresolved
    # The fixture ran the remediations as `make demo` does: outcomes beside the errors never worked on.
    outcomes = {row["outcome"] for row in rows.remediation_outcomes}
    assert {"succeeded", "none"} <= outcomes, outcomes
    ((fixed, errors, share),) = query(
        demo_world.settings,
        "select count(*) filter (where is_auto_fixed), count(*),"
        " round(avg(case when is_auto_fixed then 1.0 else 0 end), 4) from marts.error_events",
    )
    print(f"demo world: {fixed} of {errors} errors auto-fixed = {share:.2%}")  # the figure the scorecard reads
    assert 0 < fixed < errors
    assert sum(r["auto_fixed"] for r in rows.auto_fixed_monthly) == fixed
