"""What a dbt invocation is given so that it parses only what changed: the window and the saved parse.

dbt parses the whole project again (5 to 8 s on 2 cores, for every invocation) when its saved parse,
`partial_parse.msgpack`, was written for other `--vars` or another connection: the host, port, database,
user and role are all in dbt's check. Two things made every Dagster run pay it:

- the window arrived as `--vars`, and a night's window differs from the last night's. It now arrives as
  environment variables that the models read only while executing (`window_bound` in
  dbt_project/macros/incremental/delivery_window.sql), which are not part of the parse;
- dagster-dbt starts each invocation in a new target folder seeded with `target/partial_parse.msgpack`,
  which `aias prepare` writes for the default connection, not the warehouse's. Each invocation's own
  saved parse is now kept under `target/parse_state/`, one file per connection, and seeds the next
  invocation against the same connection.

dbt checks the saved parse against the project's files itself, so a changed model is still parsed again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from aias_dagster.platform.warehouse import project_root
from aias_dagster.transform.project import TARGET_PATH, prepare_manifest

PARSE_FILE = "partial_parse.msgpack"
# The names dbt_project/macros/incremental/delivery_window.sql reads (window_bound).
WINDOW_ENV = {"min_date": "AIAS_WINDOW_MIN_DATE", "max_date": "AIAS_WINDOW_MAX_DATE"}
# What dbt's profile takes from dbt_env (aias_dagster/platform/warehouse.py and engine.py: the output, Postgres
# or Spark); the password is not kept in a name.
CONNECTION_KEYS = ("AIAS_PG_HOST", "AIAS_PG_PORT", "AIAS_PG_DBNAME", "AIAS_PG_USER", "AIAS_PG_ROLE", "AIAS_DBT_TARGET")


def window_env(window: tuple[date, date | None] | None) -> dict[str, str]:
    """The window [first, end) of delivery days as dbt reads it (no end: every day from first on); empty values
    for a build without one."""
    first, end = window or (None, None)
    return {
        WINDOW_ENV["min_date"]: first.isoformat() if first else "",
        WINDOW_ENV["max_date"]: end.isoformat() if end else "",
    }


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """os.environ with values while the block runs (dbt is a child process: it takes a copy at its start).

    Restored afterwards, so a window does not outlive its run when runs execute in one process.
    """
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def parse_state_file(dbt_env: Mapping[str, str], root: Path | None = None) -> Path:
    """Where the saved parse of one connection is kept (a hash of it, no secret in the name)."""
    connection = "\0".join(f"{key}={dbt_env.get(key, '')}" for key in CONNECTION_KEYS)
    key = hashlib.sha256(connection.encode()).hexdigest()[:16]
    return (root or project_root()) / TARGET_PATH / "parse_state" / f"{key}.msgpack"


def invocation_target_path(name: str, root: Path | None = None) -> Path:
    """A target folder of one's own for one dbt invocation (dbt writes its artifacts and log there)."""
    return (root or project_root()) / TARGET_PATH / f"{name}-{uuid.uuid4().hex[:8]}"


@contextmanager
def kept_parse_state(target_path: Path, dbt_env: Mapping[str, str]) -> Iterator[Path]:
    """Seed target_path with the connection's saved parse; afterwards keep the one dbt wrote there.

    Kept by an atomic rename, so two runs that finish together leave one whole file.
    """
    kept = parse_state_file(dbt_env)
    target_path.mkdir(parents=True, exist_ok=True)
    if kept.exists():
        shutil.copyfile(kept, target_path / PARSE_FILE)
    try:
        yield target_path
    finally:
        written = target_path / PARSE_FILE
        if written.exists():
            kept.parent.mkdir(parents=True, exist_ok=True)
            partial = kept.with_name(f"{kept.name}.{uuid.uuid4().hex[:8]}")
            shutil.copyfile(written, partial)
            os.replace(partial, kept)


def prepare_manifest_as(dbt_env: Mapping[str, str]) -> Path:
    """`dbt parse` as the warehouse's connection (dbt_env is in os.environ), its saved parse kept for that connection.

    `aias prepare` parses as no connection in particular, so the first dbt invocation of a run against the
    warehouse parsed the whole project again; parsed here, the runs' invocations parse only what changed.
    """
    with kept_parse_state(project_root() / TARGET_PATH, dbt_env):
        return prepare_manifest()
