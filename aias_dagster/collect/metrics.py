"""The collector's counters since it started, as Prometheus' text format serves them on /metrics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from aias_dagster.collect.store import COUNTS, Stored


@dataclass
class Metrics:
    responses: Counter[tuple[str, int]] = field(default_factory=Counter)  # (source, status) -> requests
    events: Counter[tuple[str, str]] = field(default_factory=Counter)  # (source, outcome) -> events
    newest: dict[str, datetime] = field(default_factory=dict)  # source -> newest event time stored
    seconds: Counter[str] = field(default_factory=Counter)  # source -> seconds spent answering

    def answered(self, source: str, status: int, seconds: float) -> None:
        self.responses[(source, status)] += 1
        self.seconds[source] += seconds

    def stored(self, source: str, stored: Stored) -> None:
        for outcome in COUNTS:
            self.events[(source, outcome)] += getattr(stored, outcome)
        if stored.newest_event_at is not None and (
            source not in self.newest or stored.newest_event_at > self.newest[source]
        ):
            self.newest[source] = stored.newest_event_at

    def render(self) -> str:
        lines = [
            "# HELP aias_collect_requests_total Requests answered, by source and HTTP status.",
            "# TYPE aias_collect_requests_total counter",
            *(
                f'aias_collect_requests_total{{source="{s}",code="{c}"}} {n}'
                for (s, c), n in sorted(self.responses.items())
            ),
            "# HELP aias_collect_events_total Events received, by source and outcome "
            "(accepted: new rows; duplicates: keys already stored; rejected: kept in raw.load_rejects; "
            "ignored: item types acknowledged without a row).",
            "# TYPE aias_collect_events_total counter",
            *(
                f'aias_collect_events_total{{source="{s}",outcome="{o}"}} {n}'
                for (s, o), n in sorted(self.events.items())
            ),
            "# HELP aias_collect_request_seconds_total Seconds spent answering requests, by source.",
            "# TYPE aias_collect_request_seconds_total counter",
            *(f'aias_collect_request_seconds_total{{source="{s}"}} {v:.6f}' for s, v in sorted(self.seconds.items())),
            "# HELP aias_collect_newest_event_timestamp_seconds Event time of the newest event stored, by source.",
            "# TYPE aias_collect_newest_event_timestamp_seconds gauge",
            *(
                f'aias_collect_newest_event_timestamp_seconds{{source="{s}"}} {t.timestamp():.3f}'
                for s, t in sorted(self.newest.items())
            ),
        ]
        return "\n".join(lines) + "\n"
