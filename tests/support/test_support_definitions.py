"""The support loop in the code location: its models in group `support`, its KPI check, its report."""

from __future__ import annotations

import dagster as dg
import pytest

from aias_dagster.platform.loops import group

SUPPORT_NODES = (
    ["seeds", "ticket_rules"],
    ["seeds", "ticket_examples"],
    ["intermediate", "int_support__ticket_texts"],
    ["intermediate", "int_support__ticket_examples"],
    ["support_python", "ticket_predictions"],
    ["intermediate", "int_support__categorized_tickets"],
    ["marts", "support_tickets"],
    ["marts", "support_monthly"],
    ["marts", "support_top_issues"],
    ["marts", "support_backlog_daily"],
)


@pytest.fixture(scope="module")
def definitions(dbt_manifest: object) -> dg.Definitions:
    from aias_dagster.definitions import defs

    return defs()


def test_support_models_form_the_support_group_downstream_of_the_tickets_loader(
    definitions: dg.Definitions,
) -> None:
    graph = definitions.resolve_asset_graph()
    for key in SUPPORT_NODES:
        node = graph.get(dg.AssetKey(key))
        assert node.group_name == "support", key
        assert node.owners == [group("support").owner], key
    upstream = graph.get(dg.AssetKey(["intermediate", "int_support__categorized_tickets"])).parent_keys
    assert upstream == {
        dg.AssetKey(["staging", "stg_platform__support_tickets"]),
        dg.AssetKey(["seeds", "ticket_rules"]),
        dg.AssetKey(["support_python", "ticket_predictions"]),  # the ticket model, after the texts (assets.py)
    }
    staging = graph.get(dg.AssetKey(["staging", "stg_platform__support_tickets"])).parent_keys
    assert dg.AssetKey(["raw", "support_tickets"]) in staging


def test_the_support_kpi_is_an_asset_check_and_the_demo_prints_its_report(definitions: dg.Definitions) -> None:
    checks = definitions.resolve_asset_graph().asset_check_keys
    key = dg.AssetCheckKey(dg.AssetKey(["marts", "support_kpi_monthly"]), "kpi_meets_target")
    assert key in checks
    report = group("support").load_report()
    assert report is not None and report.__module__ == "aias_dagster.support.report"
