"""Writing small landing folders of subscriptions and API requests for the billing tests."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.window import load_days
from aias_dagster.platform.warehouse import ConnectionSettings

REQUEST_COLUMNS = ("request_id", "customer_id", "api_key_id", "endpoint", "method", "status_code", "requested_at",
                   "latency_ms", "units")  # fmt: skip
SUB_COLUMNS = ("subscription_id", "customer_id", "plan_id", "started_at", "ended_at", "updated_at")


@dataclass(frozen=True)
class Req:
    request_id: str
    customer_id: str
    requested_at: str
    units: int = 1
    status: int = 200

    def row(self) -> dict[str, object]:
        return {
            "request_id": self.request_id,
            "customer_id": self.customer_id,
            "api_key_id": "K000001",
            "endpoint": "/v1/batch",
            "method": "POST",
            "status_code": self.status,
            "requested_at": self.requested_at,
            "latency_ms": "12.5",
            "units": self.units,
        }


@dataclass(frozen=True)
class Sub:
    subscription_id: str
    customer_id: str
    plan_id: str
    started_at: str
    ended_at: str = ""

    def row(self) -> dict[str, object]:
        return {**self.__dict__, "updated_at": self.ended_at or self.started_at}


def write_day(landing: Path, source: str, day: str, rows: Iterable[dict[str, object]], columns: Sequence[str]) -> None:
    folder = landing / source
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{day}.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def deliver(
    settings: ConnectionSettings,
    landing: Path,
    day: str,
    requests: Sequence[Req] = (),
    subs: Sequence[Sub] = (),
) -> None:
    """Write the day's files and load them with the real loader (a second delivery of a day replaces it)."""
    from datetime import date

    with psycopg.connect(settings.url) as conn:
        if subs:
            write_day(landing, "subscriptions", day, (s.row() for s in subs), SUB_COLUMNS)
            load_days(conn, get_source("subscriptions"), landing, [date.fromisoformat(day)])
        if requests:
            write_day(landing, "api_requests", day, (r.row() for r in requests), REQUEST_COLUMNS)
            load_days(conn, get_source("api_requests"), landing, [date.fromisoformat(day)])


def requests_of(prefix: str, customer: str, stamps_units: Sequence[tuple[str, int]], status: int = 200) -> list[Req]:
    return [Req(f"{prefix}{n:05d}", customer, at, units, status) for n, (at, units) in enumerate(stamps_units, 1)]
