"""The models that read the remediation ledger, rebuilt after remediations ran.

The remediation sensor's runs select them beside the ledger (so the marts, the scorecard and the pages follow
each batch of remediations); this job rebuilds them alone, after the demo's replay wrote the ledger outside a run.
"""

import dagster as dg

REMEDIATION_MODELS_KEY = dg.AssetKey(["intermediate", "int_reliability__remediations"])
RELIABILITY_MARTS_JOB = "reliability_marts"
AFTER_REMEDIATIONS = dg.AssetSelection.assets(REMEDIATION_MODELS_KEY).downstream()

reliability_marts_job = dg.define_asset_job(
    RELIABILITY_MARTS_JOB,
    selection=AFTER_REMEDIATIONS,
    description="Rebuild the reliability models downstream of the remediation ledger.",
)
