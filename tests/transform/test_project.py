"""The dbt resource the platform gives Dagster."""

import subprocess

from aias_dagster.transform.project import dbt_executable, dbt_resource


def test_the_dbt_version_read_from_the_package_is_the_one_dbt_reports() -> None:
    # The resource does not start `dbt --version` on each run (project.InstalledDbtCliResource); what it
    # reads instead must be what that command prints, since dagster-dbt chooses its code paths by it.
    printed = subprocess.run([dbt_executable(), "--version"], capture_output=True, text=True, check=True).stdout
    assert f"installed: {dbt_resource()._cli_version}" in printed
