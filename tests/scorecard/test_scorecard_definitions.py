"""The scorecard in the code location: its marts in group scorecard, built nightly after the loops' marts, and
the index page downstream of it."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from aias_dagster.dashboards.assets import INDEX_KEY
from aias_dagster.orchestration.jobs import NIGHTLY_JOB, TRANSFORM_JOB
from aias_dagster.platform.loops import SCORECARD
from aias_dagster.scorecard.checks import LOOP_SCORECARD

MONTHLY = dg.AssetKey(["marts", "loop_scorecard_monthly"])
LOOP_MARTS = ("cac_monthly", "feature_adoption_monthly", "support_monthly", "api_revenue_monthly", "reliability_daily")


@pytest.fixture(scope="module")
def definitions(dbt_manifest: Path) -> dg.Definitions:
    from aias_dagster.definitions import defs

    return defs()


def test_the_scorecard_marts_are_group_scorecard_with_an_owner_and_a_description(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    for key in (LOOP_SCORECARD, MONTHLY):
        node = graph.get(key)
        assert node.group_name == "scorecard" and node.owners == [SCORECARD.owner], key
        assert node.description and "loop" in node.description, key
    index = graph.get(INDEX_KEY)
    assert index.parent_keys == {LOOP_SCORECARD}  # the index reads the scorecard and nothing else
    assert index.group_name == "dashboards" and index.owners == [SCORECARD.owner] and index.description


def test_the_nightly_run_builds_the_scorecard_after_every_loops_mart_and_the_index_after_it(
    definitions: dg.Definitions,
) -> None:
    graph = definitions.resolve_asset_graph()
    ancestors = ancestor_keys(graph, LOOP_SCORECARD)
    assert {dg.AssetKey(["marts", m]) for m in LOOP_MARTS} <= ancestors
    for job in (NIGHTLY_JOB, TRANSFORM_JOB):
        keys = definitions.resolve_job_def(job).asset_layer.executable_asset_keys
        assert {LOOP_SCORECARD, MONTHLY, INDEX_KEY} <= set(keys), job
    checks = graph.asset_check_keys
    assert dg.AssetCheckKey(LOOP_SCORECARD, "every_registered_loop_is_on_the_scorecard") in checks


def test_the_index_is_a_dbt_exposure_of_the_scorecard(dbt_manifest: Path) -> None:
    exposures = {
        e["meta"].get("dagster_asset_key"): e for e in json.loads(dbt_manifest.read_text())["exposures"].values()
    }
    index = exposures["dashboards/index"]
    assert index["depends_on"]["nodes"] == ["model.aias.loop_scorecard"] and index["owner"]["name"] == SCORECARD.owner


def ancestor_keys(graph: object, key: dg.AssetKey) -> set[dg.AssetKey]:
    seen: set[dg.AssetKey] = set()
    todo = [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:  # type: ignore[attr-defined]
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen
