"""A target lives in one place, the versioned seed: a new version moves the scorecard, the loop's asset check
and its page's target line together, with no Python to change."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from aias_dagster.dashboards.charts import TARGET_COLOUR
from aias_dagster.platform.kpi import kpi_result, loop_kpi
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.reliability.page import PAGE as RELIABILITY_PAGE
from tests.conftest import BuiltWorld, create_database, drop_database
from tests.dbt.support import Dbt, project_copy

pytestmark = pytest.mark.slow

TARGETS_SEED = Path("dbt_project/seeds/scorecard/scorecard_targets.csv")


def with_new_targets(seed: Path, targets: dict[str, str]) -> None:
    """A new version of the seed: the newest version's rows again, with `targets` (loop -> target) changed."""
    header, *rows = seed.read_text().splitlines()
    newest = max(int(row.split(",")[0]) for row in rows)
    added = []
    for row in rows:
        fields = row.split(",")
        if int(fields[0]) == newest:
            fields[0] = str(newest + 1)
            fields[5] = targets.get(fields[2], fields[5])
            added.append(",".join(fields))
    seed.write_text("\n".join([header, *rows, *added]) + "\n")


@pytest.fixture
def world_copy(demo_world: BuiltWorld, pg_server: ConnectionSettings) -> Iterator[ConnectionSettings]:
    settings = create_database(pg_server, prefix="aias_targets", template=demo_world.settings.dbname)
    yield settings
    drop_database(pg_server, settings)


def test_a_new_target_in_the_seed_moves_the_scorecard_the_check_and_the_page(
    world_copy: ConnectionSettings, tmp_path: Path
) -> None:
    with psycopg.connect(world_copy.url) as conn:
        before = {loop: loop_kpi(conn, loop) for loop in ("acquisition", "reliability")}
    assert before["reliability"] is not None and before["reliability"].status == "green"  # 51.6 % against >= 20 %
    assert before["acquisition"] is not None and before["acquisition"].status == "red"  # 21.6 % against <= 5 %

    project = project_copy(tmp_path / "project")
    with_new_targets(project / TARGETS_SEED, {"reliability": "0.6", "acquisition": "0.25"})
    built = Dbt(world_copy, tmp_path / "target", project_dir=project)("build", "--select", "scorecard_targets+")
    assert built.returncode == 0, built.output[-3000:]

    with psycopg.connect(world_copy.url) as conn:
        reliability, acquisition = loop_kpi(conn, "reliability"), loop_kpi(conn, "acquisition")
        page = RELIABILITY_PAGE.build(conn)
    assert reliability is not None and acquisition is not None
    # The scorecard: the same values, judged against the new targets.
    assert (reliability.value, reliability.target, reliability.status) == (
        before["reliability"].value,
        Decimal("0.6"),
        "yellow",
    )
    assert (acquisition.value, acquisition.target, acquisition.status) == (
        before["acquisition"].value,
        Decimal("0.25"),
        "green",
    )
    # The asset checks read the scorecard: the verdicts follow.
    assert not kpi_result(reliability).passed and "(target >= 60.0%)" in (kpi_result(reliability).description or "")
    assert kpi_result(acquisition).passed
    # The reliability page's target line (the dashed line of its auto-fixed chart) and its label.
    lines = [
        (shape["y0"], note["text"])
        for chart in page.charts
        for shape, note in zip(
            [s for s in chart.layout.get("shapes", []) if s.get("line", {}).get("color") == TARGET_COLOUR],
            [a for a in chart.layout.get("annotations", []) if str(a.get("text", "")).startswith("Target")],
            strict=False,
        )
    ]
    assert lines and all(y == 0.6 and ">= 60.0%" in text for y, text in lines), lines
