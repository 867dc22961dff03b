"""reliability_daily computed in plain Python from the landing files and the ground truth (no project SQL)."""

from __future__ import annotations

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


def reliability_daily(landing: Path, truth: Path) -> dict[tuple[date, str], dict[str, object]]:
    """Rows keyed by (day, category); no remediation has run, so resolution is the reported `resolved_at`."""
    errors = current_rows(landing, "app_errors", "error_id")
    categories = pd.read_csv(truth / "error_categories.csv", dtype=str).set_index("error_id").true_category
    requests = current_rows(landing, "api_requests", "request_id")
    per_day = pd.Series([_stamp(v).date() for v in requests.requested_at]).value_counts().to_dict()
    occurred = [_stamp(v) for v in errors.occurred_at]
    resolved = [_stamp(v) if v else None for v in errors.resolved_at]
    as_of = max(occurred)
    table: dict[tuple[date, str], list[tuple[datetime, datetime | None]]] = {}
    for error_id, at, done in zip(errors.error_id, occurred, resolved, strict=True):
        table.setdefault((at.date(), categories[error_id]), []).append((at, done))
    first, last = min(occurred).date(), as_of.date()
    out = {}
    day = first
    while day <= last:
        for category in CATEGORIES:
            events = table.get((day, category), [])
            seconds = [int((done - at).total_seconds()) for at, done in events if done]
            open_ages = [Decimal(int((as_of - at).total_seconds())) for at, done in events if done is None]
            requests_today = per_day.get(day, 0)
            out[(day, category)] = {
                "errors": len(events),
                "api_requests": requests_today,
                "errors_per_1000_requests": _round(Decimal(len(events) * 1000) / requests_today, 4)
                if requests_today
                else None,
                "is_auto_fixable": category in AUTO_FIXABLE,
                "auto_fixed": 0,
                "auto_fixed_share": Decimal("0.0000") if events else None,
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
