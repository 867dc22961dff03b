"""``generate_world``: build the sample world, write its landing files and its ground truth."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aias_dagster.ingest.contract import SOURCE_NAMES, SOURCES_BY_NAME
from aias_dagster.sample_data.acquisition import touchpoint_rows
from aias_dagster.sample_data.api_usage import build_requests, request_rows
from aias_dagster.sample_data.bad_rows import make_bad_rows, plan_problems
from aias_dagster.sample_data.billing import build_plan_history, build_subscriptions, subscription_rows
from aias_dagster.sample_data.columns import SourceRows
from aias_dagster.sample_data.customers import build_customers, customer_rows
from aias_dagster.sample_data.incidents import plan_incidents
from aias_dagster.sample_data.product import event_rows
from aias_dagster.sample_data.reliability import build_errors, error_rows
from aias_dagster.sample_data.spend import fx_micro_rates, fx_rows, spend_rows
from aias_dagster.sample_data.support import build_tickets, ticket_rows
from aias_dagster.sample_data.timeline import Timeline, rng_for
from aias_dagster.sample_data.tracking import DEFAULT_TRACKING_LOSS, TRACKING_LOSS_MODES
from aias_dagster.sample_data.truth import write_truth
from aias_dagster.sample_data.writer import BadRowLocation, write_source

DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.csv(\.gz)?$")


@dataclass(frozen=True)
class WorldSummary:
    """What ``generate_world`` wrote."""

    customers: int
    days: int
    seed: int
    start: date
    end: date
    out: Path
    truth_out: Path
    rows: Mapping[str, int]  # records written per source, bad rows included
    files_written: int
    bad_rows: int
    gzip: bool
    tracking_loss: str = DEFAULT_TRACKING_LOSS

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def lines(self) -> list[str]:
        """A short human summary, one line each."""
        width = max(len(s) for s in self.rows)
        return [
            f"World of {self.customers:,} customers over {self.days} days "
            f"({self.start.isoformat()} .. {self.end.isoformat()}), seed {self.seed}, "
            f"tracking loss {self.tracking_loss}",
            f"Landing folder: {self.out} ({self.files_written:,} files, {self.total_rows:,} rows)",
            *(f"  {name:<{width}}  {count:>12,}" for name, count in self.rows.items()),
            f"Bad rows injected: {self.bad_rows:,}" + (" (listed in bad_rows.csv)" if self.bad_rows else ""),
            f"Ground truth: {self.truth_out}",
        ]


def generate_world(
    *,
    customers: int = 2000,
    days: int = 90,
    seed: int = 7,
    out: Path,
    truth_out: Path | None = None,
    end: date | None = None,
    bad_rows: bool = False,
    gzip: bool = False,
    tracking_loss: str = DEFAULT_TRACKING_LOSS,
    progress: Callable[[str], None] | None = None,
) -> WorldSummary:
    """Write a deterministic world: same arguments, byte-identical files.

    ``end`` is the world's last day (default: yesterday in UTC). Day files of an earlier run in the
    source folders of ``out`` are removed first, so the folder holds exactly this world.
    ``tracking_loss`` is one of ``TRACKING_LOSS_MODES`` (sample_data/tracking.py): ``channel``, loss that
    differs by channel, drawn per customer; ``uniform``, the same share everywhere, stratified.
    """
    if customers < 1 or days < 1:
        raise ValueError(f"customers and days must be at least 1, got customers={customers}, days={days}")
    if tracking_loss not in TRACKING_LOSS_MODES:
        raise ValueError(f"tracking_loss must be one of {', '.join(TRACKING_LOSS_MODES)}, got {tracking_loss!r}")
    out = Path(out)
    truth_out = Path(truth_out) if truth_out is not None else out.parent / "ground_truth"
    if truth_out.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"truth_out {truth_out} is inside the landing folder {out}; the pipeline would load it")
    say = progress or (lambda _message: None)
    end = end or datetime.now(UTC).date() - timedelta(days=1)
    timeline = Timeline.ending(end, days)

    say(f"building {customers:,} customers over {days} days ending {end.isoformat()}")
    people = build_customers(
        rng_for(seed, "customers"),
        timeline,
        customers,
        tracking_rng=rng_for(seed, "tracking"),
        survey_rng=rng_for(seed, "heard_about_us"),
        tracking_loss=tracking_loss,
    )
    history = build_plan_history(rng_for(seed, "plans"), timeline, people)
    subs = build_subscriptions(people, history)
    incidents = plan_incidents(rng_for(seed, "incidents"), timeline)
    requests = build_requests(rng_for(seed, "api_requests"), timeline, people, subs, incidents)
    tickets = build_tickets(rng_for(seed, "support"), timeline, people, requests)
    errors = build_errors(rng_for(seed, "app_errors"), timeline, people, requests, incidents, subs)
    fx = fx_micro_rates(rng_for(seed, "fx_rates"), timeline)
    builders: dict[str, Callable[[], SourceRows]] = {
        "customers": lambda: customer_rows(people, timeline),
        "subscriptions": lambda: subscription_rows(subs, people, timeline),
        "marketing_spend": lambda: spend_rows(rng_for(seed, "marketing_spend"), timeline, people, fx),
        "fx_rates": lambda: fx_rows(timeline, fx),
        "touchpoints": lambda: touchpoint_rows(rng_for(seed, "touchpoints"), timeline, people),
        "product_events": lambda: event_rows(rng_for(seed, "product_events"), timeline, people, history),
        "support_tickets": lambda: ticket_rows(tickets, people, timeline),
        "api_requests": lambda: request_rows(rng_for(seed, "api_delivery"), timeline, people, requests),
        "app_errors": lambda: error_rows(rng_for(seed, "app_error_rows"), timeline, people, errors),
    }
    assert tuple(builders) == SOURCE_NAMES, "one builder per contract source, in contract order"
    tables = {}
    for name, build in builders.items():
        tables[name] = build()
        say(f"{name}: {len(tables[name]):,} rows")

    plan = plan_problems(rng_for(seed, "bad_rows"), SOURCES_BY_NAME, {n: len(t) for n, t in tables.items()})
    _remove_day_files(out)
    rows: dict[str, int] = {}
    located: list[BadRowLocation] = []
    files = serial = 0
    for name in SOURCE_NAMES:
        table = tables.pop(name)  # free each source once written
        problems = plan.get(name, []) if bad_rows else []
        bad = make_bad_rows(rng_for(seed, f"bad_rows/{name}"), table, problems, serial + 1)
        serial += len(bad)
        written = write_source(table, bad, out, timeline, gzip)
        rows[name] = written.rows
        files += len(written.files)
        located += written.bad_rows
        say(f"wrote {name}: {written.rows:,} rows in {len(written.files)} files")
    write_truth(truth_out, timeline, people, tickets, errors, incidents, located if bad_rows else None, tracking_loss)
    say(f"wrote ground truth to {truth_out}")
    return WorldSummary(
        customers=customers,
        days=days,
        seed=seed,
        start=timeline.start,
        end=timeline.end,
        out=out,
        truth_out=truth_out,
        rows=rows,
        files_written=files,
        bad_rows=len(located),
        gzip=gzip,
        tracking_loss=tracking_loss,
    )


def _remove_day_files(out: Path) -> None:
    """Remove day files of an earlier run (only ``YYYY-MM-DD.csv[.gz]`` in the source folders)."""
    for name in SOURCE_NAMES:
        folder = out / name
        if folder.is_dir():
            for path in folder.iterdir():
                if DAY_FILE.match(path.name):
                    path.unlink()
