"""The models that read the remediation ledger, rebuilt after remediations ran (the demo does)."""

import dagster as dg

REMEDIATION_MODELS_KEY = dg.AssetKey(["intermediate", "int_reliability__remediations"])
RELIABILITY_MARTS_JOB = "reliability_marts"

reliability_marts_job = dg.define_asset_job(
    RELIABILITY_MARTS_JOB,
    selection=dg.AssetSelection.assets(REMEDIATION_MODELS_KEY).downstream(),
    description="Rebuild the reliability models downstream of the remediation ledger.",
)
