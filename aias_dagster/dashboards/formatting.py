"""Numbers as people read them: currency with thousands separators, CAC to a tenth where it helps.

The marts keep money to the cent and counts to 4 places; a page shows fewer digits. Every function
rounds half away from zero, as the marts do, so a shown value is the mart's value rounded once more,
never a different computation. They are Jinja2 filters of every page (render.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

NOTHING = "–"  # en dash: no value (a CAC without customers), never a zero
CAC_DECIMAL_BELOW = Decimal(1000)  # $412.3, but $1,234: a tenth of a dollar matters only on small CACs

Number = Decimal | int | float


def _decimal(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def rounded(value: Number, places: int) -> Decimal:
    """value rounded half away from zero to `places` decimals."""
    return _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _grouped(value: Decimal, places: int) -> str:
    text = f"{abs(value):,.{places}f}"
    return f"−{text}" if value < 0 else text  # a real minus sign, not a hyphen


def money(value: Number | None, places: int = 0) -> str:
    """USD with thousands separators: 12345.67 -> "$12,346" (places=2: "$12,345.67")."""
    if value is None:
        return NOTHING
    amount = rounded(value, places)
    return f"−${_grouped(-amount, places)}" if amount < 0 else f"${_grouped(amount, places)}"


def cac_places(value: Number) -> int:
    return 1 if abs(_decimal(value)) < CAC_DECIMAL_BELOW else 0


def cac(value: Number | None) -> str:
    """A CAC in USD: one decimal below $1,000 ("$412.3"), whole dollars above ("$1,234")."""
    return NOTHING if value is None else money(value, cac_places(value))


def count(value: Number | None) -> str:
    """Customers: whole numbers as such ("1,204"), fractional credit (linear model) to a tenth ("12.5")."""
    if value is None:
        return NOTHING
    number = _decimal(value)
    places = 0 if number == number.to_integral_value() else 1
    return _grouped(rounded(number, places), places)


def percent(value: Number | None, places: int = 1) -> str:
    """A fraction of 1 as a percentage: 0.8123 -> "81.2%"."""
    if value is None:
        return NOTHING
    return f"{_grouped(rounded(_decimal(value) * 100, places), places)}%"


def change(now: Number | None, before: Number | None) -> str:
    """The relative change from `before` to `now`: "+12.3%", "−4.0%"; nothing without both or from zero."""
    if now is None or before is None or _decimal(before) == 0:
        return NOTHING
    ratio = _decimal(now) / _decimal(before) - 1
    text = percent(ratio)
    return text if text.startswith("−") else f"+{text}"


def month(value: date | None) -> str:
    """ "March 2026"."""
    return NOTHING if value is None else f"{value:%B %Y}"


def short_month(value: date | None) -> str:
    """ "Mar 2026"."""
    return NOTHING if value is None else f"{value:%b %Y}"


def day(value: date | None) -> str:
    """ "31 Mar 2026": unambiguous in every locale, unlike 03/31."""
    return NOTHING if value is None else f"{value.day} {value:%b %Y}"


def amount(value: Number | None, currency: str, minor_units: int | None = 2) -> str:
    """Money in its own currency, to its minor unit, with thousands separators: "9,575 JPY", "1,679.95 USD".

    A currency the seed does not list (minor_units None) gets two places, as most currencies have.
    """
    if value is None:
        return NOTHING
    places = 2 if minor_units is None else minor_units
    return f"{_grouped(rounded(value, places), places)} {currency}"


def day_time(value: datetime | None) -> str:
    """ "5 Dec 2026, 23:58 UTC": the day as every page writes it, then the UTC time where the time matters."""
    if value is None:
        return NOTHING
    utc = value.astimezone(UTC) if value.tzinfo else value
    return f"{day(utc)}, {utc:%H:%M} UTC"


FILTERS = {
    "money": money,
    "cac": cac,
    "count": count,
    "percent": percent,
    "change": change,
    "month": month,
    "short_month": short_month,
    "day": day,
    "day_time": day_time,
    "amount": amount,
}
