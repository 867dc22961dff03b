"""support_monthly and support_top_issues computed in plain Python from the landing files, none of the
project's SQL: the newest version of each ticket as the contract defines it, then every metric by hand.

The one input that does not come from the landing files is the category of a ticket WITHOUT an agent label:
that is the rules' answer (judged on its own against the ground truth and the hand-written set in
test_categorization.py), so the oracle takes it per ticket from marts.support_tickets. Everything after it
(months, counts, percentiles, backlog, changes, ranks) is computed here.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

CATEGORIES = ("billing", "login_access", "api_errors", "performance", "bug_report", "feature_request",
              "account_management", "data_export", "how_to", "uncategorized")  # fmt: skip
SPIKE_FACTOR, SPIKE_MIN_TICKETS = 2, 10  # dbt_project.yml vars


def newest_tickets(landing: Path) -> pd.DataFrame:
    """One row per ticket: the greatest updated_at, then the later delivery day, then the later line."""
    rows = []
    for path in sorted((landing / "support_tickets").iterdir()):
        day = path.name.split(".")[0]
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            for line, record in enumerate(csv.DictReader(handle)):
                rows.append({**{k.strip(): v for k, v in record.items()}, "_day": day, "_line": line})
    frame = pd.DataFrame(rows)
    for column in ("created_at", "first_response_at", "solved_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column].replace("", None), utc=True, format="ISO8601")
    frame = frame.sort_values(["ticket_id", "updated_at", "_day", "_line"]).drop_duplicates("ticket_id", keep="last")
    frame["agent_category"] = frame.agent_category.str.strip().str.lower().replace("", None)
    frame["status"] = frame.status.str.strip().str.lower()
    frame["reopened_count"] = frame.reopened_count.astype(int)
    frame["csat_score"] = pd.to_numeric(frame.csat_score.replace("", None))
    return frame.set_index("ticket_id")


def _month(ts: pd.Series) -> pd.Series:
    return ts.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.date


def _percentile(values: pd.Series, fraction: float) -> float | None:
    values = values.dropna()
    return None if values.empty else float(np.percentile(values.to_numpy(dtype=float), fraction * 100))


def monthly(tickets: pd.DataFrame, rule_category: Mapping[str, str]) -> pd.DataFrame:
    t = tickets.copy()
    t["category"] = t.agent_category.fillna(pd.Series(rule_category))
    t["created_month"] = _month(t.created_at)
    t["solved_month"] = _month(t.solved_at.dropna()).reindex(t.index)
    t["is_open"] = t.status.isin(["open", "pending"])
    t["frt"] = (t.first_response_at - t.created_at).dt.total_seconds() / 60
    t["res"] = (t.solved_at - t.created_at).dt.total_seconds() / 60
    data_through = t.updated_at.dt.tz_convert("UTC").dt.date.max()
    first = t.created_at.dt.tz_convert("UTC").dt.date.min()
    months, m = [], date(first.year, first.month, 1)
    while m <= data_through:
        months.append(m)
        m = (m + timedelta(days=32)).replace(day=1)

    out = []
    for month in months:
        in_month = t[t.created_month == month]
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        for category in CATEGORIES:
            g = in_month[in_month.category == category]
            solved_once = int((g.solved_at.notna() | (g.reopened_count > 0)).sum())
            reopened = int((g.reopened_count > 0).sum())
            solved = int(g.solved_at.notna().sum())
            rated = int(g.csat_score.notna().sum())
            unsolved = g.is_open | g.solved_at.isna() | (g.solved_month > month)
            out.append({
                "month_start": month, "category": category, "tickets": len(g),
                "share": len(g) / len(in_month) if len(in_month) else None,
                "first_response_median_minutes": _percentile(g.frt, 0.5),
                "first_response_p90_minutes": _percentile(g.frt, 0.9),
                "resolution_median_minutes": _percentile(g.res, 0.5),
                "resolution_p90_minutes": _percentile(g.res, 0.9),
                "unsolved_at_month_end": int(unsolved.sum()),
                "tickets_solved": solved_once, "tickets_reopened": reopened,
                "reopen_rate": reopened / solved_once if solved_once else None,
                "csat_mean": float(g.csat_score.mean()) if rated else None,
                "csat_response_rate": rated / solved if solved else None,
                "csat_satisfied_share": float((g.csat_score >= 4).sum()) / rated if rated else None,
                "is_complete_month": month_end <= data_through,
            })  # fmt: skip
    frame = pd.DataFrame(out)
    by_category = frame.groupby("category", sort=False).tickets
    frame["tickets_previous_month"] = by_category.shift(1)
    frame["tickets_change"] = frame.tickets - frame.tickets_previous_month
    previous = frame.tickets_previous_month.where(frame.tickets_previous_month > 0)
    frame["tickets_change_percent"] = 100 * frame.tickets_change / previous
    trailing = by_category.transform(lambda s: s.shift(1).rolling(3, min_periods=3).mean())
    frame["trailing_3_month_mean"] = trailing
    frame["is_spike"] = (
        trailing.notna() & (frame.tickets >= SPIKE_FACTOR * trailing) & (frame.tickets - trailing >= SPIKE_MIN_TICKETS)
    )
    return frame


def top_issues(month_rows: pd.DataFrame) -> pd.DataFrame:
    ranked = month_rows[(month_rows.tickets > 0) & (month_rows.category != "uncategorized")].copy()
    ranked["change_key"] = ranked.tickets_change.fillna(-np.inf)
    ranked = ranked.sort_values(
        ["month_start", "tickets", "change_key", "category"], ascending=[True, False, False, True]
    )
    ranked["issue_rank"] = ranked.groupby("month_start").cumcount() + 1
    months = sorted(month_rows.month_start.unique())
    previous_month = dict(zip(months[1:], months[:-1], strict=False))
    rank_of = {(r.month_start, r.category): r.issue_rank for r in ranked.itertuples()}
    ranked["previous_rank"] = [
        rank_of.get((previous_month.get(r.month_start), r.category)) for r in ranked.itertuples()
    ]
    last_complete = max(
        (m for m, c in zip(month_rows.month_start, month_rows.is_complete_month, strict=True) if c), default=None
    )
    ranked["is_last_complete_month"] = ranked.month_start == last_complete
    return ranked[ranked.issue_rank <= 5].drop(columns="change_key")


def as_date(value: object) -> date:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]
