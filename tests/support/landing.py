"""Hand-written tickets as landing files: one customer, one delivery day, as the loader reads them."""

from __future__ import annotations

import csv
from pathlib import Path

TICKET_COLUMNS = ["ticket_id", "customer_id", "created_at", "channel", "priority", "subject", "body", "status",
                  "first_response_at", "solved_at", "reopened_count", "csat_score", "agent_category", "request_id",
                  "updated_at"]  # fmt: skip


def write_ticket_landing(landing: Path, tickets: list[dict[str, str]], id_prefix: str) -> list[str]:
    """Customer C1 and the tickets (s: subject, b: body) as open, unlabelled tickets <id_prefix>001, ... of
    2026-03-02; returns their ids in the tickets' order."""
    (landing / "customers").mkdir(parents=True)
    (landing / "support_tickets").mkdir()
    with (landing / "customers" / "2026-03-01.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "company_name", "signup_at", "converted_at", "country", "segment",
                         "updated_at"])  # fmt: skip
        writer.writerow(["C1", "Hand Written Ltd", "2026-01-05T09:00:00Z", "", "DE", "smb", "2026-01-05T09:00:00Z"])
    ids = [f"{id_prefix}{n:03d}" for n in range(1, len(tickets) + 1)]
    with (landing / "support_tickets" / "2026-03-02.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TICKET_COLUMNS)
        for n, (ticket_id, ticket) in enumerate(zip(ids, tickets, strict=True), start=1):
            stamp = f"2026-03-02T{n // 60:02d}:{n % 60:02d}:00Z"
            writer.writerow([ticket_id, "C1", stamp, "email", "normal", ticket["s"], ticket["b"].rstrip("\n"),
                             "open", "", "", "0", "", "", "", stamp])  # fmt: skip
    return ids
