"""A database login with a password, and every place a command or run could have written that password.

Issue 8's item 7: a password in AIAS_DATABASE_URL must appear nowhere the platform writes. The first runs
(tests/platform/test_first_runs.py: two first `aias load` at once) and the UI module (tests/test_ui.py: a
nightly run and a killed build launched by `aias`) connect through such a login and look for the password in
what they wrote: what the commands printed, the compute logs, the run logs, dbt's logs and run artifacts, and
every row of Dagster's tables (the source freshness check's verdicts among them: it writes no file).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from aias_dagster.platform.warehouse import ConnectionSettings
from tests.conftest import REPO_ROOT, create_database, drop_database


@dataclass(frozen=True)
class Login:
    settings: ConnectionSettings  # the password-bearing URL of a database of its own
    password: str  # unique to this login, so finding it anywhere can only mean it leaked from the URL


def with_login(settings: ConnectionSettings, user: str, password: str) -> ConnectionSettings:
    split = urlsplit(settings.url)
    netloc = f"{user}:{password}@" + split.netloc.rsplit("@", 1)[-1]
    return ConnectionSettings(urlunsplit(split._replace(netloc=netloc)))


@contextmanager
def database_with_password(server: ConnectionSettings, prefix: str) -> Iterator[Login]:
    """A new database and a superuser login with a password for it; both dropped afterwards."""
    role, password = f"aias_pw_{uuid.uuid4().hex[:8]}", f"Pw{uuid.uuid4().hex[:12]}Secret"
    database = create_database(server, prefix=prefix)
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(sql.SQL("create role {} login superuser password {}").format(sql.Identifier(role), password))
    try:
        yield Login(with_login(database, role, password), password)
    finally:
        drop_database(server, database)  # first: the role owns what the runs created in it
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))


def written_files(folders: Iterable[Path], since: float) -> list[Path]:
    """Every file under folders (the commands' own: AIAS_HOME, DAGSTER_HOME), and dbt's target/ and logs/
    files written since `since` (time.time() before the first command)."""
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    for folder in (REPO_ROOT / "target", REPO_ROOT / "logs"):
        files += [p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime >= since]
    return files


def files_with(password: str, files: Iterable[Path]) -> list[str]:
    return [str(p) for p in files if password.encode() in p.read_bytes()]


def dagster_rows_with(login: Login) -> tuple[set[str], int, list[str]]:
    """Dagster's tables (runs, event logs, tags, daemon state), the rows they hold, and those holding the password."""
    with psycopg.connect(login.settings.url) as conn:
        tables = [t for (t,) in conn.execute("select tablename from pg_tables where schemaname = 'dagster'")]
        rows, leaked = 0, []
        for table in tables:
            query = sql.SQL("select t::text from {} as t").format(sql.Identifier("dagster", table))
            texts = [text for (text,) in conn.execute(query)]
            rows += len(texts)
            leaked += [table for t in texts if login.password in t]
    return set(tables), rows, leaked


def freshness_verdicts(login: Login) -> int:
    """The source freshness check's verdicts in Dagster's event log, the rows dagster_rows_with reads: the check
    queries the database itself and writes no file, so this is where a password it mishandled would be."""
    with psycopg.connect(login.settings.url) as conn:
        row = conn.execute(
            "select count(*) from dagster.event_logs"
            " where dagster_event_type = 'ASSET_CHECK_EVALUATION' and event like '%dbt_source_freshness%'"
        ).fetchone()
    return int(row[0]) if row else 0
