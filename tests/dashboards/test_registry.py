"""Each page is an asset downstream of exactly the marts it reads, built nightly, and a dbt exposure."""

import json
from pathlib import Path

import dagster as dg
import pytest

from aias_dagster.dashboards.assets import page_key
from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.orchestration.jobs import NIGHTLY_JOB, TRANSFORM_JOB
from aias_dagster.platform.loops import GROUPS

PAGES = registered_pages()


@pytest.fixture(scope="module")
def definitions(dbt_manifest: Path) -> dg.Definitions:
    from aias_dagster.definitions import defs

    return defs()


@pytest.fixture(scope="module")
def manifest(dbt_manifest: Path) -> dict:
    return json.loads(dbt_manifest.read_text())


def test_the_cac_page_is_the_acquisition_loops_page() -> None:
    assert [(p.name, p.group) for p in PAGES if p.group == "acquisition"] == [("cac", "acquisition")]


def test_a_page_is_an_asset_downstream_of_exactly_its_marts(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    for page in PAGES:
        node = graph.get(page_key(page))
        assert node.parent_keys == {dg.AssetKey(["marts", m]) for m in page.marts}, page.name
        assert node.group_name == "dashboards"
        assert node.owners == [GROUPS[page.group].owner]
        assert node.tags["cadence"] == "daily"
        assert node.freshness_policy is not None


def test_pages_are_built_by_the_nightly_and_transform_runs_after_their_marts(definitions: dg.Definitions) -> None:
    for job_name in (NIGHTLY_JOB, TRANSFORM_JOB):
        keys = definitions.resolve_job_def(job_name).asset_layer.executable_asset_keys
        for page in PAGES:
            assert page_key(page) in keys, f"{job_name} does not build {page.name}"
            assert all(dg.AssetKey(["marts", m]) in keys for m in page.marts)


def test_every_mart_a_page_reads_is_a_dbt_model_of_the_marts_schema(manifest: dict) -> None:
    marts = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"}
    for page in PAGES:
        assert set(page.marts) <= marts, f"{page.name} reads {set(page.marts) - marts}, which are not marts"


def test_every_page_is_a_dbt_exposure_of_the_marts_it_reads(manifest: dict) -> None:
    """dbt docs show the dashboards: type dashboard, the page's owner, depends_on exactly its marts."""
    exposures = {e["meta"].get("dagster_asset_key"): e for e in manifest["exposures"].values()}
    for page in PAGES:
        exposure = exposures.get(page_key(page).to_user_string())
        assert exposure is not None, f"no dbt exposure with meta.dagster_asset_key {page_key(page).to_user_string()}"
        assert exposure["type"] == "dashboard"
        assert exposure["owner"]["name"] == GROUPS[page.group].owner
        assert exposure["url"].endswith(f"/{page.file_name}")
        models = {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]}
        assert models == set(page.marts)
