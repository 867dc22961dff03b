"""Hand-written tickets as landing files: one customer, one delivery day, as the loader reads them."""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path

TICKET_COLUMNS = ["ticket_id", "customer_id", "created_at", "channel", "priority", "subject", "body", "status",
                  "first_response_at", "solved_at", "reopened_count", "csat_score", "agent_category", "request_id",
                  "updated_at"]  # fmt: skip


def write_ticket_landing(landing: Path, tickets: list[dict[str, str]], id_prefix: str, day: date = date(2026, 3, 2)
                         ) -> list[str]:  # fmt: skip
    """Customer C1 (delivered the day before) and the tickets (s: subject, b: body) as open, unlabelled tickets
    <id_prefix>001, ... of `day`; returns their ids in the tickets' order."""
    (landing / "customers").mkdir(parents=True, exist_ok=True)
    (landing / "support_tickets").mkdir(exist_ok=True)
    with (landing / "customers" / f"{day - timedelta(days=1)}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "company_name", "signup_at", "converted_at", "country", "segment",
                         "updated_at"])  # fmt: skip
        writer.writerow(["C1", "Hand Written Ltd", "2026-01-05T09:00:00Z", "", "DE", "smb", "2026-01-05T09:00:00Z"])
    ids = [f"{id_prefix}{n:03d}" for n in range(1, len(tickets) + 1)]
    with (landing / "support_tickets" / f"{day}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TICKET_COLUMNS)
        for n, (ticket_id, ticket) in enumerate(zip(ids, tickets, strict=True), start=1):
            stamp = f"{day}T{n // 60:02d}:{n % 60:02d}:00Z"
            writer.writerow([ticket_id, "C1", stamp, "email", "normal", ticket["s"], ticket["b"].rstrip("\n"),
                             "open", "", "", "0", "", "", "", stamp])  # fmt: skip
    return ids


def copy_demo_world_tickets(landing: Path, scratch: Path) -> None:
    """The demo world's customers and tickets (some 500 of them labelled by agents) into `landing`: what the
    nightly model trains on beside the seed examples, for tools that measure the model as it runs in the demo."""
    from aias_dagster.sample_data import generate_world
    from tests.conftest import DEMO_WORLD_END

    generate_world(out=scratch / "landing", truth_out=scratch / "truth", end=DEMO_WORLD_END)
    for source in ("customers", "support_tickets"):
        shutil.copytree(scratch / "landing" / source, landing / source, dirs_exist_ok=True)
