"""Feature adoption computed again in plain Python from the landing files and the ground truth.

None of the project's SQL or models: the events are read from the CSV files as delivered (the later
delivery of an `event_id` wins, then the later line, as the contract says), the catalog and the signups
from the ground truth, and every figure of the three marts is derived from sets of accounts and users.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from statistics import median

WINDOW = 28


@dataclass(frozen=True)
class Event:
    customer_id: str
    user_id: str
    feature: str | None
    occurred_at: datetime

    @property
    def day(self) -> date:
        return self.occurred_at.date()


def timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def read_events(landing: Path) -> list[Event]:
    """The current version of every event, as the contract defines it (no bad rows in the demo world)."""
    latest: dict[str, dict[str, str]] = {}
    for path in sorted((landing / "product_events").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                latest[row["event_id"]] = row
    events = []
    for row in latest.values():
        feature = row["feature"].strip().lower() or None
        events.append(Event(row["customer_id"], row["user_id"], feature, timestamp(row["occurred_at"])))
    return events


def read_catalog(truth: Path) -> dict[str, date]:
    with (truth / "feature_catalog.csv").open(encoding="utf-8", newline="") as handle:
        return {r["feature"]: date.fromisoformat(r["released_on"]) for r in csv.DictReader(handle)}


def read_signups(truth: Path) -> dict[str, datetime]:
    with (truth / "customer_channels.csv").open(encoding="utf-8", newline="") as handle:
        return {r["customer_id"]: timestamp(r["signup_at"]) for r in csv.DictReader(handle)}


def rounded(value: Fraction | float | None, places: int) -> Decimal | None:
    """Half away from zero, once, as the marts round (macros/marts/mart_precision.sql)."""
    if value is None:
        return None
    exact = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(f"{value:.15g}")
    )
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ratio(numerator: int, denominator: int) -> Decimal | None:
    return rounded(Fraction(numerator, denominator), 4) if denominator else None


def month_of(day: date) -> date:
    return day.replace(day=1)


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


@dataclass
class Oracle:
    events: list[Event]
    catalog: dict[str, date]
    signups: dict[str, datetime]
    active_by_day: dict[date, set[str]] = field(default_factory=lambda: defaultdict(set))
    used_by_day: dict[tuple[str, date], set[str]] = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self) -> None:
        for e in self.events:
            self.active_by_day[e.day].add(e.customer_id)
            if e.feature in self.catalog and e.day >= self.catalog[e.feature]:
                self.used_by_day[(e.feature, e.day)].add(e.customer_id)
        self.first_day, self.last_day = min(self.active_by_day), max(self.active_by_day)

    @functools.cached_property
    def first_uses(self) -> dict[tuple[str, str], dict[str, object]]:
        return self.first_use()

    def first_use(self) -> dict[tuple[str, str], dict[str, object]]:
        """(customer, feature) -> the row of marts.feature_first_use."""
        firsts: dict[tuple[str, str], tuple[datetime, str]] = {}
        betas: dict[tuple[str, str], datetime] = {}
        for e in self.events:
            if e.feature not in self.catalog:
                continue
            key = (e.customer_id, e.feature)
            if e.day < self.catalog[e.feature]:
                betas[key] = min(betas.get(key, e.occurred_at), e.occurred_at)
            elif key not in firsts or (e.occurred_at, e.user_id) < firsts[key]:
                firsts[key] = (e.occurred_at, e.user_id)
        rows = {}
        for (customer, feature), (at, user) in firsts.items():
            release = datetime.combine(self.catalog[feature], datetime.min.time(), UTC)
            signup = self.signups.get(customer)
            start = None if signup is None else max(signup, release)
            # A first use before signup is adoption at once (the mart's rule), not negative time.
            exact = None if start is None else Fraction(int((at - start).total_seconds() * 1_000_000), 1_000_000)
            seconds = None if exact is None else max(Fraction(0), exact)
            rows[(customer, feature)] = {
                "first_used_at": at,
                "first_user_id": user,
                "days_to_adopt": None if seconds is None else rounded(seconds / 86400, 2),
                "seconds_to_adopt": seconds,
                "first_beta_use_at": betas.get((customer, feature)),
            }
        return rows

    def daily(self) -> dict[tuple[date, str], dict[str, object]]:
        new_by_day: dict[tuple[str, date], int] = defaultdict(int)
        for (_customer, feature), row in self.first_uses.items():
            new_by_day[(feature, row["first_used_at"].date())] += 1  # type: ignore[union-attr]
        rows = {}
        for feature, released in self.catalog.items():
            day = max(released, self.first_day)
            while day <= self.last_day:
                start = max(day - timedelta(days=WINDOW - 1), released)
                span = [start + timedelta(days=i) for i in range((day - start).days + 1)]
                active = set().union(*(self.active_by_day.get(d, set()) for d in span))
                adopters = set().union(*(self.used_by_day.get((feature, d), set()) for d in span))
                on_day = len(self.used_by_day.get((feature, day), set()))
                rows[(day, feature)] = {
                    "window_start": start,
                    "window_days": len(span),
                    "is_short_window": len(span) < WINDOW,
                    "active_accounts": len(active),
                    "adopters": len(adopters),
                    "adoption_rate": ratio(len(adopters), len(active)),
                    "accounts_on_day": on_day,
                    "new_adopters": new_by_day[(feature, day)],
                    "stickiness": ratio(on_day, len(adopters)),
                }
                day += timedelta(days=1)
        return rows

    def monthly(self) -> dict[tuple[date, str], dict[str, object]]:
        firsts = self.first_uses
        last_active: dict[date, dict[str, date]] = defaultdict(dict)  # month -> account -> its last active day
        used: dict[tuple[date, str], set[str]] = defaultdict(set)
        users: dict[tuple[date, str], set[str]] = defaultdict(set)
        for e in self.events:
            seen = last_active[month_of(e.day)]
            seen[e.customer_id] = max(seen.get(e.customer_id, e.day), e.day)
            if e.feature in self.catalog and e.day >= self.catalog[e.feature]:
                used[(month_of(e.day), e.feature)].add(e.customer_id)
                users[(month_of(e.day), e.feature)].add(e.user_id)
        months = sorted(
            {month_of(self.first_day + timedelta(days=i)) for i in range((self.last_day - self.first_day).days + 1)}
        )
        rows = {}
        for feature, released in self.catalog.items():
            for month in months:
                if month < month_of(released):
                    continue
                active = {c for c, last in last_active[month].items() if last >= released}
                now, before = used[(month, feature)], used[(previous_month(month), feature)]
                first_month = {c: month_of(firsts[(c, feature)]["first_used_at"].date()) for c in now}  # type: ignore[union-attr]
                new = {c for c in now if first_month[c] == month}
                adopted_now = [firsts[(c, feature)] for c in new]
                seconds = [float(r["seconds_to_adopt"]) for r in adopted_now if r["seconds_to_adopt"] is not None]
                rows[(month, feature)] = {
                    "active_accounts": len(active),
                    "adopters": len(now),
                    "adoption_rate": ratio(len(now), len(active)),
                    "new_accounts": len(new),
                    "repeat_accounts": len(now & before),
                    "returning_accounts": len({c for c in now - before if first_month[c] < month}),
                    "churned_accounts": len(before - now),
                    "median_days_to_adopt": rounded(median(seconds) / 86400.0, 2) if seconds else None,
                    "distinct_users": len(users[(month, feature)]),
                }
        return rows

    def outside_catalog(self) -> dict[tuple[date, str], dict[str, object]]:
        """(day, feature) -> usage that is not adoption: uncatalogued names and beta use."""
        grouped: dict[tuple[date, str], list[Event]] = defaultdict(list)
        for e in self.events:
            if e.feature is None:
                continue
            if e.feature not in self.catalog or e.day < self.catalog[e.feature]:
                grouped[(e.day, e.feature)].append(e)
        return {
            key: {
                "usage_kind": "uncatalogued" if key[1] not in self.catalog else "beta",
                "events": len(found),
                "distinct_accounts": len({e.customer_id for e in found}),
                "distinct_users": len({e.user_id for e in found}),
            }
            for key, found in grouped.items()
        }
