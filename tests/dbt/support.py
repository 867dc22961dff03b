"""Helpers for tests that run the real dbt project against a real Postgres.

Kept inside tests/dbt so these tests depend on nothing but the package and a Postgres server. Each test
gets its own database and its own dbt target directory, so tests can run in parallel and leave nothing
behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg

from aias_dagster.ingest.contract import SOURCES
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.ingest.loader import LoadResult
from aias_dagster.ingest.window import load_days
from aias_dagster.platform.roles import transformer_role
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.transform.parse_state import window_env

REPO_ROOT = Path(__file__).resolve().parents[2]
PROFILES_DIR = REPO_ROOT / "dbt_project"
LANDING_DIR = Path(__file__).resolve().parent / "landing"


def dbt_executable() -> str:
    """The dbt of the environment running the tests (not whatever dbt is first on PATH)."""
    beside_python = Path(sysconfig.get_path("scripts")) / "dbt"
    found = str(beside_python) if beside_python.exists() else shutil.which("dbt")
    if not found:
        raise RuntimeError(f"no dbt in {beside_python.parent} or on PATH: install the project's dependencies")
    return found


def query(settings: ConnectionSettings, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of one statement against settings' database."""
    with psycopg.connect(settings.url) as conn:
        return conn.execute(statement, params or None).fetchall()  # type: ignore[arg-type]


def load_landing(settings: ConnectionSettings, landing_dir: Path = LANDING_DIR) -> dict[str, LoadResult]:
    """Load every `<source>/<YYYY-MM-DD>.csv` under landing_dir with the real loader, oldest day first."""
    with psycopg.connect(settings.url) as conn:
        reports = [load_days(conn, s, landing_dir, delivery_days(landing_dir, s.name)) for s in SOURCES]
    return {result.file: result for report in reports for result in report.results}


def project_copy(folder: Path) -> Path:
    """The dbt project's sources (not its build artifacts), copied: a test may change them (Dbt's project_dir)."""
    folder.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "dbt_project.yml", folder / "dbt_project.yml")
    for part in ("models", "seeds", "macros", "tests"):
        shutil.copytree(REPO_ROOT / "dbt_project" / part, folder / "dbt_project" / part)
    return folder


def invoke_in_process(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, Any]:
    """`dbt <args>` through dbt's own programmatic entry point (dbtRunner), in this process: the same dbt,
    project and profiles as the `dbt` command, its output captured as the command prints it, its exit code
    (0 success, 1 a failed node, 2 an error) and what the command returned (for a build or a run, each node's
    result, as run_results.json would hold it). A test's dbt call then costs dbt's work, not a new Python that
    imports dbt again: about 1.5 s less each, over some fifty calls a pass. The environment is the call's
    for its duration (profiles.yml reads the connection from it), so calls must not overlap.
    """
    from dbt.cli.main import dbtRunner

    saved = dict(os.environ)
    output = io.StringIO()
    try:
        os.environ.clear()
        os.environ.update(env)
        with contextlib.chdir(cwd), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            result = dbtRunner().invoke(args)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if result.exception is not None:
        return 2, f"{output.getvalue()}{result.exception}", None
    return (0 if result.success else 1), output.getvalue(), result.result


@dataclass(frozen=True)
class DbtResult:
    """What one dbt invocation printed and, per node, what happened (what run_results.json would say)."""

    returncode: int
    output: str
    statuses: dict[str, str]  # unique_id -> pass / fail / warn / error / success / skipped
    rows_written: dict[str, int | None]  # unique_id -> the rows the node's statement wrote, as Postgres reported

    @classmethod
    def of(cls, returncode: int, output: str, returned: Any) -> DbtResult:
        """From what dbtRunner returned: a build's, run's, test's or seed's node results (other commands, e.g.
        `ls` or `parse`, return no node results)."""
        results = getattr(returned, "results", None) or []
        statuses = {r.node.unique_id: str(getattr(r.status, "value", r.status)) for r in results}
        written = {r.node.unique_id: (r.adapter_response or {}).get("rows_affected") for r in results}
        return cls(returncode, output, statuses, written)

    def rows_affected(self, model: str) -> int:
        """Rows the invocation wrote into one model (its name, without package)."""
        (written,) = [rows for unique_id, rows in self.rows_written.items() if unique_id.endswith(f".{model}")]
        assert written is not None, f"dbt reported no row count for {model}"
        return int(written)

    def names_with_status(self, resource_type: str, status: str) -> set[str]:
        """Node names (without package and hash) of one resource type that ended with status."""
        names = set()
        for unique_id, node_status in self.statuses.items():
            kind, _package, *rest = unique_id.split(".")
            if kind == resource_type and node_status == status:
                # Generic tests end in a hash (test.aias.<name>.<hash>), singular ones do not.
                names.add(rest[-2] if kind == "test" and len(rest) > 1 else rest[-1])
        return names


@dataclass(frozen=True)
class Dbt:
    """The project's dbt, pointed at one database, with its own target directory.

    It builds as the product does: as the transformer role when the roles can be in place (role None),
    else as the given role ("": the connecting user, for commands that never connect). It writes no JSON
    artifacts (`--no-write-json`): dbt's manifest.json of the whole project took about 1.5 s of each call, and
    what a test reads of a call (each node's status and rows) comes back from dbt in the process (DbtResult).
    dbt's saved parse (partial_parse.msgpack) is still written, so the next call parses only what changed. A
    test that reads an artifact as a user would (sources.json of `dbt source freshness`) asks for them.
    """

    settings: ConnectionSettings
    target_path: Path
    role: str | None = None
    project_dir: Path = REPO_ROOT  # a copy of the project, for a test that changes a seed or a model
    write_json: bool = False  # dbt's JSON artifacts in target_path (manifest.json, run_results.json, sources.json)
    # The engine's variables (platform/engine.py dbt_engine_env): empty builds on Postgres, profiles.yml's default.
    engine_env: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, *args: str, window: tuple[date, date] | None = None) -> DbtResult:
        """Run `dbt <args>`; window: the delivery days [first, end) it reads, passed as the Dagster job does."""
        self.target_path.mkdir(parents=True, exist_ok=True)
        command = [
            dbt_executable(), *args,
            "--project-dir", str(self.project_dir),
            "--profiles-dir", str(PROFILES_DIR),
            "--target-path", str(self.target_path),
            "--log-path", str(self.target_path / "logs"),
            "--no-use-colors",
            "--write-json" if self.write_json else "--no-write-json",
        ]  # fmt: skip
        role = transformer_role(self.settings) if self.role is None else self.role
        env = {
            **os.environ,
            **self.settings.dbt_env(role=role),
            **window_env(window),
            **self.engine_env,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        return DbtResult.of(*invoke_in_process(command[1:], env, self.project_dir))
