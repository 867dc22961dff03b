"""An independent pricer for the tests: plain Python and Decimal over the landing files and the seed CSVs.

It shares nothing with aias_dagster.billing (no import of it, none of the project's SQL): it reads the
files the way the data contract describes them (a request's latest delivery wins; a subscription's
greater `updated_at`, then the later delivery day, then the later line) and prices the rules as the
contract writes them, with Decimal at 50 digits where the project uses fractions.
"""

from __future__ import annotations

import calendar
import csv
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path

EXACT = Context(prec=50)
SEEDS = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "billing"


def _open(path: Path) -> io.TextIOBase:
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _rows(landing: Path, source: str, skip: set[tuple[str, int]]):  # type: ignore[no-untyped-def]
    """(delivery day, line, row) of every good row, oldest file first."""
    folder = landing / source
    for path in sorted(p for p in folder.iterdir() if p.name.endswith((".csv", ".csv.gz"))):
        with _open(path) as f:
            reader = csv.DictReader(f)
            previous = reader.line_num
            for row in reader:
                line = previous + 1
                previous = reader.line_num
                if (f"{source}/{path.name}", line) not in skip:
                    yield path.name[:10], line, {k.strip(): v for k, v in row.items() if k}


def bad_lines(truth: Path) -> set[tuple[str, int]]:
    manifest = truth / "bad_rows.csv"
    if not manifest.exists():
        return set()
    with manifest.open(newline="") as f:
        return {(r["file"], int(r["line"])) for r in csv.DictReader(f)}


@dataclass(frozen=True)
class OSub:
    sid: str
    customer: str
    plan: str
    start: datetime
    end: datetime | None


def read_world(landing: Path, truth: Path) -> tuple[dict[str, list[OSub]], list[tuple[str, datetime, int, int]]]:
    skip = bad_lines(truth)
    latest: dict[str, tuple[datetime, str, int, dict[str, str]]] = {}
    for day, line, row in _rows(landing, "subscriptions", skip):
        key = (_stamp(row["updated_at"]), day, line)
        if row["subscription_id"] not in latest or key >= latest[row["subscription_id"]][:3]:
            latest[row["subscription_id"]] = (*key, row)
    subs: dict[str, list[OSub]] = defaultdict(list)
    for sid, (*_, row) in latest.items():
        end = _stamp(row["ended_at"]) if row["ended_at"].strip() else None
        subs[row["customer_id"]].append(OSub(sid, row["customer_id"], row["plan_id"], _stamp(row["started_at"]), end))
    requests: dict[str, tuple[str, datetime, int, int]] = {}
    for _day, _line, row in _rows(landing, "api_requests", skip):  # later day, later line: the last one read wins
        units = int(row["units"]) if row["units"].strip() else 1
        requests[row["request_id"]] = (row["customer_id"], _stamp(row["requested_at"]), int(row["status_code"]), units)
    return dict(subs), list(requests.values())


def read_seeds() -> tuple[list[dict[str, str]], dict[tuple[str, str], list[dict[str, str]]], dict[str, int]]:
    def rows(name: str) -> list[dict[str, str]]:
        with (SEEDS / f"{name}.csv").open(newline="") as f:
            return list(csv.DictReader(f))

    tiers: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for t in sorted(rows("plan_tiers"), key=lambda t: int(t["tier"])):
        tiers[(t["plan_id"], t["version"])].append(t)
    return rows("plans"), dict(tiers), {c["currency"]: int(c["minor_units"]) for c in rows("currencies")}


def price_units(plan: dict[str, str], tiers: list[dict[str, str]], units: int) -> Decimal:
    over = units - int(plan["included_units"])
    if over <= 0:
        return Decimal(0)
    model = plan["pricing_model"]
    if model == "package":
        size = int(plan["package_size"])
        return ((over + size - 1) // size) * Decimal(plan["package_price"])
    if model == "volume":
        for t in tiers:
            if not t["up_to_units"] or over <= int(t["up_to_units"]):
                return over * Decimal(t["unit_price"]) + Decimal(t["flat_fee"])
    total, done = Decimal(0), 0
    for t in tiers:
        top = over if not t["up_to_units"] else min(over, int(t["up_to_units"]))
        if top > done:
            total += (top - done) * Decimal(t["unit_price"]) + Decimal(t["flat_fee"])
            done = top
    return total


def price_world(landing: Path, truth: Path, months: list[date]) -> dict[tuple[str, date, str], list[tuple]]:
    """Per (customer, month, currency): the lines (kind, plan, days or units, amount), fees first."""
    subs, requests = read_world(landing, truth)
    plans, tiers, minor = read_seeds()

    def version(plan_id: str, last_day: date) -> dict[str, str]:
        live = [p for p in plans if p["plan_id"] == plan_id and date.fromisoformat(p["effective_from"]) <= last_day]
        return max(live, key=lambda p: p["effective_from"])

    def money(amount: Decimal, currency: str) -> Decimal:
        return amount.quantize(Decimal(1).scaleb(-minor[currency]), rounding=ROUND_HALF_UP)

    units: dict[tuple[str, date], int] = defaultdict(int)
    for customer, at, status, n in requests:
        covered = any(s.start <= at and (s.end is None or at < s.end) for s in subs.get(customer, []))
        if 200 <= status <= 399 and covered:
            units[(customer, at.date().replace(day=1))] += n

    invoices: dict[tuple[str, date, str], list[tuple]] = defaultdict(list)
    for month in months:
        length = calendar.monthrange(month.year, month.month)[1]
        first = datetime(month.year, month.month, 1, tzinfo=UTC)
        after = first + timedelta(days=length)
        for customer, own in subs.items():
            inside = [s for s in own if s.start < after and (s.end is None or s.end > first)]
            if not inside:
                continue

            def last_day(s: OSub, after: datetime = after) -> date:
                return (min(after, s.end or after) - timedelta(microseconds=1)).date()

            days: dict[str, int] = defaultdict(int)
            for d in range(length):
                midnight = first + timedelta(days=d)
                holders = [s for s in inside if s.start <= midnight and (s.end is None or midnight < s.end)]
                if holders:
                    days[max(holders, key=lambda s: (s.start, s.sid)).sid] += 1
            for s in sorted(inside, key=lambda s: s.start):
                if days.get(s.sid):
                    p = version(s.plan, last_day(s))
                    fee = EXACT.divide(EXACT.multiply(Decimal(p["monthly_fee"]), days[s.sid]), length)
                    invoices[(customer, month, p["currency"])].append(
                        ("fee", p["plan_id"], days[s.sid], money(fee, p["currency"]))
                    )
            used = units.get((customer, month), 0)
            if used:
                s = max(inside, key=lambda s: (last_day(s), s.start, s.sid))
                p = version(s.plan, last_day(s))
                amount = price_units(p, tiers.get((p["plan_id"], p["version"]), []), used)
                invoices[(customer, month, p["currency"])].append(
                    ("usage", p["plan_id"], used, money(amount, p["currency"]))
                )
    return dict(invoices)
