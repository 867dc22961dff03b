"""From an SDK to the marts: what the collector stored is noticed by the loop's sensor and built by its models.

The sensor's tick is evaluated here (no daemon); the build it requests is the loop's dbt models over the newest
partition with the window's end left open, so dbt is run directly on the loops' models with that window
(docs/architecture.md, Testing: launch only where the launch is the point).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import psycopg
from segment.analytics import Client

from aias_dagster.collect.sensor import THROUGH_NOW, blocking_runs, evaluate
from aias_dagster.dashboards.assets import DASHBOARDS_PREFIX, site_assets
from aias_dagster.dashboards.registry import registered_pages
from aias_dagster.dashboards.resources import SiteResource
from aias_dagster.platform.partitions import yesterday_utc
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.reliability.ledger import ensure_ledger
from aias_dagster.reliability.sensors import app_errors_collected
from aias_dagster.transform.assets import dbt_build
from aias_dagster.transform.parse_state import window_env
from tests.collect.support import RunningCollector, capture_error
from tests.dbt.support import Dbt, query

# The two loops' marts and what they read: the marts the collected runs rebuild, and their pages read.
LOOP_MODELS = (
    "--select",
    "+path:dbt_project/models/marts/product +path:dbt_project/models/marts/reliability",
    "--exclude-resource-type",
    "test",
    "--exclude-resource-type",
    "unit_test",
)
PAGES = ("product", "reliability")


def tick(sensor: dg.SensorDefinition, settings: ConnectionSettings, cursor: str | None) -> dg.SensorResult:
    with (
        dg.DagsterInstance.ephemeral() as instance,
        dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"warehouse": WarehouseResource(url=settings.url)}
        ) as context,
    ):
        return sensor.evaluate_tick(context)


def test_an_event_and_an_error_from_the_sdks_reach_the_loops_marts_and_pages(
    collector: RunningCollector, collect_db: ConnectionSettings, tmp_path: Path
) -> None:
    account, user = f"acct-{uuid.uuid4().hex[:8]}", f"u-{uuid.uuid4().hex[:8]}"
    segment = Client(collector.write_key, host=collector.url, sync_mode=True, max_retries=0)
    segment.group(user_id=user, group_id=account)
    segment.track(user_id=user, event="Alerts Created")
    segment.track(user_id=user, event="Exports Downloaded")
    segment.track(user_id=user, event="Theme Switched")  # a name the catalog does not map
    error_id = capture_error(
        collector.dsn,
        ConnectionError("connection reset by peer while calling ledger"),
        {"service": "billing-api", "customer_id": account},
    )

    # The product sensor's tick, by its function (a partitioned run request needs the whole code location to be
    # evaluated through the decorator; the reliability sensor below goes through it).
    warehouse, newest = WarehouseResource(url=collect_db.url), str(yesterday_utc())
    product = evaluate(None, 0, warehouse, "product_events", partitioned=True, newest_partition=newest)
    assert [(r.run_key, r.partition_key, r.run_config) for r in product.run_requests] == [
        (f"collected-product_events-{product.cursor}", str(yesterday_utc()), THROUGH_NOW)
    ]
    (observed,) = product.asset_events
    assert observed.asset_key == dg.AssetKey(["raw", "product_events"])
    assert observed.metadata["events_accepted"].value == 3
    seen = evaluate(product.cursor, 0, warehouse, "product_events", partitioned=True, newest_partition=newest)
    assert seen.run_requests == []  # seen: not launched again
    waiting = evaluate(None, 1, warehouse, "product_events", partitioned=True, newest_partition=newest)
    assert waiting.run_requests == [] and waiting.cursor is None  # a run in progress: the rows wait, cursor kept
    no_day = evaluate(None, 0, warehouse, "product_events", partitioned=True, newest_partition=None)
    assert no_day.run_requests == [] and no_day.cursor is None  # no partition has ended yet: the rows wait
    errors = tick(app_errors_collected, collect_db, None)
    assert [(r.partition_key, r.run_config) for r in errors.run_requests] == [(None, {})]  # tables only: no window
    assert errors.asset_events[0].metadata["events_accepted"].value == 1

    with psycopg.connect(collect_db.url) as conn:
        ensure_ledger(conn)  # the remediation ledger the reliability models read, as the UI's first tick creates it
    # What the product job's dbt build reads: the newest partition's first day on, no end (today included).
    built = Dbt(collect_db, tmp_path / "target")("build", *LOOP_MODELS, window=(yesterday_utc(), None))
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

    # The collected runs then rebuild the loop's page from those marts: the event and the error are on them.
    site = tmp_path / "site"
    pages = [page for page in registered_pages() if page.name in PAGES]
    built_pages = dg.materialize(
        site_assets(pages),
        resources={"warehouse": WarehouseResource(url=collect_db.url), "site": SiteResource(path=str(site))},
        instance=dg.DagsterInstance.ephemeral(),
        selection=dg.AssetSelection.assets(*(dg.AssetKey([DASHBOARDS_PREFIX, name]) for name in PAGES)),
    )
    assert built_pages.success
    product_page = (site / "product.html").read_text(encoding="utf-8")
    # A new platform has no complete month: its page shows the days so far (the collected features in the daily
    # chart's data) and the unmapped name among the usage outside the catalog.
    assert '"alerts"' in product_page and '"exports"' in product_page
    assert 'data-feature="theme_switched"' in product_page
    reliability_page = (site / "reliability.html").read_text(encoding="utf-8")
    assert "ledger" in reliability_page and "billing-api" in reliability_page  # the error's group, its service


def test_a_build_through_now_keeps_the_windows_first_day_and_drops_its_end() -> None:
    window = (date(2026, 3, 4), date(2026, 3, 5))
    assert dbt_build(window, through_now=True).env == window_env((date(2026, 3, 4), None))
    assert window_env((date(2026, 3, 4), None)) == {"AIAS_WINDOW_MIN_DATE": "2026-03-04", "AIAS_WINDOW_MAX_DATE": ""}
    assert dbt_build(None, through_now=True) == dbt_build(None)  # no partition: nothing to keep open


def test_a_loops_collected_run_waits_for_runs_of_its_models_not_for_the_other_loops() -> None:
    from dagster._core.storage.dagster_run import DagsterRun  # no public way to plant a run in a given state

    with dg.DagsterInstance.ephemeral() as instance:
        started = dg.DagsterRunStatus.STARTED
        instance.add_run(DagsterRun(job_name="reliability_collected", run_id="a" * 36, status=started))
        assert blocking_runs(instance, "product_events") == 0
        assert blocking_runs(instance, "app_errors") == 1
        instance.add_run(DagsterRun(job_name="nightly", run_id="b" * 36, status=started))
        assert blocking_runs(instance, "product_events") == 1
