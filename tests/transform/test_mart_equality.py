"""The comparison that says whether a mart built on Spark equals the Postgres one (issue 24), on rows as the two
drivers return them, and with a planted difference of each kind it must name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from aias_dagster.transform.mart_equality import compare_mart, mart_keys, values_equal

KEY = ("month_start", "channel")


def postgres_rows() -> list[dict]:
    """As psycopg returns them: dates, Decimals of the mart's places, time zone aware timestamps."""
    return [
        {
            "month_start": dt.date(2026, 2, 1),
            "channel": channel,
            "spend_usd": Decimal("1234.50"),
            "coverage": Decimal("0.8125"),
            "share": 0.3333333333333333,
            "is_default_model": True,
            "built_at": dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        }
        for channel in ("paid_search", "paid_social", "organic")
    ]


def spark_rows() -> list[dict]:
    """As Spark returns the same rows: naive UTC timestamps, Decimals of another scale, a float's last bits."""
    rows = []
    for row in postgres_rows():
        rows.append(
            {
                **row,
                "spend_usd": Decimal("1234.5"),
                "share": 0.33333333333333337,
                "built_at": dt.datetime(2026, 3, 1, 1, 0),
            }
        )
    return list(reversed(rows))


def test_the_same_rows_as_each_driver_returns_them_are_equal() -> None:
    assert compare_mart("marts.cac_monthly", KEY, postgres_rows(), spark_rows()) is None
    assert compare_mart("marts.cac_monthly", (), postgres_rows(), spark_rows()) is None


def test_a_planted_cent_is_named_by_key_and_column() -> None:
    planted = spark_rows()
    planted[0]["spend_usd"] = Decimal("1234.51")

    difference = compare_mart("marts.cac_monthly", KEY, postgres_rows(), planted)

    assert difference is not None and difference.rows_differing == 1
    assert difference.lines == (
        "{'month_start': datetime.date(2026, 2, 1), 'channel': 'organic'}: "
        "spend_usd: postgres Decimal('1234.50') vs spark Decimal('1234.51')",
    )
    assert difference.describe().startswith("marts.cac_monthly: 1 row(s) differ\n  {'month_start'")


def test_a_share_off_in_the_4th_place_a_missing_row_and_a_new_column_are_each_named() -> None:
    share = spark_rows()
    share[1]["share"] = 0.3334
    assert (
        compare_mart("m", KEY, postgres_rows(), share)
        .lines[0]
        .endswith(  # type: ignore[union-attr]
            "share: postgres 0.3333333333333333 vs spark 0.3334"
        )
    )

    missing = spark_rows()[1:]
    difference = compare_mart("m", KEY, postgres_rows(), missing)
    assert difference is not None
    assert difference.lines == ("only on postgres: {'month_start': datetime.date(2026, 2, 1), 'channel': 'organic'}",)

    extra = [{**row, "note": None} for row in spark_rows()]
    difference = compare_mart("m", KEY, postgres_rows(), extra)
    assert difference is not None and "only on spark: ['note']" in difference.lines[0]

    unkeyed = spark_rows()
    unkeyed[2]["is_default_model"] = False
    difference = compare_mart("m", (), postgres_rows(), unkeyed)
    assert difference is not None and difference.rows_differing == 2


def test_values_are_equal_to_the_marts_stated_precision_and_no_further() -> None:
    assert values_equal(Decimal("0.10"), Decimal("0.1"))
    assert not values_equal(Decimal("0.10"), Decimal("0.11"))
    assert values_equal(0.12344, 0.123449) and not values_equal(0.1234, 0.1236)
    assert values_equal(None, None) and not values_equal(None, 0)
    assert not values_equal(True, 1) and values_equal(3, Decimal("3.00"))
    assert values_equal(
        dt.datetime(2026, 1, 1, 12), dt.datetime(2026, 1, 1, 13, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    )


def test_every_mart_has_the_key_its_unique_tests_name(dbt_manifest: Path) -> None:
    keys = mart_keys(dbt_manifest)

    assert keys["marts.cac_monthly"] == ("month_start", "attribution_model", "channel")
    assert keys["marts.metrics_daily"] == ("date_day", "channel")
    assert len(keys) >= 30
    assert all(name.startswith("marts.") for name in keys)


def test_the_columns_that_hold_when_each_build_ran_are_left_out() -> None:
    expected = [{**row, "_processed_at": dt.datetime(2026, 12, 7, 21, 2, tzinfo=dt.UTC)} for row in postgres_rows()]
    actual = [
        {**row, "_processed_at": dt.datetime(2026, 12, 7, 21, 8), "_usage_processed_through": None}
        for row in spark_rows()
    ]

    assert compare_mart("marts.api_usage_daily", KEY, expected, actual) is None
    actual[1]["built_at"] = dt.datetime(2026, 12, 7, 21, 9)  # the scorecard's: when its build started
    assert compare_mart("marts.api_usage_daily", KEY, expected, actual) is None
    actual[0]["processed_count"] = 1  # a computed column whose name merely mentions processing still counts
    assert compare_mart("marts.api_usage_daily", KEY, expected, actual) is not None
