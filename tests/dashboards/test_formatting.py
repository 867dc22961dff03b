"""Numbers as a marketing lead reads them: the shown value is the mart's value rounded once more."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from aias_dagster.dashboards.formatting import cac, change, count, day, day_time, money, month, percent


def test_money_has_a_currency_sign_and_thousands_separators() -> None:
    assert money(Decimal("12345.67")) == "$12,346"
    assert money(Decimal("12345.67"), 2) == "$12,345.67"
    assert money(Decimal("0.50")) == "$1"  # half away from zero, as the marts round
    assert money(Decimal("-1234.5")) == "−$1,235"
    assert money(None) == "–"


def test_cac_shows_a_tenth_of_a_dollar_only_where_it_helps() -> None:
    assert cac(Decimal("412.35")) == "$412.4"
    assert cac(Decimal("999.94")) == "$999.9"
    assert cac(Decimal("1234.56")) == "$1,235"
    assert cac(Decimal("0.00")) == "$0.0"
    assert cac(None) == "–"  # no customers: no CAC, never a zero


def test_counts_are_whole_unless_the_credit_is_fractional() -> None:
    assert count(Decimal("1204.0000")) == "1,204"
    assert count(Decimal("12.5000")) == "12.5"
    assert count(Decimal("2.3333")) == "2.3"


def test_shares_are_percentages_and_changes_carry_their_sign() -> None:
    assert percent(Decimal("0.8123")) == "81.2%"
    assert percent(Decimal("0.95"), 0) == "95%"
    assert change(Decimal("110"), Decimal("100")) == "+10.0%"
    assert change(Decimal("96"), Decimal("100")) == "−4.0%"
    assert change(Decimal("96"), None) == "–"
    assert change(Decimal("96"), Decimal("0")) == "–"


def test_dates_are_spelled_out() -> None:
    assert month(date(2026, 3, 1)) == "March 2026"
    assert day(date(2026, 3, 1)) == "1 Mar 2026"


def test_a_time_is_written_as_every_page_writes_its_day_then_the_utc_time() -> None:
    # The support page wrote "2026-12-05 23:58 UTC" where every other page writes "5 Dec 2026".
    berlin = timezone(timedelta(hours=1))
    assert day_time(datetime(2026, 12, 6, 0, 58, tzinfo=berlin)) == "5 Dec 2026, 23:58 UTC"
    assert day_time(None) == "–"
