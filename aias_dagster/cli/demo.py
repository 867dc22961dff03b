"""`aias demo`: from nothing to a loaded, modelled warehouse, with a summary at the end."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

import dagster as dg
import psycopg

from aias_dagster.billing.cli import close_world_months
from aias_dagster.cli.summary import format_counts, format_ignored, source_counts
from aias_dagster.cli.timings import Stopwatch, format_timings
from aias_dagster.dashboards.jobs import DASHBOARDS_JOB
from aias_dagster.dashboards.settings import default_site_dir
from aias_dagster.ingest.partitions import landing_partitions
from aias_dagster.orchestration.jobs import TRANSFORM_JOB
from aias_dagster.orchestration.runs import CodeLocationRunner, all_days, load_range, partition_tags
from aias_dagster.platform.engine import Engine, current_engine
from aias_dagster.platform.loops import LOOP_GROUPS, SCORECARD
from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings, aias_home, connect
from aias_dagster.reliability.assets import record_ledger_written
from aias_dagster.reliability.demo import run_demo_remediations
from aias_dagster.reliability.jobs import RELIABILITY_MARTS_JOB
from aias_dagster.reliability.remediate import Summary
from aias_dagster.sample_data.landing_world import WORLD_MARKER, WorldSpec, holds_world, replace_world
from aias_dagster.transform.parse_state import prepare_manifest_as
from aias_dagster.transform.project import apply_dbt_environment, project_digest

Result = TypeVar("Result")

# The dbt project a build ran with, so a second demo can tell that the models are up to date.
PROJECT_DIGEST_TAG = "aias/dbt_project"


def run_log_path() -> Path:
    """Where the output of the runs a command launches goes (dbt's included); the UI keeps it too."""
    return aias_home() / "logs" / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}.log"


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
            tracking_loss=spec.tracking_loss,
            progress=say,
        )
        for line in summary.lines():
            say(line)

    replace_world(landing, spec, write)


def models_up_to_date(instance: dg.DagsterInstance, conn: psycopg.Connection, digest: str) -> bool:
    """Whether the newest build succeeded, from this dbt project, after the newest file was loaded."""
    runs = instance.get_run_records(dg.RunsFilter(job_name=TRANSFORM_JOB), limit=1)
    if not runs or runs[0].dagster_run.status != dg.DagsterRunStatus.SUCCESS:
        return False
    newest = runs[0]
    if newest.dagster_run.tags.get(PROJECT_DIGEST_TAG) != digest or newest.start_time is None:
        return False
    last_load = conn.execute("select extract(epoch from max(loaded_at)) from raw.load_audit").fetchone()[0]  # type: ignore[index]
    return last_load is None or float(last_load) < newest.start_time


def days_loaded_since(conn: psycopg.Connection, since: datetime) -> tuple[date, date] | None:
    """The delivery days of the files a load wrote after `since` (the window the build must cover)."""
    first, last = conn.execute(
        "select min(delivery_date), max(delivery_date) from raw.load_audit where loaded_at >= %s", (since,)
    ).fetchone()  # type: ignore[misc]
    return None if first is None else (first, last)


def run_demo(settings: ConnectionSettings, landing: Path, spec: WorldSpec, say: Callable[[str], None]) -> None:
    clock = Stopwatch()
    steps = 6
    engine = current_engine()

    def step(number: int, text: str) -> None:
        say(f"[{number}/{steps}] {text}  (+{clock.elapsed():.0f}s)")

    # The parse (a dbt process) and the world (this process) each keep one core busy.
    step(1, "dbt manifest (dbt parse as the warehouse's connection, beside the sample world)")
    dbt_env = apply_dbt_environment(settings)
    with ThreadPoolExecutor(max_workers=1) as beside:
        parsed = beside.submit(timed, lambda: prepare_manifest_as(dbt_env))
        step(2, f"sample world: {spec.customers} customers, {spec.days} days, seed {spec.seed}")
        with clock.step("sample world"):
            ensure_world(spec, landing, say)
        clock.add("dbt parse", parsed.result()[1], "beside the sample world")
    log = run_log_path()
    runner = CodeLocationRunner(settings, landing_partitions(landing), log, say)
    os.environ[DATABASE_URL_ENV] = settings.url
    first, last = all_days(runner)
    with connect(settings, autocommit=True) as conn:
        since = conn.execute("select now()").fetchone()[0]  # type: ignore[index]
    step(3, f"loading {first}..{last} into raw (Dagster job `ingest`, one run; log {log})")
    loaded = clock.run("load (job ingest)", lambda: load_range(runner, first, last))
    say(f"      run {loaded.run_id}: {loaded.files_loaded} files loaded, {loaded.files_unchanged} unchanged")
    if ignored := format_ignored(loaded.loader_metadata):
        say(ignored)
    digest = project_digest()
    with connect(settings) as conn:
        changed = days_loaded_since(conn, since)
        up_to_date = models_up_to_date(dg.DagsterInstance.get(), conn, digest)
    if changed is None and up_to_date:
        step(4, f"nothing new: {loaded.files_unchanged} files unchanged, models up to date")
        built = None
    else:
        window = changed if changed and up_to_date else (first, last)
        step(4, f"dbt build of {window[0]}..{window[1]} (Dagster job `transform`; log {log})")
        tags = {**partition_tags(*window), PROJECT_DIGEST_TAG: digest}
        built = clock.run("dbt build (job transform)", lambda: runner.run(TRANSFORM_JOB, tags, None))
        say(f"      run {built.run_id}")
    # The replay writes only the ledger, which the billing run neither reads nor rebuilds from: side by side,
    # the replay's calls (and the timeouts it waits out) take no core from the close.
    step(5, "closing the world's complete months (Dagster job `billing`), beside the remediations replayed on the "
            "world's clock (reliability loop, against a local endpoint)")  # fmt: skip
    with ThreadPoolExecutor(max_workers=1) as beside:
        replaying = beside.submit(timed, lambda: replay_remediations(settings, spec.seed, say))
        billed = clock.run("billing close (job billing)", lambda: close_world_months(runner, landing, say))
        replayed, replay_seconds = replaying.result()
    clock.add("remediation replay", replay_seconds, "beside the billing close")
    if billed is not None:
        say(f"      run {billed.run_id}")
    say(f"      remediations: {replayed.describe()}")
    step(6, f"the reliability marts, after the remediations (Dagster job `{RELIABILITY_MARTS_JOB}`)")
    marts = clock.run(
        f"reliability marts (job {RELIABILITY_MARTS_JOB})", lambda: runner.run(RELIABILITY_MARTS_JOB, {}, None)
    )
    say(f"      run {marts.run_id}")
    site = default_site_dir()
    if not (site / "index.html").exists():  # a warehouse built before the site existed
        say(f"      dashboard site missing: building it (Dagster job `{DASHBOARDS_JOB}`)")
        clock.run(f"dashboard site (job {DASHBOARDS_JOB})", lambda: runner.run(DASHBOARDS_JOB, {}, None))
    with clock.step("summary (counts and the loops' reports)"), connect(settings) as conn:
        counts = source_counts(conn, with_staging=engine is Engine.POSTGRES)
        reports = [report(conn) for g in (*LOOP_GROUPS, SCORECARD) if (report := g.load_report()) is not None]
    elapsed = clock.elapsed()
    say("")
    say(f"aias demo: done in {elapsed:.0f}s")
    say(format_counts(counts))
    if engine is Engine.SPARK:
        say("  staging: views on Spark over the lake (AIAS_ENGINE=spark), not counted here; the marts below are")
        say("  Spark's, published to Postgres by each dbt step")
    say(f"  dbt: {built.describe()}" if built else "  dbt: nothing to build")
    for text in reports:
        say(text)
    for line in format_timings(clock.steps, elapsed):
        say(line)
    say(f"  landing files: {landing}")
    say(f"  database: {settings.describe()}")
    say(f"  connect:  {settings.psql_command()}")
    say(f"  run log:  {log}")
    say(f"  dashboards: {site / 'index.html'} (`aias dashboards` serves them on http://127.0.0.1:8090)")
    say("  next: `make ui` for the Dagster UI on http://127.0.0.1:3000")


def replay_remediations(settings: ConnectionSettings, seed: int, say: Callable[[str], None]) -> Summary:
    """The playbooks replayed over the world's errors, recorded on the ledger's asset."""
    replayed = run_demo_remediations(settings, seed, say)
    record_ledger_written(dg.DagsterInstance.get(), replayed, "the demo's replay of the playbooks on the world's clock")
    return replayed


def timed(call: Callable[[], Result]) -> tuple[Result, float]:
    """What `call` returned and the seconds it took (run beside another step, so its own clock)."""
    began = time.monotonic()
    result = call()
    return result, time.monotonic() - began
