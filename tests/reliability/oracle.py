"""reliability_daily computed in plain Python from the landing files and the ground truth (no project SQL)."""

from __future__ import annotations

import bisect
import statistics
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from aias_dagster.ingest.contract import get_source
from tests.sample_data.sample_world_checks import load

CATEGORIES = ("rate_limit", "timeout", "connection", "upstream_unavailable", "auth_expired", "validation",
              "not_found", "permission", "internal", "database", "uncategorized")  # fmt: skip
AUTO_FIXABLE = CATEGORIES[:5]


def current_rows(landing: Path, source: str, key: str) -> pd.DataFrame:
    """One row per key, as the loader keeps it: the later delivery day, then the later line, wins."""
    rows = load(landing, get_source(source))
    return rows.drop_duplicates(key, keep="last")


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


RECURRENCE_WINDOW = timedelta(hours=24)


def _seconds(span: timedelta) -> Decimal:
    """Exact, microseconds included (a remediation finishes at any instant, not on a whole second)."""
    return Decimal(span.days * 86_400 + span.seconds) + Decimal(span.microseconds) / 1_000_000


def remediated_at(ledger: list[tuple[str, str, datetime | None]]) -> dict[str, datetime]:
    """Per error, when its remediation first succeeded, from the ledger's (error_id, outcome, finished_at) rows."""
    done: dict[str, datetime] = {}
    for error_id, outcome, finished in ledger:
        if outcome == "succeeded" and finished is not None:
            done[error_id] = min(done.get(error_id, finished), finished)
    return done


def auto_fixed_errors(
    errors: pd.DataFrame, groups: pd.Series, occurred: list[datetime], fixed_at: dict[str, datetime]
) -> set[str]:
    """Remediated errors whose TRUE group did not come back for the same customer (or the same absence of
    one) within 24 hours of the remediation: the contract's auto-fixed, on the generator's groups."""
    seen: dict[tuple[str, str], list[datetime]] = {}
    for error_id, customer, at in zip(errors.error_id, errors.customer_id, occurred, strict=True):
        seen.setdefault((groups[error_id], customer), []).append(at)
    for times in seen.values():
        times.sort()
    fixed = set()
    for error_id, customer in zip(errors.error_id, errors.customer_id, strict=True):
        if error_id not in fixed_at:
            continue
        times, when = seen[(groups[error_id], customer)], fixed_at[error_id]
        later = times[bisect.bisect_right(times, when) :]
        if not later or later[0] > when + RECURRENCE_WINDOW:
            fixed.add(error_id)
    return fixed


def reliability_daily(
    landing: Path, truth: Path, ledger: list[tuple[str, str, datetime | None]] | None = None
) -> dict[tuple[date, str], dict[str, object]]:
    """Rows keyed by (day, category). An error is resolved at its reported `resolved_at` or its first
    successful remediation in the ledger, whichever came first."""
    errors = current_rows(landing, "app_errors", "error_id")
    truth_rows = pd.read_csv(truth / "error_categories.csv", dtype=str).set_index("error_id")
    categories = truth_rows.true_category
    requests = current_rows(landing, "api_requests", "request_id")
    per_day = pd.Series([_stamp(v).date() for v in requests.requested_at]).value_counts().to_dict()
    occurred = [_stamp(v) for v in errors.occurred_at]
    fixed_at = remediated_at(ledger or [])
    reported = [_stamp(v) if v else None for v in errors.resolved_at]
    resolved = [
        min(t for t in (done, fixed_at.get(error_id)) if t is not None) if done or error_id in fixed_at else None
        for error_id, done in zip(errors.error_id, reported, strict=True)
    ]
    auto_fixed = auto_fixed_errors(errors, truth_rows.true_group, occurred, fixed_at)
    as_of = max(occurred)
    table: dict[tuple[date, str], list[tuple[datetime, datetime | None, bool]]] = {}
    for error_id, at, done in zip(errors.error_id, occurred, resolved, strict=True):
        table.setdefault((at.date(), categories[error_id]), []).append((at, done, error_id in auto_fixed))
    first, last = min(occurred).date(), as_of.date()
    out = {}
    day = first
    while day <= last:
        for category in CATEGORIES:
            events = table.get((day, category), [])
            seconds = [_seconds(done - at) for at, done, _ in events if done]
            open_ages = [Decimal(int((as_of - at).total_seconds())) for at, done, _ in events if done is None]
            fixed = sum(1 for *_, is_fixed in events if is_fixed)
            requests_today = per_day.get(day, 0)
            out[(day, category)] = {
                "errors": len(events),
                "api_requests": requests_today,
                "errors_per_1000_requests": _round(Decimal(len(events) * 1000) / requests_today, 4)
                if requests_today
                else None,
                "is_auto_fixable": category in AUTO_FIXABLE,
                "auto_fixed": fixed,
                "auto_fixed_share": _round(Decimal(fixed) / len(events), 4) if events else None,
                "resolved": len(seconds),
                # one exact division each (a sum of rounded sixtieths can miss a half-way value)
                "mttr_median_minutes": _round(Decimal(statistics.median(seconds)) / 60, 2) if seconds else None,
                "mttr_mean_minutes": _round(Decimal(sum(seconds)) / (60 * len(seconds)), 2) if seconds else None,
                "unresolved": len(open_ages),
                "unresolved_max_age_hours": _round(max(open_ages) / 3600, 2) if open_ages else None,
                "unresolved_mean_age_hours": _round(sum(open_ages) / (3600 * len(open_ages)), 2) if open_ages else None,
            }
        day += timedelta(days=1)
    return out
