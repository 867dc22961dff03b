"""The warehouse's three roles: the loader writes `raw`, the transformer builds the dbt layers, analysts read `marts`.

All three are NOLOGIN group roles. The pipeline keeps connecting as the user of `AIAS_DATABASE_URL` and
switches into a role for the work (`set local role` per load transaction, dbt's `role:` in profiles.yml),
so one URL stays the only setting. An analyst gets a login of their own in `aias_analyst`
(`aias db --analyst` prints how), which reads `marts` and nothing else: no USAGE on `raw`, the other dbt
layers or the `dagster` schema is ever granted to it.

Roles belong to the server, grants to a database, so `ensure_roles` runs once per process and database,
changes only what is missing (a second call writes nothing), and tolerates another process creating the
same role at the same moment, in this database or another one. A user that may not create or join roles
(a managed database without CREATEROLE) gets one warning and works as itself: everything still runs,
only without the separation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg
from psycopg import sql

from aias_dagster.platform.warehouse import ConnectionSettings

log = logging.getLogger(__name__)

RAW_SCHEMA = "raw"
# The schemas dbt builds (the +schema values of dbt_project.yml); tests/platform/test_roles.py checks they agree.
TRANSFORM_SCHEMAS: tuple[str, ...] = ("staging", "intermediate", "marts", "seeds")
ANALYST_SCHEMAS: tuple[str, ...] = ("marts",)
# Relation kinds whose owner is the role that builds them (indexes and owned sequences follow their table).
_OWNED_KINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "f": "foreign table"}
_LOCK = "aias.roles"


@dataclass(frozen=True)
class Roles:
    """The role names, in one place. Tests pass names of their own to watch roles being created."""

    loader: str = "aias_loader"
    transformer: str = "aias_transformer"
    analyst: str = "aias_analyst"

    @property
    def all(self) -> tuple[str, str, str]:
        return (self.loader, self.transformer, self.analyst)


ROLES = Roles()


def ensure_roles(conn: psycopg.Connection, roles: Roles = ROLES) -> bool:
    """Create the roles and this database's grants if any is missing; False (and a warning) if not allowed.

    Runs in a savepoint of the caller's transaction (or a transaction of its own), as the connecting user
    even when the transaction has switched role, and leaves the caller's role as it found it.
    """
    try:
        with conn.transaction():
            previous = _switch_to_session_user(conn)
            conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (_LOCK,))
            _create_roles(conn, roles)
            _join_roles(conn, roles)
            _grant(conn, roles)
            if previous:
                conn.execute(sql.SQL("set local role {}").format(sql.Identifier(previous)))
    except psycopg.errors.InsufficientPrivilege as exc:
        log.warning(
            "database roles not in use, loading and building as %s: %s (a superuser or a user with CREATEROLE "
            "can create %s; see README, Roles)",
            conn.info.user,
            exc.diag.message_primary,
            ", ".join(roles.all),
        )
        return False
    return True


_READY: dict[tuple[str, int, str, int], bool] = {}


def _ready_key(conn: psycopg.Connection) -> tuple[str, int, str, int]:
    (oid,) = conn.execute("select oid from pg_database where datname = current_database()").fetchone()  # type: ignore[misc]
    return (conn.info.host, conn.info.port, conn.info.user, int(oid))


def forget_roles(conn: psycopg.Connection) -> None:
    """Ensure the roles again on the next roles_ready: a schema they grant on was dropped and made anew.

    Roles found unavailable stay so for the process: asking again would only warn again.
    """
    key = _ready_key(conn)
    if _READY.get(key):
        del _READY[key]


def roles_ready(conn: psycopg.Connection) -> bool:
    """ensure_roles, once per process and database: a loader calls this for every file it loads."""
    key = _ready_key(conn)
    if key not in _READY:
        _READY[key] = ensure_roles(conn)
    return _READY[key]


def act_as(conn: psycopg.Connection, role: str) -> bool:
    """Work as role for the rest of conn's transaction; False: the roles are unavailable, stay the connecting user."""
    if not roles_ready(conn):
        return False
    conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
    return True


def transformer_role(settings: ConnectionSettings) -> str:
    """The role dbt builds as (profiles.yml's `role:`), or "" for the connecting user when the roles are unavailable."""
    with psycopg.connect(settings.url) as conn:
        return ROLES.transformer if roles_ready(conn) else ""


def analyst_login_sql(name: str, roles: Roles = ROLES) -> str:
    """The statement that creates an analyst's login; the password is a placeholder for them to choose."""
    return f"create role {name} login password '<choose a password>' in role {roles.analyst};"


def _switch_to_session_user(conn: psycopg.Connection) -> str | None:
    """Back to the connecting user for this transaction; returns the role to restore, if another was set."""
    current, session = conn.execute("select current_user, session_user").fetchone()  # type: ignore[misc]
    if current == session:
        return None
    conn.execute("set local role none")
    return str(current)


def _create_roles(conn: psycopg.Connection, roles: Roles) -> None:
    rows = conn.execute("select rolname from pg_roles where rolname = any(%s)", (list(roles.all),)).fetchall()
    existing = {name for (name,) in rows}
    for name in roles.all:
        if name in existing:
            continue
        try:
            with conn.transaction():
                conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(name)))
        except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            pass  # another process created it first; roles are shared by every database of the server


def _join_roles(conn: psycopg.Connection, roles: Roles) -> None:
    """The connecting user must be able to switch into the loader and transformer (a superuser always can)."""
    for name in (roles.loader, roles.transformer):
        (member,) = conn.execute("select pg_has_role(session_user, %s, 'USAGE')", (name,)).fetchone()  # type: ignore[misc]
        if member:
            continue
        try:
            with conn.transaction():
                conn.execute(sql.SQL("grant {} to session_user").format(sql.Identifier(name)))
        except psycopg.errors.UniqueViolation:
            pass  # granted at the same moment from another database


def _grant(conn: psycopg.Connection, roles: Roles) -> None:
    database = conn.execute("select current_database()").fetchone()[0]  # type: ignore[index]
    for role in roles.all:
        _ensure_privilege(conn, "database", database, role, "CONNECT")
    # dbt creates the schemas of the layers it builds.
    _ensure_privilege(conn, "database", database, roles.transformer, "CREATE")
    _ensure_schema(conn, RAW_SCHEMA, roles.loader)
    for schema in TRANSFORM_SCHEMAS:
        _ensure_schema(conn, schema, roles.transformer)
    # Objects from before the roles (an older database) pass to the role that rebuilds them.
    _take_ownership(conn, (RAW_SCHEMA,), roles.loader)
    _take_ownership(conn, TRANSFORM_SCHEMAS, roles.transformer)
    _ensure_reader(conn, RAW_SCHEMA, writer=roles.loader, reader=roles.transformer)
    for schema in ANALYST_SCHEMAS:
        _ensure_reader(conn, schema, writer=roles.transformer, reader=roles.analyst)


def _ensure_privilege(conn: psycopg.Connection, kind: str, name: str, role: str, privilege: str) -> None:
    (held,) = conn.execute(
        f"select has_{kind}_privilege(%s, %s, %s)",  # type: ignore[arg-type]
        (role, name, privilege),
    ).fetchone()  # type: ignore[misc]
    if not held:
        conn.execute(
            sql.SQL("grant {} on {} {} to {}").format(
                sql.SQL(privilege), sql.SQL(kind), sql.Identifier(name), sql.Identifier(role)
            )
        )


def _ensure_schema(conn: psycopg.Connection, schema: str, writer: str) -> None:
    """The schema exists and its writer may create in it (a new schema belongs to the writer)."""
    exists = conn.execute("select 1 from pg_namespace where nspname = %s", (schema,)).fetchone()
    if not exists:
        conn.execute(
            sql.SQL("create schema {} authorization {}").format(sql.Identifier(schema), sql.Identifier(writer))
        )
        return
    for privilege in ("USAGE", "CREATE"):
        _ensure_privilege(conn, "schema", schema, writer, privilege)


def _take_ownership(conn: psycopg.Connection, schemas: tuple[str, ...], owner: str) -> None:
    relations = conn.execute(
        """
        select c.relkind, n.nspname, c.relname
        from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%s) and c.relkind = any(%s) and c.relowner <> %s::regrole
        """,
        (list(schemas), list(_OWNED_KINDS), owner),
    ).fetchall()
    for kind, schema, name in relations:
        conn.execute(
            sql.SQL("alter {} {} owner to {}").format(
                sql.SQL(_OWNED_KINDS[kind]), sql.Identifier(schema, name), sql.Identifier(owner)
            )
        )
    routines = conn.execute(
        """
        select p.oid::regprocedure::text
        from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
        where n.nspname = any(%s) and p.proowner <> %s::regrole
        """,
        (list(schemas), owner),
    ).fetchall()
    for (signature,) in routines:
        conn.execute(sql.SQL("alter routine {} owner to {}").format(sql.SQL(signature), sql.Identifier(owner)))


def _ensure_reader(conn: psycopg.Connection, schema: str, *, writer: str, reader: str) -> None:
    """reader may read every table of schema, those writer creates later included (dbt rebuilds a table anew)."""
    _ensure_privilege(conn, "schema", schema, reader, "USAGE")
    unread = conn.execute(
        """
        select n.nspname, c.relname
        from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = %s and c.relkind = any(%s) and not has_table_privilege(%s, c.oid, 'SELECT')
        """,
        (schema, list(_OWNED_KINDS), reader),
    ).fetchall()
    for table in unread:
        conn.execute(sql.SQL("grant select on {} to {}").format(sql.Identifier(*table), sql.Identifier(reader)))
    (by_default,) = conn.execute(
        """
        select exists (
            select from pg_default_acl as d join pg_namespace as n on n.oid = d.defaclnamespace
            where d.defaclrole = %s::regrole and n.nspname = %s and d.defaclobjtype = 'r'
              and aclcontains(d.defaclacl, makeaclitem(%s::regrole, %s::regrole, 'SELECT', false))
        )
        """,
        (writer, schema, reader, writer),
    ).fetchone()  # type: ignore[misc]
    if not by_default:
        conn.execute(
            sql.SQL("alter default privileges for role {} in schema {} grant select on tables to {}").format(
                sql.Identifier(writer), sql.Identifier(schema), sql.Identifier(reader)
            )
        )
