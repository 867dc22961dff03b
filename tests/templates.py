"""Worlds built once per test session and copied cheaply: the suite's time budget (docs/architecture.md, Testing).

Under pytest-xdist every worker is a process of its own, so a session fixture would build its world once per
worker. `build_once` builds it once for the whole session, under a file lock in a folder all workers share,
and hands every worker the same result; a world kept in a database is kept as a template database, and each
worker (or test) gets its own copy with `create database ... template` (tests/conftest.py: create_database
with a template; seconds, not a rebuild).

The template databases are dropped when the session ends: by the session's controller (`drop_templates`,
called from tests/conftest.py's pytest_sessionfinish), since no worker knows it is the last one to need them.
The embedded server that holds them is deleted with them.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest

from aias_dagster.platform.warehouse import ConnectionSettings

T = TypeVar("T")
TEMPLATES_FILE = "template_databases.jsonl"  # one {"server": url, "dbname": name} a line, in the shared folder


def shared_dir(factory: pytest.TempPathFactory) -> Path:
    """A folder of this test session that every xdist worker sees (the workers' base folders' parent)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> T:
    """build(folder) once for the session, whichever worker asks first; every worker gets its (pickled) result.

    The others wait on the lock meanwhile. A build that failed is not tried again by the next worker: it
    fails there too, with the first one's error, instead of costing the suite a second attempt.
    """
    folder = shared_dir(factory) / name
    folder.mkdir(parents=True, exist_ok=True)
    result, failure = folder / "result.pickle", folder / "failure.txt"
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists() and not failure.exists():
            try:
                result.write_bytes(pickle.dumps(build(folder)))
            except BaseException:
                failure.write_text(traceback.format_exc())
                raise
        if failure.exists():
            pytest.fail(f"building the shared world {name!r} failed in another worker:\n{failure.read_text()}")
        return pickle.loads(result.read_bytes())


def keep_as_template(factory: pytest.TempPathFactory, server: ConnectionSettings, settings: ConnectionSettings) -> None:
    """Turn a built database into a template: no one connects to it again, and the session's end drops it."""
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'alter database "{settings.dbname}" with is_template true allow_connections false')
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            (settings.dbname,),
        )
    with (shared_dir(factory) / TEMPLATES_FILE).open("a") as recorded:
        recorded.write(json.dumps({"server": server.url, "dbname": settings.dbname}) + "\n")


def drop_template(server_url: str, dbname: str) -> None:
    with psycopg.connect(server_url, autocommit=True, connect_timeout=3) as conn:
        if conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone():
            conn.execute(f'alter database "{dbname}" with is_template false')
            conn.execute(f'drop database "{dbname}" with (force)')


def drop_templates(session_dir: Path) -> None:
    """Drop the session's template databases (the controller calls this once every worker has finished).

    On the embedded server there is nothing to do: its last worker deleted the server with its databases.
    """
    recorded = session_dir / TEMPLATES_FILE
    if not recorded.exists():
        return
    for line in recorded.read_text().splitlines():
        template = json.loads(line)
        try:
            drop_template(template["server"], template["dbname"])
        except psycopg.OperationalError:
            continue  # the embedded server, already gone
