"""The billing loop's one setting: the grace period before a month closes."""

from __future__ import annotations

import os

from aias_dagster.billing.close import GRACE_DAYS_DEFAULT

GRACE_DAYS_ENV = "AIAS_BILLING_GRACE_DAYS"


def grace_days() -> int:
    """Days after a month's end that late deliveries may still arrive before it closes (default 2)."""
    configured = os.environ.get(GRACE_DAYS_ENV, "").strip()
    if not configured:
        return GRACE_DAYS_DEFAULT
    if not configured.isdigit():
        raise ValueError(f"{GRACE_DAYS_ENV}={configured!r}: expected a whole number of days (0 or more)")
    return int(configured)
