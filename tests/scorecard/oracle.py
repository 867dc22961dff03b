"""Each loop's scorecard value computed in plain Python, from the landing files and the ground truth.

None of the project's SQL: every number is counted here again from the files the marts were built from,
with the loops' own oracles (tests/<loop>/oracle.py) where they exist. Three inputs are taken as they are,
as the loops' tests take them: support's per-ticket rule categories (the classification is judged on its
own in tests/support/), the rows of the remediation ledger `ops.remediations`, which the reliability
loop's Python writes like a landing file and whose auto-fixes the oracle then counts by the contract's rule,
and the calibrated CAC's bootstrap intervals (a Python asset, tested on its own in tests/acquisition/), whose
widest half-width the oracle takes by the KPI's definition.
The statuses follow the contract's words ("green on target, yellow within 20 % of it"), written out here
apart from the macro.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd

from tests.billing.oracle import price_world
from tests.product.oracle import Oracle as ProductOracle
from tests.product.oracle import read_catalog, read_events, read_signups
from tests.reliability.oracle import current_rows
from tests.support import oracle as support_oracle

SHARE, CENT = Decimal("0.0001"), Decimal("0.01")
TARGETS = {  # docs/data_contract.md, "The scorecard": (target, comparison)
    "acquisition": (Decimal("0.05"), "at_most"),
    "product": (Decimal(1), "at_least"),
    "support": (Decimal("0.9"), "at_least"),
    "billing": (Decimal(1000), "more_than"),
    "reliability": (Decimal("0.2"), "at_least"),
}


@dataclass(frozen=True)
class Expected:
    loop: str
    month_start: date | None
    value: Decimal | None
    status: str
    data_as_of: date | None


def rounded(value: Fraction | Decimal | None, step: Decimal) -> Decimal | None:
    if value is None:
        return None
    exact = value if isinstance(value, Decimal) else Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(step, rounding=ROUND_HALF_UP)


def status(loop: str, value: Decimal | None, also_met: bool = True) -> str:
    """On target: green (and the KPI's second condition holds); at least 80 % of the target: yellow; else red."""
    if value is None:
        return "no_data"
    target, comparison = TARGETS[loop]
    if comparison == "at_most":  # lower is better: within 20 % means at most 1.2 x the target
        return "green" if value <= target else "yellow" if value <= target * Decimal("1.2") else "red"
    on_target = value >= target if comparison == "at_least" else value > target
    if on_target and also_met:
        return "green"
    return "yellow" if value >= target * Decimal("0.8") else "red"


def month_of(day: date) -> date:
    return day.replace(day=1)


def last_complete_month(last_day: date) -> date:
    """The month before the one that holds the day after the newest day of data."""
    current = month_of(last_day + timedelta(days=1))
    return month_of(current - timedelta(days=1))


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def delivery_days(landing: Path, source: str) -> list[date]:
    """The delivery days of a source's landing folder (its files are named by day)."""
    return sorted(date.fromisoformat(p.name.split(".")[0]) for p in (landing / source).iterdir())


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def landing_frame(landing: Path, source: str) -> pd.DataFrame:
    return pd.concat([read_csv(p) for p in sorted((landing / source).glob("*.csv*"))])


# ---- acquisition -------------------------------------------------------------------------------------------


def acquisition(landing: Path, intervals: Iterable[tuple[date, str, Decimal, Decimal, Decimal]]) -> Expected:
    """CAC accuracy: of the month's paid channels (spend in the landing files, a calibrated CAC in the interval
    rows: month, channel, calibrated, low, high), the widest half-width of the 95 % interval as a share of the
    channel's calibrated CAC."""
    spend = landing_frame(landing, "marketing_spend")
    spend_days = delivery_days(landing, "marketing_spend")
    month = last_complete_month(spend_days[-1])
    paid = {ch for ch, day, amount in zip(spend.channel, spend.spend_date, spend.amount, strict=True)
            if month_of(date.fromisoformat(day)) == month and Decimal(amount) > 0}  # fmt: skip
    widths = [
        Fraction((high - low) / 2) / Fraction(calibrated)
        for m, channel, calibrated, low, high in intervals
        if m == month and channel in paid and calibrated
    ]
    value = rounded(max(widths), SHARE) if widths else None
    return Expected("acquisition", month, value, status("acquisition", value), spend_days[-1])


# ---- product -----------------------------------------------------------------------------------------------


def product(landing: Path, truth: Path) -> Expected:
    """Of the catalogued features released by the month's end, the share that has an adoption rate that month."""
    oracle = ProductOracle(read_events(landing), read_catalog(truth), read_signups(truth))
    month = last_complete_month(oracle.last_day)
    monthly = oracle.monthly()
    next_month = month_of(month + timedelta(days=32))
    released = [f for f, day in oracle.catalog.items() if day < next_month]
    with_rate = [f for f in released if (monthly.get((month, f)) or {}).get("adoption_rate") is not None]
    value = rounded(Fraction(len(with_rate), len(released)), SHARE) if released else None
    return Expected("product", month, value, status("product", value), oracle.last_day)


# ---- support -----------------------------------------------------------------------------------------------


def support(landing: Path, rule_category: Mapping[str, str]) -> Expected:
    """The month's tickets an agent or a rule categorized, and its top 5 listed."""
    tickets = support_oracle.newest_tickets(landing)
    months = support_oracle.monthly(tickets, rule_category)
    complete = months[months.is_complete_month]
    month = max(complete.month_start)
    rows = months[months.month_start == month]
    total, uncategorized = int(rows.tickets.sum()), int(rows[rows.category == "uncategorized"].tickets.sum())
    listed = int((support_oracle.top_issues(months).month_start == month).sum())
    value = rounded(1 - Fraction(uncategorized, total), SHARE) if total else None
    data_as_of = tickets.updated_at.dt.tz_convert("UTC").dt.date.max()
    return Expected("support", month, value, status("support", value, listed >= 5), data_as_of)


# ---- billing -----------------------------------------------------------------------------------------------


def last_rates(landing: Path, month: date) -> dict[str, Decimal]:
    """Each currency's last rate of the month (USD is 1)."""
    fx = landing_frame(landing, "fx_rates")
    fx = fx[[month_of(date.fromisoformat(d)) == month for d in fx.rate_date]]
    newest = fx.sort_values("rate_date").drop_duplicates("currency", keep="last")
    return {"USD": Decimal(1), **{c: Decimal(r) for c, r in zip(newest.currency, newest.usd_per_unit, strict=True)}}


def billing(landing: Path, truth: Path, closed: list[date]) -> Expected:
    """The revenue of the newest closed month's invoices in USD: per plan and currency the sum of the lines at
    the month's last rate, to the cent, summed (the grain the revenue mart rounds at)."""
    newest_request = max(stamp(v).date() for v in landing_frame(landing, "api_requests").requested_at)
    if not closed:
        return Expected("billing", None, None, "no_data", newest_request)
    month = max(closed)
    lines = price_world(landing, truth, sorted(closed))
    by_plan: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (_customer, line_month, currency), items in lines.items():
        if line_month == month:
            for _kind, plan, _quantity, amount in items:
                by_plan[(plan, currency)] += amount
    rates = last_rates(landing, month)
    value = sum((rounded(total * rates[currency], CENT) for (_, currency), total in by_plan.items()), Decimal(0))
    return Expected("billing", month, value, status("billing", value), newest_request)


# ---- reliability -------------------------------------------------------------------------------------------


def remediated_at(ledger: Iterable[Mapping[str, object]]) -> dict[str, datetime]:
    """Per error, the end of its first successful remediation attempt."""
    fixed: dict[str, datetime] = {}
    for row in ledger:
        if row["outcome"] == "succeeded" and row["finished_at"] is not None:
            at = row["finished_at"]
            assert isinstance(at, datetime)
            error = str(row["error_id"])
            fixed[error] = min(fixed.get(error, at), at)
    return fixed


def reliability(landing: Path, truth: Path, ledger: Iterable[Mapping[str, object]]) -> Expected:
    """Auto-fixed / all errors of the month. Auto-fixed: a remediation succeeded and the same fault (the truth's
    error group) did not come back for the same customer within 24 hours after it."""
    errors = current_rows(landing, "app_errors", "error_id")
    group = read_csv(truth / "error_categories.csv").set_index("error_id").true_group
    occurred = {e: stamp(v) for e, v in zip(errors.error_id, errors.occurred_at, strict=True)}
    customer = dict(zip(errors.error_id, errors.customer_id, strict=True))
    last_day = max(occurred.values()).date()
    month = last_complete_month(last_day)
    by_fault: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for error, at in occurred.items():
        by_fault[(group[error], customer[error])].append(at)
    fixed = remediated_at(ledger)

    def auto_fixed(error: str) -> bool:
        at = fixed.get(error)
        if at is None:
            return False
        later = by_fault[(group[error], customer[error])]
        return not any(at < t <= at + timedelta(hours=24) for t in later)

    in_month = [e for e, at in occurred.items() if month_of(at.date()) == month]
    value = rounded(Fraction(sum(auto_fixed(e) for e in in_month), len(in_month)), SHARE) if in_month else None
    return Expected("reliability", month, value, status("reliability", value), last_day)
