"""The last complete month: the data must reach the month's last day."""

from datetime import date

import pytest

from aias_dagster.platform.months import last_complete_month, month_before


@pytest.mark.parametrize(
    ("last_day", "month"),
    [
        (date(2026, 3, 31), date(2026, 3, 1)),  # the month's last day: the month is complete
        (date(2026, 3, 30), date(2026, 2, 1)),  # one day short: the month before
        (date(2026, 3, 1), date(2026, 2, 1)),
        (date(2024, 2, 29), date(2024, 2, 1)),  # a leap day ends February
        (date(2026, 1, 15), date(2025, 12, 1)),  # across the year
        (None, None),  # no data yet
    ],
)
def test_a_month_is_complete_when_the_data_reaches_its_last_day(last_day: date | None, month: date | None) -> None:
    assert last_complete_month(last_day) == month


def test_the_month_before_crosses_the_year() -> None:
    assert month_before(date(2026, 1, 1)) == date(2025, 12, 1)
    assert month_before(date(2026, 3, 17)) == date(2026, 2, 1)
