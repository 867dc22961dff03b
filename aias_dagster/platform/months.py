"""Which month a report calls "the last complete month": one rule for every loop's checks, reports and pages.

A month is complete when the data reaches its last day, so a world that ends on 31 March reports March and
one that ends on 30 March reports February. Done in Python on the newest day a loop's mart holds, so every
reader of a loop agrees on the month and passes it to its SQL as a parameter.
"""

from __future__ import annotations

from datetime import date, timedelta


def last_complete_month(last_day: date | None) -> date | None:
    """The first day of the newest month whose every day is at or before `last_day`; None without data."""
    if last_day is None:
        return None
    return month_before((last_day + timedelta(days=1)).replace(day=1))


def month_before(month: date) -> date:
    """The first day of the month before the one `month` falls in."""
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)
