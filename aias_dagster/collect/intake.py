"""What the collector stored since a sensor last looked: read from raw.collect_requests, one row per request.

The loops' sensors (product/sensors.py, reliability/sensors.py) start their loop's model build when this finds
new rows, and report it as an observation of the raw asset, so the Dagster UI shows the intake beside the loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

SOURCE_OF_TABLE = {"product_events": "segment", "app_errors": "sentry"}


@dataclass(frozen=True)
class Intake:
    """The requests of one source after a cursor: the newest request's id and what they added."""

    last_id: int
    requests: int
    accepted: int
    duplicates: int
    rejected: int
    ignored: int
    newest_event_at: datetime | None

    def metadata(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "events_accepted": self.accepted,
            "events_duplicate": self.duplicates,
            "events_rejected": self.rejected,
            "items_ignored": self.ignored,
            "newest_event_at": self.newest_event_at.isoformat() if self.newest_event_at else "none",
        }


def intake_since(conn: psycopg.Connection, table: str, after_id: int) -> Intake | None:
    """The requests that wrote `table` (product_events or app_errors) after request after_id; None if none."""
    if conn.execute("select to_regclass('raw.collect_requests') is null").fetchone()[0]:  # type: ignore[index]
        return None
    row = conn.execute(
        """
        select max(id), count(*), sum(accepted), sum(duplicates), sum(rejected), sum(ignored), max(newest_event_at)
        from raw.collect_requests where source = %s and id > %s
        """,
        (SOURCE_OF_TABLE[table], after_id),
    ).fetchone()
    if row is None or row[0] is None:
        return None
    last_id, requests, accepted, duplicates, rejected, ignored, newest = row
    return Intake(int(last_id), int(requests), int(accepted), int(duplicates), int(rejected), int(ignored), newest)
