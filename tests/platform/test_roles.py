"""The database roles on a real Postgres: the loader writes raw, dbt builds as the transformer, analysts read marts.

Roles are shared by every database of a server (the Postgres 15 server of CI included), so the logins and
throwaway roles these tests create have unique names and are dropped at the end.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from aias_dagster.cli.analyst import analyst_login_lines, print_analyst_login
from aias_dagster.cli.main import build_parser
from aias_dagster.ingest.contract import get_source
from aias_dagster.ingest.landing import delivery_days
from aias_dagster.ingest.window import load_days
from aias_dagster.platform.roles import (
    ROLES,
    TRANSFORM_SCHEMAS,
    Roles,
    analyst_login_sql,
    ensure_roles,
    transformer_role,
)
from aias_dagster.platform.warehouse import ConnectionSettings, dagster_storage_url
from tests.acquisition.support import BUILD_MARTS
from tests.conftest import REPO_ROOT, create_database, drop_database
from tests.dbt.support import LANDING_DIR, Dbt, DbtResult, load_landing

pytestmark = pytest.mark.slow

PASSWORD = "analyst-test-password"
DENIED_ELSEWHERE = ("raw", "staging", "intermediate", "seeds", "dagster")


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def query(settings: ConnectionSettings, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(settings.url) as conn:
        return conn.execute(statement, params or None).fetchall()  # type: ignore[arg-type]


def drop_role(server: ConnectionSettings, *names: str) -> None:
    with psycopg.connect(server.url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'drop role if exists "{name}"')  # type: ignore[arg-type]


@dataclass(frozen=True)
class Built:
    settings: ConnectionSettings
    target: Path
    build: DbtResult
    analyst: ConnectionSettings

    def as_analyst(self, statement: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.analyst.url, password=PASSWORD) as conn:
            return conn.execute(statement).fetchall()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def built(pg_server: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The test landing files loaded by the real loader, the CAC marts built by real dbt, an analyst login."""
    settings = create_database(pg_server)
    login = unique("aias_t_analyst")
    try:
        loads = load_landing(settings)
        assert loads and all(r.rejected == 0 for r in loads.values()), loads
        dagster_storage_url(settings)  # Dagster's schema, where the webserver keeps runs
        with psycopg.connect(settings.url) as conn:
            conn.execute("create table dagster.runs (run_id text primary key)")
        target = tmp_path_factory.mktemp("roles") / "target"
        build = Dbt(settings, target)("build", *BUILD_MARTS)
        assert build.returncode == 0, build.output
        # The statement `aias db --analyst` prints, with the password filled in.
        with psycopg.connect(settings.url, autocommit=True) as conn:
            conn.execute(analyst_login_sql(login).replace("<choose a password>", PASSWORD))  # type: ignore[arg-type]
        yield Built(settings, target, build, settings.as_user(login))
    finally:
        drop_database(pg_server, settings)
        drop_role(pg_server, login)


def test_an_analyst_login_reads_the_marts(built: Built) -> None:
    expected = query(built.settings, "select count(*), sum(spend_usd) from marts.cac_monthly")

    assert built.as_analyst("select current_user")[0][0] == built.analyst.user
    assert built.as_analyst("select count(*), sum(spend_usd) from marts.cac_monthly") == expected
    assert expected[0][0] > 0


def test_an_analyst_is_refused_on_raw_the_other_layers_and_dagster(built: Built) -> None:
    tables = dict(
        query(
            built.settings,
            "select distinct on (schemaname) schemaname, tablename from pg_tables where schemaname = any(%s) "
            "union all select distinct on (schemaname) schemaname, viewname from pg_views where schemaname = 'staging'",
            (list(DENIED_ELSEWHERE),),
        )
    )
    assert set(tables) == set(DENIED_ELSEWHERE)

    for schema, table in tables.items():
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f"permission denied for schema {schema}"):
            built.as_analyst(f"select * from {schema}.{table} limit 1")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for schema raw"):
        built.as_analyst("select * from raw.customers")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for schema marts"):
        built.as_analyst("create table marts.mine (n int)")


def test_the_loader_writes_raw_and_dbt_builds_as_their_roles(built: Built) -> None:
    owners = query(
        built.settings,
        """
        select n.nspname, array_agg(distinct c.relowner::regrole::text)
        from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%s) and c.relkind in ('r', 'v')
        group by n.nspname
        """,
        (["raw", *TRANSFORM_SCHEMAS],),
    )

    assert dict(owners) == {
        "raw": [ROLES.loader],
        "staging": [ROLES.transformer],
        "intermediate": [ROLES.transformer],
        "marts": [ROLES.transformer],
        "seeds": [ROLES.transformer],
    }


def catalog_snapshot(conn: psycopg.Connection) -> list[Any]:
    """Everything ensure_roles may write, with each row's xmin: a row rewritten with the same value shows.

    Of the server-wide catalogs only the rows of the project's roles: other databases may be busy.
    """
    names = list(ROLES.all)
    return [
        conn.execute("select rolname, xmin::text from pg_authid where rolname = any(%s)", (names,)).fetchall(),
        conn.execute(
            "select roleid::regrole::text, member::regrole::text, xmin::text from pg_auth_members "
            "where roleid::regrole::text = any(%s) order by 1, 2",
            (names,),
        ).fetchall(),
        conn.execute("select datacl::text, xmin::text from pg_database where datname = current_database()").fetchall(),
        conn.execute("select nspname, nspowner, nspacl::text, xmin::text from pg_namespace order by 1").fetchall(),
        conn.execute(
            "select c.oid, c.relowner, c.relacl::text, c.xmin::text from pg_class as c "
            "join pg_namespace as n on n.oid = c.relnamespace where n.nspname not like 'pg_%%' order by 1"
        ).fetchall(),
        conn.execute("select defaclrole, defaclnamespace, defaclacl::text, xmin::text from pg_default_acl").fetchall(),
    ]


def test_ensure_roles_a_second_time_writes_nothing(built: Built) -> None:
    with psycopg.connect(built.settings.url) as conn:
        before = catalog_snapshot(conn)
        assert ensure_roles(conn)
        conn.commit()
        assert catalog_snapshot(conn) == before


def test_aias_db_analyst_prints_the_sql_and_a_psql_command_without_secrets(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = analyst_login_lines(ConnectionSettings("postgresql://etl:s3cret@db.example:6543/aias"), "alice")

    assert "  create role alice login password '<choose a password>' in role aias_analyst;" in lines
    assert lines[4].endswith("psql 'postgresql://alice@db.example:6543/aias'"), lines
    assert not any("s3cret" in line or "etl" in line for line in lines)
    assert print_analyst_login(built.settings, "bob", print) == 0
    assert "  create role bob login password '<choose a password>' in role aias_analyst;\n" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        build_parser().parse_args(["db", "--analyst", "--name", "Bob; drop table x"])
    assert "--name 'Bob; drop table x': expected a lowercase name" in capsys.readouterr().err


def test_the_transform_schemas_are_the_ones_dbt_builds() -> None:
    project = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())
    layers = [*project["models"]["aias"].values(), project["seeds"]["aias"]]

    assert {layer["+schema"] for layer in layers if isinstance(layer, dict) and "+schema" in layer} == set(
        TRANSFORM_SCHEMAS
    )


def test_two_processes_creating_the_roles_at_once_both_succeed(pg_server: ConnectionSettings) -> None:
    roles = Roles(unique("aias_t_loader"), unique("aias_t_transformer"), unique("aias_t_analyst"))
    databases = [create_database(pg_server), create_database(pg_server)]
    start = threading.Barrier(2)
    ready: list[bool] = []

    def ensure(settings: ConnectionSettings) -> None:
        with psycopg.connect(settings.url) as conn:
            start.wait()
            ready.append(ensure_roles(conn, roles))

    try:
        threads = [threading.Thread(target=ensure, args=(d,)) for d in databases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        created = query(
            pg_server, "select rolname, rolcanlogin from pg_roles where rolname = any(%s)", (list(roles.all),)
        )

        assert ready == [True, True]
        assert sorted(created) == sorted((name, False) for name in roles.all)
        for settings in databases:
            owners = "select nspname, nspowner::regrole::text from pg_namespace where nspname = any(%s)"
            schemas = query(settings, owners, (["raw", "marts"],))
            assert sorted(schemas) == [("marts", roles.transformer), ("raw", roles.loader)]
    finally:
        for settings in databases:
            drop_database(pg_server, settings)
        drop_role(pg_server, *roles.all)


def test_without_the_right_to_create_roles_everything_runs_as_the_connecting_user(
    pg_server: ConnectionSettings, caplog: pytest.LogCaptureFixture
) -> None:
    user = unique("aias_t_plain")
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"create role {user} login nocreaterole")  # type: ignore[arg-type]
    settings = create_database(pg_server)
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f'alter database "{settings.dbname}" owner to {user}')  # type: ignore[arg-type]
    plain = settings.as_user(user)
    try:
        with caplog.at_level(logging.WARNING, logger="aias_dagster.platform.roles"):
            with psycopg.connect(plain.url) as conn:
                report = load_days(conn, get_source("customers"), LANDING_DIR, delivery_days(LANDING_DIR, "customers"))
            role = transformer_role(plain)

        assert report.loaded > 0 and report.rejected == 0
        assert role == ""
        assert query(plain, "select distinct tableowner from pg_tables where schemaname = 'raw'") == [(user,)]
        (warning,) = caplog.records
        assert warning.getMessage().startswith(f"database roles not in use, loading and building as {user}: ")
    finally:
        drop_database(pg_server, settings)
        drop_role(pg_server, user)


def test_an_older_database_passes_to_the_roles_and_a_rebuild_keeps_the_analysts_access(built: Built) -> None:
    # Runs last: it turns the built database into one from before the roles, then rebuilds it.
    with psycopg.connect(built.settings.url) as conn:
        conn.execute(f"reassign owned by {ROLES.loader}, {ROLES.transformer} to session_user")  # type: ignore[arg-type]
        conn.execute(f"revoke select on all tables in schema marts from {ROLES.analyst}")  # type: ignore[arg-type]
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            built.as_analyst("select count(*) from marts.cac_monthly")
        assert ensure_roles(conn)
        conn.commit()
    before = built.as_analyst("select count(*), sum(spend_usd) from marts.cac_monthly")

    rebuild = Dbt(built.settings, built.target)("build", *BUILD_MARTS, "--full-refresh")

    assert rebuild.returncode == 0, rebuild.output
    assert built.as_analyst("select count(*), sum(spend_usd) from marts.cac_monthly") == before
    assert query(built.settings, "select distinct tableowner from pg_tables where schemaname = 'marts'") == [
        (ROLES.transformer,)
    ]
