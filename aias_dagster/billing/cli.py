"""`aias run billing --month YYYY-MM [--force]`: close a month by hand, as a run of the `billing` job."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aias_dagster.billing.assets import INVOICES, check_grace
from aias_dagster.billing.close import MonthNotClosableError
from aias_dagster.billing.jobs import BILLING_JOB
from aias_dagster.billing.pricing import midnight, next_month
from aias_dagster.billing.settings import grace_days
from aias_dagster.ingest.landing import delivery_days, first_delivery_day
from aias_dagster.platform.months import last_complete_month


def last_closable_month(now: datetime, grace: int) -> date:
    """The newest month whose grace period has ended by `now`."""
    month = now.date().replace(day=1)
    while now < midnight(next_month(month)) + timedelta(days=grace):
        month = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    return month


def close_run(month: date, force: bool, now: datetime | None = None) -> tuple[dict[str, str], dict[str, Any]]:
    """Tags and run config of the run that closes `month`; refuses a month not ended or in its grace period."""
    now = now or datetime.now(UTC)
    if now < midnight(next_month(month)):
        raise MonthNotClosableError(f"{month:%Y-%m} has not ended yet; a month closes after its last day")
    check_grace(month, now, grace_days(), force)
    tags = {"dagster/partition": month.isoformat()}
    return tags, {"ops": {"billing_close": {"config": {"force": force}}}}


def run_close(runner: Any, month: date, force: bool, say: Callable[[str], None]) -> Any:
    tags, config = close_run(month, force)
    say(f"job {BILLING_JOB}: closing {month:%Y-%m} and any open month before it")
    return runner.run(BILLING_JOB, tags, config)


def last_delivery_day(landing: Path) -> date | None:
    """The newest day any source has a file for: the end of the sample world (partitions may run on)."""
    if not landing.is_dir():
        return None
    days = [d for folder in landing.iterdir() if folder.is_dir() for d in delivery_days(landing, folder.name)]
    return max(days, default=None)


def close_world_months(runner: Any, landing: Path, say: Callable[[str], None]) -> Any | None:
    """The demo's close: every complete month of the world, in one run (forced: the world is complete).

    The world's months, not the partitions': a world that ended in March bills no fee for the months after.
    """
    first_day, last_day = first_delivery_day(landing), last_delivery_day(landing)
    if first_day is None or last_day is None:
        return None
    month = last_complete_month(last_day)  # of the landing files, before any mart exists
    if month is None or month < first_day.replace(day=1):
        say("      no complete month in the world yet: nothing to bill")
        return None
    return run_close(runner, month, force=True, say=say)


def describe_close(metadata: Mapping[str, Mapping[str, Any]], month: date) -> str:
    """What a close wrote, from its run's metadata: a month closed before is said to be, not reported as closed."""
    invoices = metadata.get(INVOICES.to_user_string(), {})
    closed = int(invoices.get("months_closed", 0))
    if not closed:
        return f"nothing written: {month:%Y-%m} and every month before it were closed already"
    return f"{closed} month{'s' if closed != 1 else ''} closed, {int(invoices.get('invoices', 0)):,} invoices written"
