"""The demo world's three complete months, closed by the real Dagster asset, against the independent oracle.

The close runs in the shared `demo_world` database: it writes only the `billing` schema, which no
other loop's test reads, and closing is idempotent, so the order tests run in does not matter.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import dagster as dg
import pytest

from aias_dagster.billing.assets import build_billing_assets, month_partitions
from aias_dagster.billing.checks import BILLING_CHECKS
from aias_dagster.billing.cli import describe_close
from aias_dagster.billing.page import invoices_by_month, read_rows
from aias_dagster.billing.queries import ledger_data
from aias_dagster.billing.report import invoice_page, report
from aias_dagster.orchestration.runs import outcome_of
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.warehouse import connect
from tests.billing.oracle import price_world
from tests.conftest import BuiltWorld
from tests.dbt.support import Dbt, query

MONTHS = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


@pytest.fixture(scope="module")
def closed(demo_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> dg.ExecuteInProcessResult:
    partitions = month_partitions(date(2026, 1, 1))
    result = dg.materialize(
        [build_billing_assets(partitions), *BILLING_CHECKS],
        partition_key="2026-03-01",  # catches up January and February first
        resources={"warehouse": WarehouseResource(url=demo_world.settings.url)},
        run_config={"ops": {"billing_close": {"config": {"force": False}}}},
        raise_on_error=False,
    )
    assert result.success
    # The revenue mart reads the ledger; rebuild just it (the demo world's other tables stay as built).
    built = Dbt(demo_world.settings, tmp_path_factory.mktemp("billing_marts") / "target")(
        "build", "--select", "api_revenue_monthly"
    )
    assert built.returncode == 0, built.output[-3000:]
    return result


def test_every_invoice_line_and_total_matches_the_oracle_to_the_minor_unit(
    demo_world: BuiltWorld, closed: dg.ExecuteInProcessResult
) -> None:
    expected = price_world(demo_world.landing, demo_world.truth, MONTHS)
    lines: dict[tuple[str, date, str], list[tuple]] = defaultdict(list)
    rows = query(
        demo_world.settings,
        """
        select i.customer_id, i.month, i.currency, l.kind, l.plan_id, l.days, l.units, l.amount
        from billing.invoice_lines as l join billing.invoices as i using (invoice_id)
        order by i.invoice_id, l.line_number
        """,
    )
    for customer, month, currency, kind, plan, days, units, amount in rows:
        lines[(customer, month, currency)].append((kind, plan, days if kind == "fee" else units, amount))
    assert set(lines) == set(expected)
    wrong = {k: (lines[k], expected[k]) for k in expected if lines[k] != expected[k]}
    assert not wrong, list(wrong.items())[:5]
    totals = dict(
        ((c, m, cur), t)
        for c, m, cur, t in query(
            demo_world.settings, "select customer_id, month, currency, total from billing.invoices"
        )
    )
    assert all(totals[k] == sum(x[3] for x in v) for k, v in expected.items())
    # The world has what the rules are about: yen invoices, plan changes, the mid-March scale version.
    assert any(k[2] == "JPY" for k in expected)
    assert any(sum(1 for x in v if x[0] == "fee") > 1 for v in expected.values())
    scale_v2 = "select count(*) from billing.invoice_lines where plan_id = 'scale' and plan_version = 2"
    assert query(demo_world.settings, scale_v2)[0][0] > 0


def test_the_reconciliation_checks_pass_on_the_demo_world(closed: dg.ExecuteInProcessResult) -> None:
    evaluations = closed.get_asset_check_evaluations()
    assert len(evaluations) == 3 and all(e.passed for e in evaluations), [
        (e.check_name, e.description) for e in evaluations
    ]


def test_a_second_run_of_a_closed_month_writes_nothing(
    demo_world: BuiltWorld, closed: dg.ExecuteInProcessResult
) -> None:
    before = query(demo_world.settings, "select invoice_id, total, finalized_at from billing.invoices order by 1")
    again = dg.materialize(
        [build_billing_assets(month_partitions(date(2026, 1, 1)))],
        partition_key="2026-02-01",
        resources={"warehouse": WarehouseResource(url=demo_world.settings.url)},
    )
    materialization = again.asset_materializations_for_node("billing_close")[0]
    assert materialization.metadata["months_closed"].value == 0
    # `aias run billing` said "succeeded" and nothing more, as if it had closed the month again.
    said = describe_close(outcome_of(again.run_id, "billing", again.all_events).metadata, date(2026, 2, 1))
    assert said == "nothing written: 2026-02 and every month before it were closed already"
    assert (
        query(demo_world.settings, "select invoice_id, total, finalized_at from billing.invoices order by 1") == before
    )


def test_revenue_per_month_and_the_page_data(demo_world: BuiltWorld, closed: dg.ExecuteInProcessResult) -> None:
    with connect(demo_world.settings) as conn:
        data = ledger_data(conn)
        text = report(conn)
    assert [m["month"] for m in data["months"]] == ["2026-01", "2026-02", "2026-03"]
    usd = {m["month"]: m["revenue_usd"] for m in data["months"]}
    assert all(value > Decimal(1000) for value in usd.values())  # the KPI: API revenue > 1,000 USD a month
    assert "2026-03" in text and "USD" in text
    assert data["latest_reconciliation"]["month"] == "2026-03" and data["latest_reconciliation"]["gaps"] == []
    assert data["invoices"] and data["invoices"][0]["html"].startswith("<!doctype html>")
    with connect(demo_world.settings) as conn:
        first = data["invoices"][0]
        assert invoice_page(conn, first["invoice_id"]) == first["html"]
        assert first["invoice_id"] in first["html"] and invoice_page(conn, "INV-nope") is None
    mart = query(
        demo_world.settings,
        "select to_char(month_start, 'YYYY-MM'), sum(revenue_usd), sum(billable_units) from marts.api_revenue_monthly"
        " group by 1 order by 1",
    )
    assert mart == [(m["month"], m["revenue_usd"], m["billable_units"]) for m in data["months"]]


def test_api_usage_daily_counts_every_request_of_the_landing_files(demo_world: BuiltWorld) -> None:
    from tests.billing.oracle import _rows, bad_lines

    billable, errors_4xx, requests = 0, 0, {}
    for _day, _line, row in _rows(demo_world.landing, "api_requests", bad_lines(demo_world.truth)):
        requests[row["request_id"]] = row
    for row in requests.values():
        status = int(row["status_code"])
        billable += (int(row["units"]) if row["units"] else 1) if 200 <= status <= 399 else 0
        errors_4xx += 400 <= status <= 499
    got = query(
        demo_world.settings, "select sum(requests), sum(billable_units), sum(requests_4xx) from marts.api_usage_daily"
    )
    assert got == [(len(requests), billable, errors_4xx)]


def test_the_billing_page_lists_each_months_invoices_largest_first_in_usd(
    demo_world: BuiltWorld, closed: dg.ExecuteInProcessResult
) -> None:
    # By the raw amount across currencies, "9575 JPY" came above "581.58 USD".
    with connect(demo_world.settings) as conn:
        rows = read_rows(conn)
    rates = {
        (month, currency): rate
        for month, currency, rate in query(
            demo_world.settings, "select distinct month_start, currency, usd_per_unit from marts.api_revenue_monthly"
        )
    }
    assert len({i["currency"] for i in rows.invoices}) > 1  # the world bills in more than one currency
    for month, invoices in invoices_by_month(rows.invoices):
        in_usd = [i["total"] * rates[(month, i["currency"])] for i in invoices]
        assert in_usd == sorted(in_usd, reverse=True), month
