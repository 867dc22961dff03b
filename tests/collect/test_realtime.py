"""From an SDK to the marts: what the collector stored is noticed by the loop's sensor and built by its models.

The sensor's tick is evaluated here (no daemon); the build it requests is the loop's dbt models without a
window, which is what its job runs, so dbt is run directly on the loops' models (tests/architecture: launch only
where the launch is the point).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import psycopg
import sentry_sdk
from segment.analytics import Client

from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.product.sensors import product_events_collected
from aias_dagster.reliability.ledger import ensure_ledger
from aias_dagster.reliability.sensors import app_errors_collected
from tests.collect.support import RunningCollector
from tests.dbt.support import Dbt, query

LOOP_MODELS = (
    "--select",
    "+feature_adoption_daily +feature_usage_outside_catalog +error_events",
    "--indirect-selection",
    "cautious",
)


def tick(sensor: dg.SensorDefinition, settings: ConnectionSettings, cursor: str | None) -> dg.SensorResult:
    with (
        dg.DagsterInstance.ephemeral() as instance,
        dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"warehouse": WarehouseResource(url=settings.url)}
        ) as context,
    ):
        return sensor.evaluate_tick(context)


def test_an_event_and_an_error_from_the_sdks_reach_the_loops_marts(
    collector: RunningCollector, collect_db: ConnectionSettings, tmp_path: Path
) -> None:
    account, user = f"acct-{uuid.uuid4().hex[:8]}", f"u-{uuid.uuid4().hex[:8]}"
    segment = Client(collector.write_key, host=collector.url, sync_mode=True, max_retries=0)
    segment.group(user_id=user, group_id=account)
    segment.track(user_id=user, event="Alerts Created")
    segment.track(user_id=user, event="Exports Downloaded")
    segment.track(user_id=user, event="Theme Switched")  # a name the catalog does not map
    sentry_sdk.init(dsn=collector.dsn, default_integrations=False)
    try:
        sentry_sdk.set_tag("service", "billing-api")
        sentry_sdk.set_tag("customer_id", account)
        try:
            raise ConnectionError("connection reset by peer while calling ledger")
        except ConnectionError:
            error_id = sentry_sdk.capture_exception()
        sentry_sdk.flush(timeout=10)
    finally:
        sentry_sdk.get_client().close()

    product = tick(product_events_collected, collect_db, None)
    assert [r.run_key for r in product.run_requests] == [f"collected-product_events-{product.cursor}"]
    (observed,) = product.asset_events
    assert observed.asset_key == dg.AssetKey(["raw", "product_events"])
    assert observed.metadata["events_accepted"].value == 3
    assert tick(product_events_collected, collect_db, product.cursor).run_requests == []  # seen: not launched again
    errors = tick(app_errors_collected, collect_db, None)
    assert len(errors.run_requests) == 1 and errors.asset_events[0].metadata["events_accepted"].value == 1

    with psycopg.connect(collect_db.url) as conn:
        ensure_ledger(conn)  # the remediation ledger the reliability models read, as the UI's first tick creates it
    built = Dbt(collect_db, tmp_path / "target")("build", *LOOP_MODELS)
    assert built.returncode == 0, built.output[-3000:]
    today = datetime.now(UTC).date()
    adoption = query(
        collect_db,
        "select feature, accounts_on_day from marts.feature_adoption_daily where date_day = %s and accounts_on_day > 0",
        (today,),
    )
    assert sorted(adoption) == [("alerts", 1), ("exports", 1)]
    outside = query(collect_db, "select feature, usage_kind from marts.feature_usage_outside_catalog")
    assert outside == [("theme_switched", "uncatalogued")]  # an unmapped name is kept and shown, not dropped
    found = query(
        collect_db, "select service, customer_id, category from marts.error_events where error_id = %s", (error_id,)
    )
    assert found == [("billing-api", account, "connection")]
