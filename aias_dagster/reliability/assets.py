"""The remediation ledger as an asset: a run of it works through the open auto-fixable errors."""

import os

import dagster as dg

from aias_dagster.platform.loops import group
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.reliability.remediate import REMEDIATION_URL_ENV, Summary, pending_errors, remediate

REMEDIATIONS_KEY = dg.AssetKey(["ops", "remediations"])
CLASSIFIED_ERRORS_KEY = dg.AssetKey(["intermediate", "int_reliability__classified_errors"])
RELIABILITY = group("reliability")


class RemediationConfig(dg.Config):
    """Empty url: AIAS_REMEDIATION_URL."""

    url: str = ""
    timeout_seconds: float = 5.0


def remediation_url(configured: str = "") -> str:
    url = configured or os.environ.get(REMEDIATION_URL_ENV, "")
    if not url:
        raise dg.Failure(
            f"no remediation endpoint: set {REMEDIATION_URL_ENV} (the demo starts a local stand-in, "
            "aias_dagster/reliability/endpoint.py)"
        )
    return url


@dg.asset(
    key=REMEDIATIONS_KEY,
    deps=[CLASSIFIED_ERRORS_KEY],
    group_name=RELIABILITY.name,
    owners=[RELIABILITY.owner],
    kinds={"python", "postgres"},
    description="The append-only remediation ledger: every playbook attempt against the remediation endpoint.",
)
def remediations(config: RemediationConfig, warehouse: WarehouseResource) -> dg.MaterializeResult:
    url = remediation_url(config.url)
    with warehouse.connect() as conn:
        items = pending_errors(conn)
        summary = remediate(conn, items, url, timeout=config.timeout_seconds)
    return dg.MaterializeResult(metadata=ledger_metadata(summary))


def ledger_metadata(summary: Summary) -> dict[str, int]:
    """What a pass over the open errors wrote to the ledger, as the asset's metadata."""
    return {
        "errors": summary.errors,
        "attempts": summary.attempts,
        "succeeded": summary.outcomes.get("succeeded", 0),
        "failed": summary.outcomes.get("failed", 0),
        "already_done": summary.skipped_done,
    }


def record_ledger_written(instance: dg.DagsterInstance, summary: Summary, how: str) -> None:
    """Tell Dagster the ledger was written outside a run of its asset (the demo's replay), so its page shows it.

    Without this, `ops/remediations` read "never materialized" beside thousands of attempts in the table.
    """
    instance.report_runless_asset_event(
        dg.AssetMaterialization(asset_key=REMEDIATIONS_KEY, description=how, metadata=ledger_metadata(summary))
    )
