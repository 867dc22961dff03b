"""Real Postgres for every test: the embedded server, or the one AIAS_DATABASE_URL names.

Each test that asks for `database` gets a database of its own, dropped afterwards, so no test
depends on what an earlier test or run left behind.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings, start_embedded_server
from aias_dagster.sample_data import WorldSummary
from tests.templates import build_once, drop_templates, keep_as_template, shared_dir

REPO_ROOT = Path(__file__).resolve().parents[1]

# The summary of `make test-spark`, loaded here so that xdist's controller has it too (tests/spark/summary.py).
pytest_plugins = ("tests.spark.summary",)


@pytest.fixture(scope="session", autouse=True)
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the runs of a test session write the dashboard site: never the checkout's .aias/site."""
    from aias_dagster.dashboards.settings import SITE_DIR_ENV

    folder = tmp_path_factory.mktemp("site")
    previous = os.environ.get(SITE_DIR_ENV)
    os.environ[SITE_DIR_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(SITE_DIR_ENV, None)
    else:
        os.environ[SITE_DIR_ENV] = previous


@pytest.fixture(autouse=True)
def no_current_dagster_instance() -> Iterator[None]:
    """Each test starts as a new process would: with no Dagster instance current.

    A context Dagster builds for a sensor or resources, left open, keeps the instance it opened as the
    current one (its defs-state storage) after the test; once that instance is collected, the next
    `Definitions` anywhere in the worker fails with "Attempted to resolve undefined DagsterInstance weakref"
    (seen when the long modules moved first: 44 tests of one worker failed). The tests close their contexts;
    this makes the order of modules not matter if one is missed.
    """
    from dagster._core.storage.defs_state.base import set_defs_state_storage  # no public way to clear it

    with set_defs_state_storage(None):
        yield


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> ConnectionSettings:
    """Settings for the server's maintenance database `postgres`."""
    configured = os.environ.get(DATABASE_URL_ENV)
    if configured:
        return ConnectionSettings(configured).with_database("postgres")
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    # One server for all the session's workers, so that a world built once is copied by each (tests/templates.py);
    # the embedded server counts the processes using it, and the last one to exit deletes it.
    server = start_embedded_server(shared_dir(tmp_path_factory) / "pg" / "pgdata", cleanup="delete")
    without_durability(server)
    return server


def without_durability(server: ConnectionSettings) -> None:
    """The session's own throwaway server writes without waiting for the disk (a crash of the machine is the
    only thing this gives up); never done to a configured server, such as CI's second pass."""
    with psycopg.connect(server.url, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"alter system set {setting} = off")
        conn.execute("select pg_reload_conf()")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The session's controller (or a run without workers) drops the template databases once all is done."""
    if not hasattr(session.config, "workerinput"):
        factory = session.config._tmp_path_factory  # type: ignore[attr-defined]  # pytest's own, as xdist reads it
        drop_templates(factory.getbasetemp())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The first module that reads the demo world first, then the longest modules, so the two workers end together.

    Under `--dist loadscope --no-loadscope-reorder` the workers take modules in this order. The demo world is
    built once for the session (build_demo_world, about 85 s): started first, it is ready before the other
    worker, busy with the longest module, needs it, instead of that worker waiting on it. Then a module marked
    `long_pole(seconds=...)` (about what it takes on a quiet machine) goes before all others, the longest
    first: without that, the one-test nightly module started last and ran alone for minutes.
    """
    first_reader = next((item.module for item in items if "demo_world" in item.fixturenames), None)

    def order(item: pytest.Item) -> tuple[bool, float]:
        marker = item.get_closest_marker("long_pole")
        return item.module is not first_reader, -(marker.kwargs["seconds"] if marker else 0)

    items.sort(key=order)  # stable: a module's tests stay together, in their order


def create_database(
    server: ConnectionSettings, prefix: str = "aias_t", template: str | None = None
) -> ConnectionSettings:
    """A new database of a unique name: empty, or a copy of everything template holds (tests/templates.py)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    copying = f' template "{template}"' if template else ""
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"{copying}')
    return server.with_database(name)


def drop_database(server: ConnectionSettings, settings: ConnectionSettings) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{settings.dbname}" with (force)')


def ui_environment(folder: Path, database: ConnectionSettings, base: Mapping[str, str]) -> dict[str, str]:
    """base, plus what `make ui` and `aias` read to run on a database and a folder of their own: the landing
    files under folder/landing, AIAS_HOME and DAGSTER_HOME beside them, Dagster's storage in the database."""
    from aias_dagster.platform.instance import STORAGE_URL_ENV
    from aias_dagster.platform.warehouse import HOME_ENV, LANDING_DIR_ENV, dagster_storage_url

    return {
        **base,
        DATABASE_URL_ENV: database.url,
        HOME_ENV: str(folder / "home"),
        LANDING_DIR_ENV: str(folder / "landing"),
        "DAGSTER_HOME": str(folder / "dagster_home"),
        STORAGE_URL_ENV: dagster_storage_url(database),
    }


@pytest.fixture
def instance(database: ConnectionSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The platform's own Dagster instance (platform/instance.py), its storage in the test's database: what the
    sensors and the run monitoring read in production."""
    from aias_dagster.platform.instance import STORAGE_URL_ENV, open_instance
    from aias_dagster.platform.warehouse import dagster_storage_url

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv(STORAGE_URL_ENV, dagster_storage_url(database))
    opened = open_instance(database)
    try:
        yield opened
    finally:
        opened.dispose()


@pytest.fixture
def database(pg_server: ConnectionSettings) -> Iterator[ConnectionSettings]:
    settings = create_database(pg_server)
    try:
        yield settings
    finally:
        drop_database(pg_server, settings)


@pytest.fixture
def conn(database: ConnectionSettings) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database.url) as connection:
        yield connection


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The manifest, built once per session the way `make prepare` builds it, by whichever worker asks first:
    two workers parsing at once both write target/manifest.json, and one read the other's half-written file
    (`make test-spark`, whose first parse is a whole one, failed so)."""
    from aias_dagster.transform.project import prepare_manifest

    return build_once(tmp_path_factory, "dbt_manifest", lambda _folder: prepare_manifest())


# The demo's world, fixed in time so that every session sees the same months. Loop tests assert many
# things on this one build instead of building a world each (the suite's time budget).
DEMO_WORLD_END = date(2026, 3, 31)


@dataclass(frozen=True)
class BuiltWorld:
    """A generated world, loaded by the real loader and built by the real dbt project (`dbt build`)."""

    settings: ConnectionSettings  # the database holding raw, staging and marts
    summary: WorldSummary  # what the generator wrote; summary.out is landing, summary.truth_out the truth
    target_path: Path  # dbt's target directory of the build (its logs and saved parse; Dbt writes no JSON artifacts)

    @property
    def landing(self) -> Path:
        return self.summary.out

    @property
    def truth(self) -> Path:
        return self.summary.truth_out


def close_demo_months(world: BuiltWorld) -> None:
    """The demo world's complete months closed by the real billing asset (billing schema only, idempotent: the
    close of tests/billing/test_demo_billing.py changes nothing after it)."""
    import dagster as dg

    from aias_dagster.billing.assets import build_billing_assets, month_partitions
    from aias_dagster.platform.resources import WarehouseResource

    closed = dg.materialize(
        [build_billing_assets(month_partitions(date(2026, 1, 1)))],
        partition_key="2026-03-01",  # catches up January and February first
        resources={"warehouse": WarehouseResource(url=world.settings.url)},
        run_config={"ops": {"billing_close": {"config": {"force": False}}}},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert closed.success


def write_demo_intervals(world: BuiltWorld) -> None:
    """The calibrated CAC's intervals, by the real asset, as the nightly run writes them after cac_monthly.

    It replaces its own table only (marts.cac_monthly_intervals), so a re-run leaves the world as it was.
    """
    import dagster as dg

    from aias_dagster.acquisition.assets import cac_monthly_intervals
    from aias_dagster.platform.resources import WarehouseResource

    written = dg.materialize(
        [cac_monthly_intervals],
        resources={"warehouse": WarehouseResource(url=world.settings.url)},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert written.success


def write_demo_predictions(world: BuiltWorld) -> None:
    """The ticket model's predictions, by the asset's own functions without its cross-validation (ten more
    trainings that a fixture does not need; tests/support/test_categorization.py runs the asset itself)."""
    from aias_dagster.support.predictions import run_night, write_predictions

    with psycopg.connect(world.settings.url) as conn:
        write_predictions(conn, run_night(conn, folds=0).rows)


def build_demo_world(server: ConnectionSettings, folder: Path) -> BuiltWorld:
    """The demo's world (2,000 customers, 90 days, seed 7) as `make demo` leaves it: loaded, built by dbt, its
    remediations replayed, its complete months closed, its calibrated CAC's intervals and its ticket predictions
    written."""
    from aias_dagster.reliability.demo import run_demo_remediations
    from aias_dagster.reliability.jobs import REMEDIATION_MODELS_KEY
    from aias_dagster.sample_data import generate_world
    from aias_dagster.transform.assets import AFTER_PYTHON_ASSETS
    from tests.dbt.support import Dbt, load_landing

    summary = generate_world(customers=2000, days=90, seed=7, out=folder / "landing", end=DEMO_WORLD_END)
    settings = create_database(server, prefix="aias_demo_tmpl")
    load_landing(settings, summary.out)
    dbt = Dbt(settings, folder / "target")
    built = dbt("build")
    assert built.returncode == 0, built.output[-4000:]
    # As `make demo` does: the playbooks replayed on the world's clock against the local stand-in (so the world
    # has auto-fixed errors, issue 13's 20 % KPI), the complete months closed and the CAC intervals written; then
    # what reads the ledger, the invoices and the intervals rebuilt in one build, as the remediation sensor, the
    # billing job and the nightly run each rebuild their part.
    # The replay writes only the ledger, which none of the three steps beside it reads: side by side, the timeouts
    # it waits out (about 70 of 0.1 s) and its calls' round trips leave the core to them, as in `make demo`.
    world = BuiltWorld(settings, summary, dbt.target_path)
    with ThreadPoolExecutor(max_workers=1) as beside:
        replaying = beside.submit(run_demo_remediations, settings, seed=7)
        close_demo_months(world)
        write_demo_intervals(world)
        write_demo_predictions(world)
        remediated = replaying.result()
    assert remediated.outcomes["succeeded"] > 0, remediated.describe()
    after = (f"{REMEDIATION_MODELS_KEY.path[-1]}+", "api_revenue_monthly+", AFTER_PYTHON_ASSETS)
    rebuilt = dbt("build", "--select", *after)
    assert rebuilt.returncode == 0, rebuilt.output[-4000:]
    return world


@pytest.fixture(scope="session")
def demo_world(
    pg_server: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path
) -> Iterator[BuiltWorld]:
    """The demo's world as `make demo` leaves it (build_demo_world), in a database of this worker's own.

    Built once per test session into a template database, whichever worker asks first, and copied for each
    worker (seconds). Tests only read it, except the billing close, which is idempotent; a test that changes
    data builds or copies a world of its own.
    """

    def build(folder: Path) -> BuiltWorld:
        world = build_demo_world(pg_server, folder)
        keep_as_template(tmp_path_factory, pg_server, world.settings)
        return world

    template = build_once(tmp_path_factory, "demo_world", build)
    settings = create_database(pg_server, prefix="aias_demo", template=template.settings.dbname)
    try:
        yield BuiltWorld(settings, template.summary, template.target_path)
    finally:
        drop_database(pg_server, settings)
