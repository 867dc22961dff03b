"""What a build on Spark publishes to Postgres (transform/serving.py): every mart, and every other relation a
Python asset reads, found in the asset graph; each column as a Postgres type that keeps its values exact. The
round trip through Spark is tested with `make test-spark` (tests/spark/test_lake.py)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from aias_dagster.transform.serving import UnpublishableTypeError, postgres_type, served_keys, to_publish


@pytest.fixture(scope="module")
def definitions(dbt_manifest: Path) -> dg.Definitions:
    from aias_dagster.definitions import defs

    return defs()


def test_each_spark_type_is_published_as_the_postgres_type_that_keeps_its_values() -> None:
    assert [
        postgres_type(spark_type)
        for spark_type in ("decimal(38,2)", "decimal(28,4)", "string", "bigint", "int", "double", "boolean")
    ] == ["numeric(38, 2)", "numeric(28, 4)", "text", "bigint", "integer", "double precision", "boolean"]
    assert postgres_type("timestamp") == "timestamp with time zone"  # an instant, as the marts' timestamps are
    assert postgres_type("array<string>") == "text[]"
    with pytest.raises(UnpublishableTypeError, match="map<string,int>"):
        postgres_type("map<string,int>")


def test_the_relations_python_reads_are_served_beside_the_marts(definitions: dg.Definitions) -> None:
    """The parents of the non-dbt assets: what the billing close, the ticket model, the intervals, the
    remediations and the pages read outside `marts`. A Python reader that declares no dependency on what it
    reads would find nothing published on Spark: this list is the lineage the readers declare."""
    served = {key.to_user_string() for key in served_keys(definitions.resolve_asset_graph())}
    assert {key for key in served if not key.startswith("marts/")} == {
        "intermediate/int_acquisition__survey_credits",  # the CAC intervals' resampling
        "intermediate/int_reliability__classified_errors",  # the remediations' open errors
        "intermediate/int_support__ticket_examples",  # the ticket model's training set
        "intermediate/int_support__ticket_texts",  # and the texts it predicts
        "seeds/currencies",  # the billing close
        "seeds/plan_tiers",
        "seeds/plans",
        "staging/stg_platform__api_requests",
        "staging/stg_platform__subscriptions",
        "staging/stg_platform__fx_rates",  # the billing page's reconciliation
    }
    assert {"marts/loop_scorecard", "marts/cac_monthly", "marts/support_tickets"} <= served


def test_a_build_publishes_its_marts_and_the_served_relations_it_made_and_nothing_else() -> None:
    served = {dg.AssetKey(["staging", "stg_platform__api_requests"])}
    built = [
        dg.AssetKey(["marts", "cac_monthly"]),
        dg.AssetKey(["staging", "stg_platform__api_requests"]),
        dg.AssetKey(["staging", "stg_platform__customers"]),
        dg.AssetKey(["intermediate", "int_acquisition__attribution"]),
        dg.AssetKey(["marts", "cac_monthly"]),
    ]
    assert to_publish(built, served) == ["marts.cac_monthly", "staging.stg_platform__api_requests"]
