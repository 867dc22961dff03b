"""`aias db --stop`: the documented way to stop the embedded Postgres that `make demo` leaves running."""

import os
import subprocess
import sys
from pathlib import Path

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, HOME_ENV
from tests.conftest import REPO_ROOT


def aias(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aias_dagster.cli", *args]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_db_stop_stops_the_embedded_server_and_keeps_its_data(tmp_path: Path) -> None:
    # There was no way: `aias db --stop` was refused, and the server outlived every command on purpose.
    env = {k: v for k, v in os.environ.items() if k != DATABASE_URL_ENV} | {HOME_ENV: str(tmp_path / "home")}
    data_dir = tmp_path / "home" / "pgdata"
    started = aias("db", env=env)
    assert started.returncode == 0, started.stderr
    pid = int((data_dir / "postmaster.pid").read_text().split()[0])

    stopped = aias("db", "--stop", env=env)

    assert stopped.returncode == 0, stopped.stderr
    assert f"aias db: stopped the embedded Postgres (data kept in {data_dir}" in stopped.stdout
    assert not (data_dir / "postmaster.pid").exists()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    assert (data_dir / "PG_VERSION").exists()  # the data stays
    again = aias("db", "--stop", env=env)
    assert again.returncode == 0 and "is not running" in again.stdout, again.stdout + again.stderr


def test_db_stop_leaves_a_configured_server_alone(tmp_path: Path) -> None:
    env = dict(os.environ) | {DATABASE_URL_ENV: "postgresql://nobody@127.0.0.1:1/none", HOME_ENV: str(tmp_path)}
    refused = aias("db", "--stop", env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"aias db: error: --stop stops the embedded Postgres; ${DATABASE_URL_ENV} names another server,"
        " which aias leaves running"
    )
