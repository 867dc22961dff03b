"""A loop is its folders, one registry line and one row of the scorecard's seed; they must agree.

The registry (aias_dagster/platform/loops.py) finds a loop's Python by convention, and the dbt folders
name the Dagster groups: a loop present in one place and missing in another would fail late (a page
that never builds, a scorecard row without a loop), so this reads them all without a database.
"""

import csv
import importlib
import inspect
import re

import pytest

from aias_dagster.platform.context import DefsContext
from aias_dagster.platform.loops import GROUPS, LOOPS, PACKAGE, definition_folders
from tests.conftest import REPO_ROOT

DBT = REPO_ROOT / "dbt_project"
SCORECARD_SEED = DBT / "seeds" / "scorecard" / "scorecard_targets.csv"
LOOP_PYTHON = ("definitions.py", "report.py", "page.py", "templates")  # what every loop's folder holds
# Each with a folder per loop; staging/ and intermediate/ optional (a source two loops read is staged in
# models/staging/shared/, as support's tickets are).
LOOP_DBT = ("models/marts", "seeds")


def folders_under(path: str) -> set[str]:
    return {p.name for p in (DBT / path).iterdir() if p.is_dir()}


@pytest.mark.parametrize("loop", LOOPS)
def test_each_loop_has_its_python_folder_with_definitions_report_and_page(loop: str) -> None:
    folder = REPO_ROOT / PACKAGE / loop
    assert [name for name in LOOP_PYTHON if not (folder / name).exists()] == [], folder
    assert (REPO_ROOT / "tests" / loop).is_dir(), f"tests/{loop}/ holds the loop's tests"


@pytest.mark.parametrize("loop", LOOPS)
def test_each_loop_has_its_dbt_folders(loop: str) -> None:
    assert [path for path in LOOP_DBT if not (DBT / path / loop).is_dir()] == []


def test_each_loop_defines_its_kpi_once_and_the_scorecard_unions_every_loop() -> None:
    missing = [loop for loop in LOOPS if not (DBT / "models" / "marts" / loop / f"{loop}_kpi_monthly.sql").exists()]
    assert missing == [], "each loop's KPI is models/marts/<loop>/<loop>_kpi_monthly.sql"
    union = (DBT / "models" / "intermediate" / "scorecard" / "int_scorecard__kpi_months.sql").read_text()
    listed = re.search(r"set loop_names = \[(.*?)\]", union)
    assert listed is not None and re.findall(r"'(\w+)'", listed.group(1)) == list(LOOPS)


def test_every_dbt_folder_is_a_group_of_the_registry() -> None:
    named = {f"{path}/{name}" for path in ("models/staging", "models/intermediate", "models/marts", "seeds")
             for name in folders_under(path)}  # fmt: skip
    assert sorted(f for f in named if f.rpartition("/")[2] not in GROUPS) == []


def test_every_python_folder_with_a_page_is_a_loop_of_the_registry() -> None:
    with_page = {p.parent.name for p in (REPO_ROOT / PACKAGE).glob("*/page.py")}
    assert with_page - {"dashboards"} == set(LOOPS)  # dashboards/page.py says what a page is


def test_the_scorecard_seed_has_one_row_per_loop_in_the_registrys_order() -> None:
    with SCORECARD_SEED.open() as seed:
        versions = list(csv.DictReader(seed))
    newest = max(int(row["version"]) for row in versions)  # the targets in force
    rows = sorted((r for r in versions if int(r["version"]) == newest), key=lambda row: int(row["loop_order"]))
    assert [row["loop_name"] for row in rows] == list(LOOPS)
    assert {row["loop_name"]: row["owner"] for row in rows} == {loop: GROUPS[loop].owner for loop in LOOPS}


@pytest.mark.parametrize("folder", definition_folders())
def test_every_folder_exposes_build_defs_of_the_context(folder: str) -> None:
    build_defs = importlib.import_module(f"{PACKAGE}.{folder}.definitions").build_defs
    (parameter,) = inspect.signature(build_defs).parameters.values()
    assert parameter.annotation in (DefsContext, "DefsContext"), folder


@pytest.mark.parametrize("loop", LOOPS)
def test_each_loops_report_and_page_are_found_by_convention(loop: str) -> None:
    from aias_dagster.dashboards.page import Page

    group = GROUPS[loop]
    report, page = group.load_report(), group.load_page()
    assert callable(report) and report.__module__ == f"{PACKAGE}.{loop}.report"
    assert isinstance(page, Page) and page.group == loop
