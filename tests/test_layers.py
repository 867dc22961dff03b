"""Imports point down the floors of docs/architecture.md (Layers), and no modules import each other.

The floors, lowest first; a package imports the floors below it, and its own floor only where
SIDEWAYS allows:

    cli  bench  sample_data          commands people type; the sample world they generate
    definitions                      aias_dagster/definitions.py: the code location
    <the loops>  scorecard  dashboards
    orchestration                    jobs, schedules, sensors, run tags, launching runs
    ingest  transform  collect       the loader; the dbt project as assets; the SDKs' HTTP intake
    platform                         warehouse, instance, partitions, freshness, registry

Sideways on one floor: transform may import ingest (dbt's sources are the contract's), ingest never
imports transform; collect may import ingest (it writes the loader's raw tables), neither ingest nor transform
imports collect; the loops and the scorecard may import dashboards (the page machinery: Page,
charts, formatting, the index's scorecard), dashboards imports none of them and finds the pages through
the registry by convention; no loop imports another loop; cli and bench import sample_data, and not
each other.
"""

from pathlib import Path

from aias_dagster.platform.loops import LOOPS
from tests.conftest import REPO_ROOT
from tests.layers import Layers, Source, cycles, imports, layer_violations, read_sources

PAGE_USERS = (*LOOPS, "scorecard")
LAYERS = Layers(
    floors=(
        ("platform",),
        ("ingest", "transform", "collect"),
        ("orchestration",),
        (*LOOPS, "scorecard", "dashboards"),  # the registry's loops, so a new loop is placed by its registry line
        ("definitions",),
        ("cli", "bench", "sample_data"),
    ),
    sideways=frozenset(
        {
            ("transform", "ingest"),
            ("collect", "ingest"),
            *((user, "dashboards") for user in PAGE_USERS),
            ("cli", "sample_data"),
            ("bench", "sample_data"),
        }
    ),
)


def module(path: str, text: str) -> tuple[str, Source]:
    """A planted module: its dotted name and its source, as read_sources gives them."""
    parts = Path(path).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts), Source(path, text)


def test_every_import_points_down_the_floors() -> None:
    assert layer_violations(read_sources(REPO_ROOT), LAYERS) == []


def test_no_modules_import_each_other() -> None:
    assert cycles(read_sources(REPO_ROOT)) == []


def test_every_package_is_on_a_floor() -> None:
    packages = {p.name for p in (REPO_ROOT / "aias_dagster").iterdir() if (p / "__init__.py").exists()}
    top_modules = {p.stem for p in (REPO_ROOT / "aias_dagster").glob("*.py") if p.stem != "__init__"}
    placed = {package for floor in LAYERS.floors for package in floor}
    assert packages | top_modules == placed


def test_the_checker_names_both_files_of_a_planted_upward_import() -> None:
    """A sensor importing from the CLI inside a function, as product/sensors.py once did with run tags."""
    planted = dict(
        [
            module("aias_dagster/product/sensors.py", "def tags():\n    from aias_dagster.cli.runner import TAG\n"),
            module("aias_dagster/cli/runner.py", "TAG = 'dagster/partition'\n"),
        ]
    )
    assert layer_violations(planted, LAYERS) == [
        "aias_dagster/product/sensors.py:2 imports aias_dagster.cli.runner (aias_dagster/cli/runner.py): "
        "product (floor 3) may not import cli (floor 5)"
    ]


def test_the_checker_refuses_sideways_imports_without_leave() -> None:
    planted = dict(
        [
            module("aias_dagster/billing/page.py", "from aias_dagster.support import report\n"),
            module("aias_dagster/support/report.py", ""),
            module("aias_dagster/dashboards/site.py", "from aias_dagster.scorecard.checks import ROWS\n"),
            module("aias_dagster/scorecard/checks.py", "from aias_dagster.dashboards.formatting import money\n"),
            module("aias_dagster/dashboards/formatting.py", "def money(): ...\n"),
            module("aias_dagster/ingest/loader.py", "import aias_dagster.transform.project\n"),
            module("aias_dagster/transform/project.py", "from aias_dagster.ingest import contract\n"),
            module("aias_dagster/ingest/contract.py", ""),
        ]
    )
    assert layer_violations(planted, LAYERS) == [
        "aias_dagster/billing/page.py:1 imports aias_dagster.support.report (aias_dagster/support/report.py): "
        "billing and support share floor 3, and billing may not import support",
        "aias_dagster/dashboards/site.py:1 imports aias_dagster.scorecard.checks (aias_dagster/scorecard/checks.py): "
        "dashboards and scorecard share floor 3, and dashboards may not import scorecard",
        "aias_dagster/ingest/loader.py:1 imports aias_dagster.transform.project (aias_dagster/transform/project.py): "
        "ingest and transform share floor 1, and ingest may not import transform",
    ]


def test_the_checker_finds_a_cycle_hidden_under_type_checking() -> None:
    """billing/close.py and billing/outbox.py imported each other, one side only for its type hints."""
    planted = dict(
        [
            module("aias_dagster/billing/close.py", "import uuid\nfrom aias_dagster.billing.outbox import render\n"),
            module(
                "aias_dagster/billing/outbox.py",
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from aias_dagster.billing.close import Invoice\n",
            ),
        ]
    )
    assert cycles(planted) == [
        "aias_dagster/billing/close.py:2 -> aias_dagster/billing/outbox.py:3 -> aias_dagster/billing/close.py"
    ]


def test_relative_and_package_imports_resolve_to_the_module() -> None:
    planted = dict(
        [
            module("aias_dagster/billing/__init__.py", ""),
            module("aias_dagster/billing/close.py", "from . import metering\nfrom .pricing import Line\n"),
            module("aias_dagster/billing/metering.py", ""),
            module("aias_dagster/billing/pricing.py", "class Line: ...\n"),
        ]
    )
    assert {(e.importer, e.imported) for e in imports(planted)} == {
        ("aias_dagster.billing.close", "aias_dagster.billing.metering"),
        ("aias_dagster.billing.close", "aias_dagster.billing.pricing"),
    }
