"""The models that read the remediation ledger, rebuilt after remediations ran.

The remediation sensor's runs select them beside the ledger (so the marts, the scorecard and the pages follow
each batch of remediations); this job rebuilds them alone, after the demo's replay wrote the ledger outside a run.
"""

import dagster as dg

from aias_dagster.collect.sensor import COLLECTED_JOBS
from aias_dagster.dashboards.jobs import models_then_page_job

REMEDIATION_MODELS_KEY = dg.AssetKey(["intermediate", "int_reliability__remediations"])
RELIABILITY_MARTS_JOB = "reliability_marts"
AFTER_REMEDIATIONS = dg.AssetSelection.assets(REMEDIATION_MODELS_KEY).downstream()

reliability_marts_job = dg.define_asset_job(
    RELIABILITY_MARTS_JOB,
    selection=AFTER_REMEDIATIONS,
    description="Rebuild the reliability models downstream of the remediation ledger.",
)

collected_job = models_then_page_job(
    COLLECTED_JOBS["app_errors"],
    "reliability",
    "dbt build of the reliability loop's models over what was delivered since their last build: the errors "
    "`aias collect` received, so marts.error_events and the remediation sensor see them; then the loop's page. "
    "Launched by the app_errors_collected sensor.",
)
