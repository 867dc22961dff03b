"""Each pricing rule of docs/data_contract.md (API billing), pinned on hand-computed amounts.

The cases are the complaints billing engines' users file most: rounding on rounded cents, tier edges,
a second plan change in one period, a start on the month's last day, currencies without cents.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from aias_dagster.billing.pricing import (
    ADJUSTMENT,
    FEE,
    USAGE,
    PlanVersion,
    Subscription,
    Tier,
    adjustment_line,
    fee_days,
    invoice_total,
    month_lines,
    round_half_up,
    usage_price,
    version_in_force,
)

MINOR = {"USD": 2, "JPY": 0, "KWD": 3}
MARCH = date(2026, 3, 1)
FEB = date(2026, 2, 1)


def at(day: int, hour: int = 0, month: int = 3, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


GRADUATED = PlanVersion(
    "grad", 1, date(2025, 1, 1), "USD", D("30.00"), 100, "graduated",
    (Tier(1000, D("0.01")), Tier(5000, D("0.008"), D("2.00")), Tier(None, D("0.005"), D("5.00"))),
)  # fmt: skip
VOLUME = PlanVersion(
    "vol", 1, date(2025, 1, 1), "USD", D("49.00"), 500, "volume",
    (Tier(1000, D("0.012")), Tier(5000, D("0.010"), D("2.50")), Tier(None, D("0.008"), D("5.00"))),
)  # fmt: skip
PACKAGE = PlanVersion("pkg", 1, date(2025, 1, 1), "USD", D("149.00"), 2000, "package", (), 500, D("4.75"))
YEN = PlanVersion("yen", 1, date(2025, 1, 1), "JPY", D("7400"), 0, "graduated", (Tier(None, D("1.5")),))
DINAR = PlanVersion("kwd", 1, date(2025, 1, 1), "KWD", D("10.000"), 0, "graduated", (Tier(None, D("0.0035")),))
PLANS = (GRADUATED, VOLUME, PACKAGE, YEN, DINAR)


# --- tiers and models ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        (100, "0"),  # exactly the included units
        (1100, "10.00"),  # exactly at tier 1's bound: 1000 x 0.01
        (1101, "12.008"),  # one above: 10.00 + 1 x 0.008 + tier 2's flat 2.00
        (5100, "44.00"),  # at tier 2's bound: 10 + 4000 x 0.008 + 2
        (5101, "49.005"),  # one into the open tier: + 0.005 + flat 5.00
    ],
)
def test_graduated_prices_each_tier_and_adds_the_flat_fee_of_every_tier_reached(units: int, expected: str) -> None:
    assert usage_price(GRADUATED, units) == D(expected)


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        (500, "0"),  # included only: no tier reached, no flat fee
        (1500, "12.00"),  # 1000 above, exactly at tier 1's bound: all at 0.012
        (1501, "12.51"),  # 1001 above: all at tier 2's 0.010 + flat 2.50
        (5500, "52.50"),  # 5000 above, at tier 2's bound
        (5501, "45.008"),  # 5001 above: all at 0.008 + 5.00 (volume pricing can fall across a bound)
    ],
)
def test_volume_prices_all_units_at_the_tier_their_total_falls_in(units: int, expected: str) -> None:
    assert usage_price(VOLUME, units) == D(expected)


@pytest.mark.parametrize(("units", "packages"), [(2000, 0), (2001, 1), (2500, 1), (2501, 2), (3000, 2)])
def test_package_charges_every_started_package(units: int, packages: int) -> None:
    assert usage_price(PACKAGE, units) == packages * D("4.75")


def test_included_units_larger_than_usage_cost_nothing() -> None:
    for plan in (GRADUATED, VOLUME, PACKAGE):
        assert usage_price(plan, 7) == 0
    lines = month_lines([Subscription("S1", "C1", "pkg", at(1, month=1))], MARCH, 1999, PLANS, MINOR)
    assert [(x.kind, x.units, x.amount) for x in lines] == [(FEE, 0, D("149.00")), (USAGE, 1999, D("0.00"))]


# --- rounding ------------------------------------------------------------------------------------------


def test_rounding_is_half_up_to_the_minor_unit_of_the_currency() -> None:
    assert round_half_up(D("12.005"), 2) == D("12.01")  # a line of x.xx5
    assert round_half_up(D("12.00499"), 2) == D("12.00")
    assert round_half_up(D("-0.005"), 2) == D("-0.01")  # a credit rounds away from zero too
    assert round_half_up(D("2.5"), 0) == D("3")  # JPY has no minor unit
    assert round_half_up(D("0.0005"), 3) == D("0.001")  # KWD has three


def test_a_line_of_half_a_cent_rounds_up_once_and_the_total_is_the_sum_of_rounded_lines() -> None:
    subs = [Subscription("S1", "C1", "grad", at(1, month=1))]
    lines = month_lines(subs, MARCH, 5101, PLANS, MINOR)  # usage 49.005
    assert [x.amount for x in lines] == [D("30.00"), D("49.01")]
    assert invoice_total(lines) == D("79.01")


def test_jpy_lines_have_no_decimals() -> None:
    subs = [Subscription("S1", "C1", "yen", at(10, 12))]  # 21 days of March (the 11th..31st at 00:00)
    lines = month_lines(subs, MARCH, 333, PLANS, MINOR)
    assert [x.amount for x in lines] == [D("5013"), D("500")]  # 7400 x 21/31 = 5012.90..; 333 x 1.5 = 499.5
    assert all(x.amount.as_tuple().exponent == 0 for x in lines)


def test_kwd_lines_have_three_decimals() -> None:
    subs = [Subscription("S1", "C1", "kwd", at(1, month=1))]
    lines = month_lines(subs, FEB, 1001, PLANS, MINOR)
    assert [x.amount for x in lines] == [D("10.000"), D("3.504")]  # 1001 x 0.0035 = 3.5035 -> 3.504


# --- proration and plan changes ----------------------------------------------------------------------


def test_a_day_belongs_to_the_subscription_covering_its_midnight() -> None:
    first = Subscription("S1", "C1", "grad", at(1, month=1), at(10, 15))
    second = Subscription("S2", "C1", "vol", at(10, 15))
    assert fee_days([first, second], MARCH) == {"S1": 10, "S2": 21}  # Mar 10 is S1's: it held 00:00


def test_two_plan_changes_in_one_month_each_prorate_and_usage_takes_the_last_plan() -> None:
    subs = [
        Subscription("S1", "C1", "grad", at(1, month=1), at(8, 9)),
        Subscription("S2", "C1", "vol", at(8, 9), at(20, 18)),
        Subscription("S3", "C1", "pkg", at(20, 18)),
    ]
    lines = month_lines(subs, MARCH, 2600, PLANS, MINOR)
    fees = [(x.plan_id, x.days, x.amount) for x in lines if x.kind == FEE]
    # 30 x 8/31 = 7.741..; 49 x 12/31 = 18.967..; 149 x 11/31 = 52.870..
    assert fees == [("grad", 8, D("7.74")), ("vol", 12, D("18.97")), ("pkg", 11, D("52.87"))]
    usage = [x for x in lines if x.kind == USAGE]
    assert [(x.plan_id, x.units, x.amount) for x in usage] == [("pkg", 2600, D("9.50"))]
    assert sum(x.days for x in lines) == 31


def test_a_subscription_starting_on_the_last_day_pays_no_fee_that_month_but_its_usage() -> None:
    subs = [Subscription("S1", "C1", "vol", at(31, 10))]
    lines = month_lines(subs, MARCH, 1600, PLANS, MINOR)
    assert [(x.kind, x.amount) for x in lines] == [(USAGE, D("13.50"))]  # 1100 above x 0.010 + 2.50
    april = month_lines(subs, date(2026, 4, 1), 0, PLANS, MINOR)
    assert [(x.kind, x.days, x.amount) for x in april] == [(FEE, 30, D("49.00"))]


def test_a_subscription_starting_at_midnight_of_the_last_day_pays_that_day() -> None:
    lines = month_lines([Subscription("S1", "C1", "vol", at(31))], MARCH, 0, PLANS, MINOR)
    assert [(x.days, x.amount) for x in lines] == [(1, D("1.58"))]  # 49 / 31


def test_an_ended_subscription_pays_its_days_and_its_usage_with_its_own_plan() -> None:
    subs = [Subscription("S1", "C1", "grad", at(20, month=2), at(10, 15))]
    lines = month_lines(subs, MARCH, 1100, PLANS, MINOR)
    assert [(x.kind, x.days, x.amount) for x in lines] == [(FEE, 10, D("9.68")), (USAGE, 0, D("10.00"))]
    assert month_lines(subs, date(2026, 4, 1), 0, PLANS, MINOR) == []


def test_a_plan_version_effective_mid_month_prices_the_whole_month() -> None:
    v2 = PlanVersion("pkg", 2, date(2026, 3, 16), "USD", D("159.00"), 2000, "package", (), 500, D("4.50"))
    plans = (*PLANS, v2)
    subs = [Subscription("S1", "C1", "pkg", at(1, month=1))]
    lines = month_lines(subs, MARCH, 2501, plans, MINOR)
    assert [(x.plan_version, x.amount) for x in lines] == [(2, D("159.00")), (2, D("9.00"))]
    assert [x.plan_version for x in month_lines(subs, FEB, 2501, plans, MINOR)] == [1, 1]
    ended = [Subscription("S1", "C1", "pkg", at(1, month=1), at(16))]  # ends at 00:00 of the 16th: v1
    assert {x.plan_version for x in month_lines(ended, MARCH, 2501, plans, MINOR)} == {1}
    assert version_in_force(plans, "pkg", date(2026, 3, 16)) is v2


def test_a_plan_change_across_currencies_bills_each_currency_apart() -> None:
    subs = [Subscription("S1", "C1", "yen", at(1, month=1), at(15, 12)), Subscription("S2", "C1", "vol", at(15, 12))]
    lines = month_lines(subs, MARCH, 600, PLANS, MINOR)
    assert [(x.currency, x.kind, x.amount) for x in lines] == [
        ("JPY", FEE, D("3581")),  # 7400 x 15/31 = 3580.6.. (the 1st..15th)
        ("USD", FEE, D("25.29")),  # 49 x 16/31 = 25.290.. (the 16th..31st)
        ("USD", USAGE, D("1.20")),
    ]


# --- late usage ----------------------------------------------------------------------------------------


def test_late_usage_is_the_corrected_price_less_what_was_invoiced() -> None:
    invoiced = usage_price(GRADUATED, 1101)  # 12.008 -> 12.01 on the invoice
    more = adjustment_line(GRADUATED, FEB, 1200, 1101, round_half_up(invoiced, 2), MINOR)
    assert more is not None and (more.kind, more.units, more.amount) == (ADJUSTMENT, 99, D("0.79"))  # 12.80 - 12.01
    less = adjustment_line(GRADUATED, FEB, 1000, 1101, D("12.01"), MINOR)
    assert less is not None and (less.units, less.amount) == (-101, D("-3.01"))  # 9.00 - 12.01: a credit
    assert "2026-02" in less.description and "credit" in less.description
    assert adjustment_line(GRADUATED, FEB, 1101, 1101, D("12.01"), MINOR) is None


def test_a_plan_without_an_open_last_tier_is_refused() -> None:
    with pytest.raises(ValueError, match="open tier"):
        PlanVersion("bad", 1, date(2025, 1, 1), "USD", D(0), 0, "graduated", (Tier(10, D(1)),))
