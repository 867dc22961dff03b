"""`make ui` serves the code location, and a run started from `aias` shows up in it like a UI run.

One webserver over workspace.yaml, on the same Postgres storage the CLI writes to, for the module. The
database URL carries a password (tests/password_leaks.py): the module's launched runs, a nightly run and a
killed build, are also where the suite checks that a build's dbt logs and run artifacts never hold it.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aias_dagster.ingest.contract import SOURCE_NAMES
from aias_dagster.platform.instance import STORAGE_URL_ENV, prepare_dagster_home
from aias_dagster.platform.run_workers import run_worker_pid
from aias_dagster.sample_data import generate_world
from tests.conftest import REPO_ROOT, ui_environment
from tests.password_leaks import (
    Login,
    dagster_rows_with,
    database_with_password,
    files_with,
    freshness_verdicts,
    written_files,
)

pytestmark = [pytest.mark.slow, pytest.mark.long_pole(seconds=90)]

LOCATION = '{repositoryName: "__repository__", repositoryLocationName: "aias_loops"}'
ASSET_GROUPS = "{ assetNodes { assetKey { path } groupName } }"
SCHEDULES = (
    f"{{ schedulesOrError(repositorySelector: {LOCATION})"
    " { ... on Schedules { results { name cronSchedule pipelineName } } } }"
)
JOB_RUNS = (
    '{ pipelineOrError(params: {pipelineName: "nightly", repositoryName: "__repository__", '
    'repositoryLocationName: "aias_loops"}) { ... on Pipeline { runs { runId status } } } }'
)
ASSET_EVENTS = (
    '{ assetOrError(assetKey: {path: ["%s", "%s"]}) '
    "{ ... on Asset { assetMaterializations(limit: 10) { runId partition } } } }"
)
RUN_ORIGIN = (
    '{ runsOrError(filter: {runIds: ["%s"]}) { ... on Runs { results { runId jobName '
    "repositoryOrigin { repositoryLocationName repositoryName } } } } }"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


@dataclass(frozen=True)
class Ui:
    port: int
    env: dict[str, str]
    day: str
    login: Login
    root: Path  # AIAS_HOME, DAGSTER_HOME and the landing files are under it
    started: float  # time.time() before the webserver started
    outputs: list[str] = field(default_factory=list)  # what the module's `aias` commands printed


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory, pg_server, dbt_manifest: Path) -> Iterator[Ui]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("ui")
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    generate_world(customers=60, days=3, seed=3, out=root / "landing", end=yesterday)
    with database_with_password(pg_server, prefix="aias_ui") as login:
        database = login.settings
        env = ui_environment(root, database, os.environ)
        saved = {key: os.environ.get(key) for key in ("DAGSTER_HOME", STORAGE_URL_ENV)}
        os.environ.update({key: env[key] for key in saved})
        started = time.time()
        prepare_dagster_home(database)  # writes the dagster.yaml files the webserver and `aias` read
        port = free_port()
        command = [sys.executable, "-m", "dagster_webserver", "-w", str(REPO_ROOT / "workspace.yaml"),
                   "-h", "127.0.0.1", "-p", str(port)]  # fmt: skip
        server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                time.sleep(2)
                try:
                    if graphql(port, ASSET_GROUPS)["assetNodes"]:
                        break
                except (OSError, KeyError, TypeError):
                    continue
            else:
                pytest.fail("the webserver did not answer within 180 s")
            yield Ui(port, env, yesterday.isoformat(), login, root, started)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def test_the_webserver_shows_the_groups_the_dbt_models_and_the_nightly_schedule(ui: Ui) -> None:
    nodes = graphql(ui.port, ASSET_GROUPS)["assetNodes"]
    groups = {"/".join(n["assetKey"]["path"]): n["groupName"] for n in nodes}
    assert groups["raw/customers"] == "ingest"
    assert groups["staging/stg_platform__touchpoints"] == "acquisition"
    assert groups["marts/metrics_daily"] == "acquisition"
    schedules = graphql(ui.port, SCHEDULES)["schedulesOrError"]["results"]
    assert {"name": "nightly", "cronSchedule": "0 2 * * *", "pipelineName": "nightly"} in schedules
    # Dagster's "Join the community" pop-up covered the lineage graph on a fresh instance's first open.
    assert graphql(ui.port, "{ shouldShowNux }") == {"shouldShowNux": False}


def test_a_nightly_run_started_from_aias_shows_on_the_jobs_page_and_in_the_assets_events(ui: Ui) -> None:
    command = [sys.executable, "-m", "aias_dagster.cli", "run", "nightly", "--from", ui.day]
    finished = subprocess.run(command, cwd=REPO_ROOT, env=ui.env, capture_output=True, text=True, timeout=900)
    ui.outputs.append(finished.stdout + finished.stderr)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    run_id = finished.stdout.split("aias run nightly: run ")[1].split()[0]

    runs = graphql(ui.port, JOB_RUNS)["pipelineOrError"]["runs"]
    assert {"runId": run_id, "status": "SUCCESS"} in runs
    (origin,) = graphql(ui.port, RUN_ORIGIN % run_id)["runsOrError"]["results"]
    assert origin["repositoryOrigin"] == {"repositoryLocationName": "aias_loops", "repositoryName": "__repository__"}
    for path in (("raw", "customers"), ("marts", "metrics_daily")):
        events = graphql(ui.port, ASSET_EVENTS % path)["assetOrError"]["assetMaterializations"]
        assert {"runId": run_id, "partition": ui.day} in events, path
    cac = graphql(ui.port, ASSET_EVENTS % ("marts", "cac_monthly"))["assetOrError"]["assetMaterializations"]
    assert {"runId": run_id, "partition": None} in cac


def test_a_run_whose_process_is_killed_is_marked_failed_and_the_cli_says_so(ui: Ui) -> None:
    import dagster as dg

    command = [sys.executable, "-m", "aias_dagster.cli", "build", "--from", ui.day, "--to", ui.day]
    cli = subprocess.Popen(
        command, cwd=REPO_ROOT, env=ui.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    instance = dg.DagsterInstance.get()
    deadline = time.monotonic() + 300
    worker = None
    while worker is None and time.monotonic() < deadline:
        time.sleep(1)
        runs = instance.get_runs(dg.RunsFilter(job_name="transform", statuses=[dg.DagsterRunStatus.STARTED]), limit=1)
        if runs:
            engine = instance.get_records_for_run(runs[0].run_id, of_type=dg.DagsterEventType.ENGINE_EVENT).records
            worker = next(
                (run_worker_pid(r.event_log_entry) for r in engine if run_worker_pid(r.event_log_entry)), None
            )
    assert worker is not None, "the build did not start within 300 s"
    os.kill(worker, signal.SIGKILL)

    stdout, stderr = cli.communicate(timeout=300)
    ui.outputs.append(stdout + stderr)
    assert cli.returncode == 1, stdout + stderr
    assert f"the run's process (pid {worker}) ended without finishing" in stderr
    assert "Traceback" not in stderr
    assert instance.get_run_by_id(runs[0].run_id).status == dg.DagsterRunStatus.FAILURE  # type: ignore[union-attr]


def test_the_password_appears_nowhere_the_runs_wrote(ui: Ui) -> None:
    # After the module's launched runs (the two tests above): a nightly run, whose dbt build wrote dbt.log and
    # run_results.json and whose source freshness check wrote its verdicts to Dagster's event log (read below),
    # and a build killed in its first step.
    password = ui.login.password
    assert password in ui.login.settings.url  # the commands did connect with it
    assert len(ui.outputs) == 2 and all(ui.outputs)
    assert [output for output in ui.outputs if password in output] == []

    files = written_files([ui.root / "home", ui.root / "dagster_home"], ui.started)
    names = {p.name for p in files}
    assert any(p.suffix in (".out", ".err", ".complete") for p in files), sorted(names)[:50]
    assert any(p.parent.name == "logs" and p.name.startswith("run-") for p in files)
    assert {"dbt.log", "run_results.json"} <= names
    assert files_with(password, files) == []

    assert freshness_verdicts(ui.login) >= len(SOURCE_NAMES)
    tables, rows, leaked = dagster_rows_with(ui.login)
    assert leaked == []
    assert {"runs", "event_logs", "run_tags"} <= tables and rows > 100
