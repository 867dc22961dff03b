"""The monthly billing job: every monthly asset (the close), never part of nightly."""

import dagster as dg

from aias_dagster.platform.cadence import MONTHLY, assets_of_cadence

BILLING_JOB = "billing"
MONTHLY_ASSETS = assets_of_cadence(MONTHLY)

billing_job = dg.define_asset_job(
    BILLING_JOB,
    selection=MONTHLY_ASSETS,
    description=(
        "Close a UTC month: price every customer-month, write billing.invoices and billing.invoice_lines "
        "exactly once, bill late usage of closed months as adjustments, reconcile."
    ),
)
