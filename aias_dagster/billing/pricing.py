"""The pricing rules of API billing, as pure functions over exact numbers (docs/data_contract.md, API billing).

Nothing here touches a database: the billing job reads subscriptions, usage and the plan seeds, and this
module turns one customer-month into invoice lines. Intermediate amounts are `Fraction`s, so a prorated
fee (49.00 x 17/31) is exact until the one rounding each line gets; the maths never runs on rounded
cents, which is the off-by-one the billing engines' users complain of most.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

GRADUATED, VOLUME, PACKAGE = "graduated", "volume", "package"
PRICING_MODELS = (GRADUATED, VOLUME, PACKAGE)
FEE, USAGE, ADJUSTMENT = "fee", "usage", "adjustment"


@dataclass(frozen=True)
class Tier:
    """Tier bounds count the units above the included ones; `up_to` is inclusive, None = open."""

    up_to: int | None
    unit_price: Decimal
    flat_fee: Decimal = Decimal(0)


@dataclass(frozen=True)
class PlanVersion:
    plan_id: str
    version: int
    effective_from: date
    currency: str
    monthly_fee: Decimal
    included_units: int
    pricing_model: str
    tiers: tuple[Tier, ...] = ()
    package_size: int | None = None
    package_price: Decimal | None = None

    def __post_init__(self) -> None:
        where = f"plan {self.plan_id} version {self.version}"
        if self.pricing_model not in PRICING_MODELS:
            raise ValueError(f"{where}: pricing_model {self.pricing_model!r}, expected one of {PRICING_MODELS}")
        if self.pricing_model == PACKAGE:
            if not self.package_size or self.package_size <= 0 or self.package_price is None:
                raise ValueError(f"{where}: a package plan needs package_size > 0 and package_price")
        else:
            if not self.tiers or self.tiers[-1].up_to is not None:
                raise ValueError(f"{where}: tiers must end with an open tier (empty up_to_units)")
            bounds = [t.up_to for t in self.tiers[:-1]]
            if any(b is None for b in bounds) or bounds != sorted(set(bounds)) or (bounds and bounds[0] <= 0):
                raise ValueError(f"{where}: tier bounds must rise strictly, and only the last tier is open")


@dataclass(frozen=True)
class Subscription:
    """`ended_at` None = still running. The subscription covers [started_at, ended_at)."""

    subscription_id: str
    customer_id: str
    plan_id: str
    started_at: datetime
    ended_at: datetime | None = None

    def covers(self, instant: datetime) -> bool:
        return self.started_at <= instant and (self.ended_at is None or instant < self.ended_at)


@dataclass(frozen=True)
class Line:
    """One invoice line, rounded once. `month` is the month it bills (an adjustment names an earlier one)."""

    kind: str
    currency: str
    amount: Decimal
    month: date
    plan_id: str
    plan_version: int
    units: int = 0
    days: int = 0
    subscription_id: str | None = None
    description: str = ""
    exact: Fraction = field(default=Fraction(0), compare=False)


# --- money ------------------------------------------------------------------------------------------


def round_half_up(amount: Fraction | Decimal, minor_units: int) -> Decimal:
    """Round to the currency's minor unit, halves away from zero (a credit of -0.005 is -0.01)."""
    scaled = Fraction(amount) * 10**minor_units
    magnitude = (abs(scaled.numerator) * 2 + scaled.denominator) // (scaled.denominator * 2)
    whole = magnitude if scaled >= 0 else -magnitude
    return Decimal(whole).scaleb(-minor_units)


def usage_price(plan: PlanVersion, units: int) -> Fraction:
    """Exact price of a month's billable units under one plan version (the included units cost nothing)."""
    if units < 0:
        raise ValueError(f"billable units cannot be negative: {units}")
    above = max(units - plan.included_units, 0)
    if above == 0:
        return Fraction(0)
    if plan.pricing_model == PACKAGE:
        assert plan.package_size is not None and plan.package_price is not None
        packages = -(-above // plan.package_size)
        return packages * Fraction(plan.package_price)
    if plan.pricing_model == VOLUME:
        tier = next(t for t in plan.tiers if t.up_to is None or above <= t.up_to)
        return above * Fraction(tier.unit_price) + Fraction(tier.flat_fee)
    total, floor = Fraction(0), 0
    for tier in plan.tiers:
        if above <= floor:
            break
        ceiling = above if tier.up_to is None else min(above, tier.up_to)
        total += (ceiling - floor) * Fraction(tier.unit_price) + Fraction(tier.flat_fee)
        floor = ceiling
    return total


# --- calendar ----------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def days_in_month(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def version_in_force(versions: Sequence[PlanVersion], plan_id: str, day: date) -> PlanVersion:
    """The newest version of the plan effective on or before `day`."""
    candidates = [v for v in versions if v.plan_id == plan_id and v.effective_from <= day]
    if not candidates:
        raise LookupError(f"plan {plan_id!r} has no version in force on {day} (seeds/billing/plans.csv)")
    return max(candidates, key=lambda v: v.effective_from)


def period_end_day(sub: Subscription, month: date) -> date:
    """The last day of the subscription's part of the month: the month's last day, or the day it ended."""
    end = midnight(next_month(month))
    if sub.ended_at is not None and sub.ended_at < end:
        end = sub.ended_at
    return (end - timedelta(microseconds=1)).date()


def overlaps(sub: Subscription, month: date) -> bool:
    return sub.started_at < midnight(next_month(month)) and (sub.ended_at is None or sub.ended_at > midnight(month))


def fee_days(subs: Iterable[Subscription], month: date) -> dict[str, int]:
    """Days of the month per subscription: a day belongs to the subscription covering its 00:00 UTC.

    Where two overlap at a midnight (bad data), the later-started one takes the day, so no day is
    charged twice.
    """
    days: dict[str, int] = {}
    ordered = sorted(subs, key=lambda s: (s.started_at, s.subscription_id), reverse=True)
    for offset in range(days_in_month(month)):
        instant = midnight(month + timedelta(days=offset))
        owner = next((s for s in ordered if s.covers(instant)), None)
        if owner is not None:
            days[owner.subscription_id] = days.get(owner.subscription_id, 0) + 1
    return days


def usage_subscription(subs: Iterable[Subscription], month: date) -> Subscription | None:
    """The subscription whose plan prices the month's usage: active at the month's end, or ending last in it."""
    inside = [s for s in subs if overlaps(s, month)]
    if not inside:
        return None
    return max(inside, key=lambda s: (period_end_day(s, month), s.started_at, s.subscription_id))


# --- one customer-month -----------------------------------------------------------------------------


def month_lines(
    subs: Sequence[Subscription],
    month: date,
    billable_units: int,
    versions: Sequence[PlanVersion],
    minor_units: dict[str, int],
) -> list[Line]:
    """Fee lines (one per subscription with days in the month) and the usage line of one customer-month.

    `billable_units` are the month's units covered by a subscription; usage outside every subscription
    is unbillable and never reaches this function.
    """
    lines: list[Line] = []
    by_id = {s.subscription_id: s for s in subs}
    dim = days_in_month(month)
    for sub_id, days in sorted(fee_days(subs, month).items(), key=lambda kv: by_id[kv[0]].started_at):
        sub = by_id[sub_id]
        plan = version_in_force(versions, sub.plan_id, period_end_day(sub, month))
        exact = Fraction(plan.monthly_fee) * days / dim
        lines.append(
            Line(
                kind=FEE,
                currency=plan.currency,
                amount=round_half_up(exact, _minor(minor_units, plan.currency)),
                month=month,
                plan_id=plan.plan_id,
                plan_version=plan.version,
                days=days,
                subscription_id=sub_id,
                description=f"{plan.plan_id} monthly fee, {days}/{dim} days",
                exact=exact,
            )
        )
    if billable_units > 0:
        sub = usage_subscription(subs, month)
        if sub is None:
            raise ValueError(f"{billable_units} billable units in {month:%Y-%m} but no subscription in the month")
        lines.append(usage_line(sub, month, billable_units, versions, minor_units))
    return lines


def usage_line(
    sub: Subscription, month: date, units: int, versions: Sequence[PlanVersion], minor_units: dict[str, int]
) -> Line:
    plan = version_in_force(versions, sub.plan_id, period_end_day(sub, month))
    exact = usage_price(plan, units)
    return Line(
        kind=USAGE,
        currency=plan.currency,
        amount=round_half_up(exact, _minor(minor_units, plan.currency)),
        month=month,
        plan_id=plan.plan_id,
        plan_version=plan.version,
        units=units,
        subscription_id=sub.subscription_id,
        description=f"{plan.plan_id} API usage, {units} units ({plan.included_units} included)",
        exact=exact,
    )


def adjustment_line(
    plan: PlanVersion,
    month: date,
    corrected_units: int,
    invoiced_units: int,
    invoiced_amount: Decimal,
    minor_units: dict[str, int],
) -> Line | None:
    """Late usage of a closed month: the corrected usage's rounded price less what was already invoiced.

    Priced with the plan version that priced the month, so the month's usage lines and adjustments always
    add up to the rounded price of its current usage. None when nothing changed.
    """
    if corrected_units == invoiced_units:
        return None
    corrected = round_half_up(usage_price(plan, corrected_units), _minor(minor_units, plan.currency))
    delta = corrected_units - invoiced_units
    amount = corrected - invoiced_amount
    sign = "+" if delta > 0 else ""
    return Line(
        kind=ADJUSTMENT,
        currency=plan.currency,
        amount=amount,
        month=month,
        plan_id=plan.plan_id,
        plan_version=plan.version,
        units=delta,
        description=f"late usage of {month:%Y-%m}: {sign}{delta} units ({'credit' if amount < 0 else 'charge'})",
        exact=Fraction(amount),
    )


def invoice_total(lines: Iterable[Line]) -> Decimal:
    """The total is the sum of the rounded lines, never a rounding of the exact sum."""
    return sum((line.amount for line in lines), Decimal(0))


def _minor(minor_units: dict[str, int], currency: str) -> int:
    try:
        return minor_units[currency]
    except KeyError:
        raise LookupError(f"currency {currency!r} is not in seeds/billing/currencies.csv") from None
