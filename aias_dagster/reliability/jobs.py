"""The models that read the remediation ledger, rebuilt after remediations ran.

The remediation sensor's runs select them beside the ledger (so the marts, the scorecard and the pages follow
each batch of remediations); this job rebuilds them alone, after the demo's replay wrote the ledger outside a run.
"""

import dagster as dg

from aias_dagster.collect.sensor import COLLECTED_JOBS
from aias_dagster.dashboards.assets import DASHBOARDS_PREFIX
from aias_dagster.platform.loops import GROUPS

REMEDIATION_MODELS_KEY = dg.AssetKey(["intermediate", "int_reliability__remediations"])
RELIABILITY_MARTS_JOB = "reliability_marts"
AFTER_REMEDIATIONS = dg.AssetSelection.assets(REMEDIATION_MODELS_KEY).downstream()

reliability_marts_job = dg.define_asset_job(
    RELIABILITY_MARTS_JOB,
    selection=AFTER_REMEDIATIONS,
    description="Rebuild the reliability models downstream of the remediation ledger.",
)

COLLECTED_JOB = COLLECTED_JOBS["app_errors"]
# The loop's dashboard page, rebuilt by the same run from the marts it just built (it reads the scorecard as is).
PAGE_KEY = dg.AssetKey([DASHBOARDS_PREFIX, "reliability"])
# The loop's dbt models (its seeds, staging, classification, marts): what an error `aias collect` stored changes.
RELIABILITY_MODELS = dg.AssetSelection.groups(GROUPS["reliability"].name) & dg.AssetSelection.kind("dbt")
collected_job = dg.define_asset_job(
    COLLECTED_JOB,
    selection=RELIABILITY_MODELS | dg.AssetSelection.assets(PAGE_KEY),
    description=(
        "dbt build of the reliability loop's models over what was delivered since their last build: the errors "
        "`aias collect` received, so marts.error_events and the remediation sensor see them; then the loop's page. "
        "Launched by the app_errors_collected sensor."
    ),
)
