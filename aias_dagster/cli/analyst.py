"""`aias db --analyst`: how to give an analyst a login that reads `marts` and nothing else."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from aias_dagster.platform.roles import ROLES, analyst_login_sql, roles_ready
from aias_dagster.platform.warehouse import ConnectionSettings, connect

DEFAULT_LOGIN = "analyst"
# A plain lowercase identifier, so the printed SQL needs no quoting and cannot say more than it should.
_LOGIN_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def login_name(text: str) -> str:
    if not _LOGIN_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a lowercase name of letters, digits and _ (at most 63)")
    return text


def analyst_login_lines(settings: ConnectionSettings, name: str) -> list[str]:
    """What to run to create the login and to connect as it. No password: the analyst chooses one."""
    return [
        f"analysts read schema marts only, through the NOLOGIN group role {ROLES.analyst}.",
        "create a login in it (as a superuser or a user with CREATEROLE), with a password of your choosing:",
        f"  {analyst_login_sql(name)}",
        "connect as it (psql asks for the password where the server wants one):",
        f"  {settings.as_user(name).psql_command()}",
        f"remove it again with: drop role {name};",
    ]


def print_analyst_login(settings: ConnectionSettings, name: str, say: Callable[[str], None]) -> int:
    """Make sure the group role exists in this database, then say how to join it."""
    with connect(settings) as conn:
        ready = roles_ready(conn)
    if not ready:
        say(f"aias db: the roles are not in use here (see the warning above), so there is no {ROLES.analyst} to join")
        return 1
    for line in analyst_login_lines(settings, name):
        say(line)
    return 0
