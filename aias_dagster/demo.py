"""`aias demo`: from nothing to a loaded, modelled warehouse, with a summary at the end."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aias_dagster.acquisition.report import format_cac, last_complete_month_cac
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.runner import build_models, instance_for, load_range
from aias_dagster.summary import format_counts, source_counts
from aias_dagster.transform.project import apply_dbt_environment, prepare_manifest
from aias_dagster.warehouse import ConnectionSettings, aias_home, connect


@dataclass(frozen=True)
class WorldSpec:
    customers: int
    days: int
    seed: int
    end: str


def dbt_log_path() -> Path:
    return aias_home() / "logs" / f"dbt-{datetime.now(UTC):%Y%m%dT%H%M%S}.log"


def yesterday_utc() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


WORLD_MARKER = "world.json"


def holds_world(landing: Path, spec: WorldSpec) -> bool:
    """Whether landing already holds a world of this size and seed.

    The end day is left out on purpose: keeping the world of the first run is what makes a second
    `make demo` a no-op, even on another day.
    """
    marker = landing / WORLD_MARKER
    if not marker.exists():
        return False
    held = json.loads(marker.read_text())
    return (held.get("customers"), held.get("days"), held.get("seed")) == (spec.customers, spec.days, spec.seed)


def replace_world(landing: Path, spec: WorldSpec, write: Callable[[], None]) -> None:
    """Empty landing, let write() fill it, and mark it as holding spec's world."""
    if landing.exists():
        shutil.rmtree(landing)
    write()
    (landing / WORLD_MARKER).write_text(json.dumps(asdict(spec)) + "\n")


def ensure_world(spec: WorldSpec, landing: Path, say: Callable[[str], None]) -> None:
    """Generate the sample world unless the landing folder already holds it."""
    from aias_dagster.sample_data import generate_world

    if holds_world(landing, spec):
        say(f"sample world already in {landing} ({(landing / WORLD_MARKER).read_text().strip()})")
        return

    def write() -> None:
        summary = generate_world(
            customers=spec.customers,
            days=spec.days,
            seed=spec.seed,
            out=landing,
            end=date.fromisoformat(spec.end),
            progress=say,
        )
        for line in summary.lines():
            say(line)

    replace_world(landing, spec, write)


def run_demo(settings: ConnectionSettings, landing: Path, spec: WorldSpec, say: Callable[[str], None]) -> None:
    started = time.monotonic()
    steps = 4

    def step(number: int, text: str) -> None:
        say(f"[{number}/{steps}] {text}  (+{time.monotonic() - started:.0f}s)")

    step(1, "dbt manifest (dbt parse)")
    prepare_manifest()
    step(2, f"sample world: {spec.customers} customers, {spec.days} days, seed {spec.seed}")
    ensure_world(spec, landing, say)
    instance = instance_for(settings)
    apply_dbt_environment(settings)
    days = sorted(
        {d for source_dir in landing.iterdir() if source_dir.is_dir() for d in delivery_days(landing, source_dir.name)}
    )
    step(3, f"loading {days[0]}..{days[-1]} into raw (Dagster job `ingest`, one run)")
    run_id = load_range(instance, days[0], days[-1])
    say(f"      run {run_id}")
    dbt_log = dbt_log_path()
    step(4, f"dbt build (Dagster job `transform`; dbt output in {dbt_log})")
    outcome = build_models(instance, dbt_log=dbt_log)
    say(f"      run {outcome.run_id}")
    with connect(settings) as conn:
        counts = source_counts(conn)
        cac = last_complete_month_cac(conn)
    elapsed = time.monotonic() - started
    say("")
    say(f"aias demo: done in {elapsed:.0f}s")
    say(format_counts(counts))
    say(f"  dbt: {outcome.describe()}")
    say(format_cac(cac))
    say(f"  landing files: {landing}")
    say(f"  database: {settings.describe()}")
    say(f"  connect:  {settings.psql_command()}")
    say("  next: `make ui` for the Dagster UI on http://127.0.0.1:3000")
