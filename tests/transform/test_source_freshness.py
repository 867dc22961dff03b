"""dbt's sources.json entry as the check a data engineer reads on the loader asset (pure functions)."""

import dagster as dg

from aias_dagster.transform.source_freshness import CHECK_NAME, freshness_result, source_freshness_args

CRITERIA = {
    "warn_after": {"count": 30, "period": "hour"},
    "error_after": {"count": 48, "period": "hour"},
    "filter": None,
}


def entry(status: str, age_hours: float | None) -> dict[str, object]:
    return {
        "unique_id": "source.aias_loops.platform.support_tickets",
        "status": status,
        "max_loaded_at": "2026-11-26T00:00:00+00:00" if age_hours is not None else None,
        "max_loaded_at_time_ago_in_s": age_hours * 3600 if age_hours is not None else None,
        "criteria": CRITERIA,
    }


def test_a_fresh_source_passes_and_a_stale_one_warns_with_its_age_and_thresholds() -> None:
    fresh = freshness_result(entry("pass", 9.0))
    assert (
        fresh.passed and fresh.asset_key == dg.AssetKey(["raw", "support_tickets"]) and fresh.check_name == CHECK_NAME
    )
    stale = freshness_result(entry("error", 129.5))
    assert not stale.passed and stale.severity == dg.AssetCheckSeverity.WARN
    assert stale.description == "raw.support_tickets: newest data 129.5 hours old (dbt: error)"
    assert stale.metadata["data_age_hours"].value == 129.5
    assert stale.metadata["warn_after"].value == "30 hours" and stale.metadata["error_after"].value == "48 hours"
    assert not freshness_result(entry("warn", 31.0)).passed


def test_an_empty_source_and_a_dbt_error_say_so() -> None:
    assert freshness_result(entry("pass", None)).description == "raw.support_tickets holds no rows yet"
    broken = {**entry("runtime error", None), "message": 'relation "raw.support_tickets" does not exist'}
    assert freshness_result(broken).description.endswith('relation "raw.support_tickets" does not exist')


def test_the_selected_sources_are_one_select_value() -> None:
    assert source_freshness_args(["customers", "fx_rates"]) == [
        "source",
        "freshness",
        "--select",
        "source:platform.customers source:platform.fx_rates",
    ]
