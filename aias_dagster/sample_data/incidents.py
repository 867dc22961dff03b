"""Incidents: short windows in which a share of API requests fail the same way.

They make the error bursts of the reliability loop, and since they are decided before the requests,
the failed requests, their app errors and the support tickets about them tell one story.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aias_dagster.sample_data.timeline import HOUR, MINUTE, Timeline

# (true error category, HTTP status of the failed requests, service that raises the errors)
INCIDENT_KINDS: tuple[tuple[str, int, str], ...] = (
    ("upstream_unavailable", 503, "billing-service"),
    ("timeout", 504, "search"),
    ("rate_limit", 429, "api-gateway"),
    ("database", 500, "billing-service"),
    ("connection", 502, "messages"),
)


@dataclass(frozen=True)
class Incident:
    start_s: int
    end_s: int
    category: str
    status_code: int
    service: str
    share: float  # of the window's requests that fail


def plan_incidents(rng: np.random.Generator, timeline: Timeline) -> tuple[Incident, ...]:
    """About one incident every 25 days, on distinct days, in working hours."""
    count = min(timeline.days, max(1, round(timeline.days / 25)))
    days = np.sort(rng.choice(timeline.days, size=count, replace=False))
    kinds = rng.permutation(len(INCIDENT_KINDS))
    incidents = []
    for i, day in enumerate(days):
        category, status, service = INCIDENT_KINDS[kinds[i % len(kinds)]]
        start = int(timeline.day_start(day)) + int(rng.integers(8 * HOUR, 20 * HOUR))
        duration = int(rng.integers(45 * MINUTE, 3 * HOUR))
        incidents.append(Incident(start, start + duration, category, status, service, float(rng.uniform(0.25, 0.5))))
    return tuple(incidents)
