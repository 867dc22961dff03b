"""A user's mistake on the command line gets one line naming the option, and no traceback."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, HOME_ENV, LANDING_DIR_ENV, ConnectionSettings
from tests.conftest import REPO_ROOT
from tests.ingest.files import row, write_landing


def aias(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aias_dagster.cli", *args]
    return subprocess.run(command, cwd=REPO_ROOT, env=env or dict(os.environ), capture_output=True, text=True)


def assert_one_clear_line(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and expected in errors[0], result.stderr


def test_a_date_that_is_not_a_date_names_the_option_and_the_format() -> None:
    assert_one_clear_line(aias("load", "--from", "1 March"), "aias load: error: --from 1 March: expected YYYY-MM-DD")


def test_a_well_formed_date_that_does_not_exist_is_told_why() -> None:
    # It was told "expected YYYY-MM-DD", which it is.
    assert_one_clear_line(
        aias("load", "--from", "2026-02-30"), "aias load: error: --from 2026-02-30: no such date: 2026-02 has 28 days"
    )
    assert_one_clear_line(
        aias("load", "--to", "2026-13-01"), "aias load: error: --to 2026-13-01: no such date: there is no month 13"
    )


def test_a_negative_count_names_the_option_and_its_minimum(tmp_path: Path) -> None:
    result = aias("generate", "--customers", "-5", "--out", str(tmp_path / "X"))
    assert_one_clear_line(result, "aias generate: error: --customers must be at least 1, got -5")
    assert not (tmp_path / "X").exists()


def test_a_port_out_of_range_is_refused() -> None:
    assert_one_clear_line(aias("ui", "--port", "70000"), "aias ui: error: --port must be at most 65535, got 70000")


@pytest.mark.slow
def test_a_range_before_the_first_partition_is_refused_before_any_run(
    database: ConnectionSettings, tmp_path: Path, dbt_manifest: Path
) -> None:
    landing = tmp_path / "landing"
    write_landing(landing, "customers", date(2026, 3, 1), [row("customers", 1)])
    env = {
        **os.environ,
        DATABASE_URL_ENV: database.url,
        HOME_ENV: str(tmp_path / "home"),
        LANDING_DIR_ENV: str(landing),
    }
    result = aias("run", "nightly", "--from", "2020-01-01", env=env)
    assert_one_clear_line(result, "aias run: error: --from 2020-01-01 is before the first partition, 2026-03-01")
    assert "job nightly" not in result.stdout  # refused before a run was announced, let alone started
    # Given --from alone, a day after the last partition is blamed on --from (it named a --to never passed),
    # and before the database is even opened (its line came first).
    result = aias("run", "nightly", "--from", "2099-01-01", env=env)
    assert_one_clear_line(result, "aias run: error: --from 2099-01-01 is after the last partition")
    assert result.stdout == ""
