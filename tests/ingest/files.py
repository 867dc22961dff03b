"""Tiny landing files for loader tests: one valid row per source, and a writer."""

from __future__ import annotations

import csv
import gzip
from datetime import date
from pathlib import Path

from aias_dagster.ingest.contract import get_source

VALID_ROWS: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "C1",
        "company_name": "Acme",
        "signup_at": "2026-03-01T10:00:00Z",
        "converted_at": "",
        "country": "DE",
        "segment": "smb",
        "updated_at": "2026-03-01T10:00:00Z",
    },
    "subscriptions": {
        "subscription_id": "S1",
        "customer_id": "C1",
        "plan_id": "growth",
        "started_at": "2026-03-01T10:00:00Z",
        "ended_at": "",
        "updated_at": "2026-03-01T10:00:00Z",
    },
    "marketing_spend": {
        "spend_date": "2026-03-01",
        "channel": "paid_search",
        "campaign_id": "ps_brand",
        "amount": "120.50",
        "currency": "EUR",
    },
    "fx_rates": {"rate_date": "2026-03-01", "currency": "EUR", "usd_per_unit": "1.081200"},
    "touchpoints": {
        "touchpoint_id": "TP1",
        "anonymous_id": "A1",
        "customer_id": "",
        "occurred_at": "2026-03-01T09:00:00Z",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "ps_brand",
        "referrer_domain": "",
        "landing_path": "/pricing",
    },
    "product_events": {
        "event_id": "E1",
        "customer_id": "C1",
        "user_id": "U1",
        "event_name": "feature_used",
        "feature": "alerts",
        "occurred_at": "2026-03-01T11:00:00Z",
        "properties": '{"plan": "growth"}',
    },
    "support_tickets": {
        "ticket_id": "T1",
        "customer_id": "C1",
        "created_at": "2026-03-01T12:00:00Z",
        "channel": "email",
        "priority": "normal",
        "subject": "Charged twice",
        "body": "Hello,\nI was charged twice.",
        "status": "open",
        "first_response_at": "",
        "solved_at": "",
        "reopened_count": "0",
        "csat_score": "",
        "agent_category": "",
        "request_id": "",
        "updated_at": "2026-03-01T12:00:00Z",
    },
    "api_requests": {
        "request_id": "R1",
        "customer_id": "C1",
        "api_key_id": "K1",
        "endpoint": "/v1/search",
        "method": "GET",
        "status_code": "200",
        "requested_at": "2026-03-01T13:00:00Z",
        "latency_ms": "41.5",
        "units": "1",
    },
    "app_errors": {
        "error_id": "X1",
        "occurred_at": "2026-03-01T14:00:00Z",
        "service": "api-gateway",
        "customer_id": "C1",
        "request_id": "R1",
        "error_class": "TimeoutError",
        "message": "Timeout after 30000ms",
        "http_status": "504",
        "resolved_at": "",
    },
}


def row(source: str, n: int = 1, **changes: str) -> dict[str, str]:
    """A valid row of source with its key made unique by n, then changed as asked."""
    values = dict(VALID_ROWS[source])
    for key in get_source(source).key:
        if key.endswith("_id"):
            values[key] = f"{values[key]}-{n}"
    values.update(changes)
    return values


def write_landing(
    landing: Path,
    source: str,
    day: date,
    rows: list[dict[str, str]],
    header: list[str] | None = None,
    gz: bool = False,
) -> Path:
    """Write rows as `<landing>/<source>/<day>.csv[.gz]` in RFC 4180 CSV."""
    header = header or list(get_source(source).column_names)
    path = landing / source / f"{day.isoformat()}.csv{'.gz' if gz else ''}"
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if gz else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:  # type: ignore[operator]
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path
