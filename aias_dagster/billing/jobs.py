"""The monthly billing job: every monthly asset (the close), never part of nightly, and what reads the invoices.

The job selects the close's downstream (the revenue and usage marts, the KPI mart, the scorecard, the index and
billing pages) instead of leaving them to declarative automation: a close is rare and deliberate, its
downstream is small and known, and the run that closes a month should end with the month on every page,
without a daemon's tick in between (docs/architecture.md, "Orchestration follows the data").
"""

import dagster as dg

from aias_dagster.platform.cadence import MONTHLY, assets_of_cadence

BILLING_JOB = "billing"
MONTHLY_ASSETS = assets_of_cadence(MONTHLY)
# The dbt models and pages that read the invoices: rebuilt by the run that writes them.
AFTER_CLOSE = MONTHLY_ASSETS.downstream(include_self=False)

billing_job = dg.define_asset_job(
    BILLING_JOB,
    selection=MONTHLY_ASSETS | AFTER_CLOSE,
    description=(
        "Close a UTC month: price every customer-month, write billing.invoices and billing.invoice_lines "
        "exactly once, bill late usage of closed months as adjustments, reconcile; then rebuild what reads "
        "the invoices (the revenue marts, the scorecard, the index and billing pages)."
    ),
)
