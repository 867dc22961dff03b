"""Source freshness as an asset check on each loader asset, run by every job that loads: dbt's rule, one query.

dbt's sources declare how a raw table's age is measured and judged (`loaded_at_field`, `warn_after`,
`error_after` in _platform__sources.yml: the end of the newest delivery day, late after 30 h, stale after
48 h). `dbt source freshness` applied them with a second start and parse of dbt each night (about 4 s on
a small world) for nine `max()` queries; the check now reads the same settings from the manifest the dbt
assets load and measures the selected sources in one `union all` (an index read of each raw table's newest
`_delivery_date`), then judges each age exactly as dbt does (`FreshnessThreshold.status`). The check
`dbt_source_freshness` on `raw/<source>` keeps dbt's name and words (pass, warn, error, runtime error), the
newest data and its age, so the asset's page in the UI shows how old the source is next to its loads; a
stale source warns, it does not stop the run (the alert sensor `stale_source_alerts` tells someone).
tests/transform/test_source_freshness.py holds its verdicts equal to `dbt source freshness` on one database.
"""

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import psycopg
from dagster_dbt.dbt_manifest import validate_manifest
from psycopg import errors, sql

from aias_dagster.ingest.contract import SOURCE_NAMES
from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.transform.project import manifest_path

CHECK_NAME = "dbt_source_freshness"
DBT_SOURCE = "platform"  # the dbt source of the raw tables (models/staging/_platform__sources.yml)
SOURCES_FILE = "dbt_project/models/staging/_platform__sources.yml"
# The lineage column every raw table has (the contract), indexed: its maximum is an index read. The source's
# `loaded_at_field` is evaluated on the newest value, which equals dbt's max(loaded_at_field) because that
# expression never decreases as the delivery day grows (it is the day's end).
DELIVERY_DATE = "_delivery_date"
RUNTIME_ERROR = "runtime error"


@dataclass(frozen=True)
class SourceFreshness:
    """One dbt source's freshness settings, as the manifest holds them."""

    name: str
    schema: str
    identifier: str
    loaded_at_field: str
    warn_after: timedelta | None
    error_after: timedelta | None
    filter: str | None = None

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.identifier}"


@dataclass(frozen=True)
class Measured:
    """One source's age and its verdict in dbt's words (pass, warn, error, runtime error)."""

    source: SourceFreshness
    status: str
    max_loaded_at: datetime | None = None
    age_s: float | None = None
    message: str | None = None


def threshold(setting: Mapping[str, Any] | None) -> timedelta | None:
    """`{count: 30, period: hour}` as a duration; no count or period is no threshold, as in dbt."""
    if not setting or setting.get("count") is None or setting.get("period") is None:
        return None
    return timedelta(**{f"{setting['period']}s": setting["count"]})


def freshness_settings(manifest: Mapping[str, Any], names: Sequence[str]) -> dict[str, SourceFreshness]:
    """The freshness settings of the dbt source `platform`'s tables `names`, from the parsed project."""
    nodes = {
        node["name"]: node
        for node in manifest["sources"].values()
        if node["source_name"] == DBT_SOURCE and node["name"] in names
    }
    settings: dict[str, SourceFreshness] = {}
    for name in names:
        node = nodes.get(name)
        if node is None:
            raise dg.Failure(f"the dbt manifest has no source {DBT_SOURCE}.{name}: declare it in {SOURCES_FILE}")
        freshness = node.get("freshness") or {}
        if not node.get("loaded_at_field") or (node.get("config") or {}).get("loaded_at_query"):
            raise dg.Failure(
                f"source {DBT_SOURCE}.{name} in {SOURCES_FILE} needs a `loaded_at_field` (an expression of "
                f"{DELIVERY_DATE}) and no `loaded_at_query`: the check measures every source in one query"
            )
        settings[name] = SourceFreshness(
            name=name,
            schema=node["schema"],
            identifier=node.get("identifier") or name,
            loaded_at_field=node["loaded_at_field"],
            warn_after=threshold(freshness.get("warn_after")),
            error_after=threshold(freshness.get("error_after")),
            filter=freshness.get("filter"),
        )
    return settings


def status(age_s: float, source: SourceFreshness) -> str:
    """dbt's verdict on an age in seconds: error past error_after, else warn past warn_after, else pass."""
    if source.error_after is not None and age_s > source.error_after.total_seconds():
        return "error"
    if source.warn_after is not None and age_s > source.warn_after.total_seconds():
        return "warn"
    return "pass"


def newest_query(sources: Sequence[SourceFreshness]) -> sql.Composed:
    """One statement for all sources: each one's loaded_at_field on its newest delivery day, and the time now.

    The settings come from the project's own YAML (the manifest), as dbt pastes them into its query too. Each
    newest moment travels as JSON text, in the type its own expression gives: a `union all` would otherwise
    cast a timestamp without time zone beside a timestamptz in the session's time zone, where dbt, querying
    each source alone, reads it as UTC.
    """
    parts = [
        sql.SQL(
            "select {name} as source, to_json({loaded_at}) as max_loaded_at, current_timestamp as snapshotted_at"
            " from (select max({column}) as {column} from {table}{where}) as newest"
        ).format(
            name=sql.Literal(source.name),
            loaded_at=sql.SQL(source.loaded_at_field),  # type: ignore[arg-type]
            column=sql.Identifier(DELIVERY_DATE),
            table=sql.Identifier(source.schema, source.identifier),
            where=sql.SQL(f" where {source.filter}") if source.filter else sql.SQL(""),  # type: ignore[arg-type]
        )
        for source in sources
    ]
    return sql.SQL("\nunion all\n").join(parts)


def _utc(moment: datetime) -> datetime:
    """As dbt reads it: a timestamp without time zone is UTC."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def judged(source: SourceFreshness, max_loaded_at: datetime | str | None, snapshotted_at: datetime) -> Measured:
    if isinstance(max_loaded_at, str):  # the query's JSON text: ISO 8601
        max_loaded_at = datetime.fromisoformat(max_loaded_at)
    if max_loaded_at is None:
        # No rows, no age: dbt 1.11 takes the newest as the year 1 and calls the source stale, an error.
        return Measured(source, "error", message="no rows to measure")
    newest = _utc(max_loaded_at)
    age = (_utc(snapshotted_at) - newest).total_seconds()
    return Measured(source, status(age, source), newest, age)


def measure(conn: psycopg.Connection, sources: Sequence[SourceFreshness]) -> list[Measured]:
    """Every source's verdict from one query. A table that does not exist yet (no load has created it) is a
    runtime error, as dbt calls it (a database error, left out of its sources.json): then the existing ones are
    measured again without it."""
    if not sources:
        return []
    try:
        rows = conn.execute(newest_query(sources)).fetchall()
    except errors.UndefinedTable:
        conn.rollback()
        missing = {
            s.name
            for s in sources
            if conn.execute("select to_regclass(%s) is null", (s.table,)).fetchone()[0]  # type: ignore[index]
        }
        if not missing:
            raise
        present = measure(conn, [s for s in sources if s.name not in missing])
        absent = [
            Measured(s, RUNTIME_ERROR, message=f'relation "{s.table}" does not exist')
            for s in sources
            if s.name in missing
        ]
        return sorted([*present, *absent], key=lambda m: m.source.name)
    except errors.UndefinedColumn as error:
        raise dg.Failure(
            f"a `loaded_at_field` in {SOURCES_FILE} names a column other than {DELIVERY_DATE} (the one the check "
            f"reads the newest of), or its `filter` a column the raw table lacks: {error}"
        ) from error
    by_name = {s.name: s for s in sources}
    return sorted((judged(by_name[name], newest, now) for name, newest, now in rows), key=lambda m: m.source.name)


def source_key(source: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", source])


def freshness_result(measured: Measured) -> dg.AssetCheckResult:
    """One source's verdict as the check's result. The metadata keys are the ones `dbt source freshness` filled
    (`dbt_status` among them), so the UI's history of each key runs on across the change."""
    source = measured.source
    metadata: dict[str, Any] = {"dbt_status": measured.status}
    if measured.age_s is not None:
        metadata["data_age_hours"] = dg.MetadataValue.float(round(measured.age_s / 3600, 1))
    if measured.max_loaded_at is not None:
        metadata["data_complete_through"] = dg.MetadataValue.timestamp(measured.max_loaded_at)
    metadata["warn_after"] = _period(source.warn_after)
    metadata["error_after"] = _period(source.error_after)
    if measured.age_s is None:
        description = f"raw.{source.name}: {measured.message} ({measured.status})"
    else:
        description = f"raw.{source.name}: newest data {measured.age_s / 3600:.1f} hours old ({measured.status})"
    return dg.AssetCheckResult(
        asset_key=source_key(source.name),
        check_name=CHECK_NAME,
        passed=measured.status == "pass",
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata=metadata,
    )


def _period(duration: timedelta | None) -> str:
    if duration is None:
        return "none"
    hours = duration.total_seconds() / 3600
    return f"{hours:g} hours"


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=source_key(source),
            blocking=False,
            description=(
                "Source freshness by dbt's rule: the end of the newest delivery day in raw against the dbt "
                "source's warn_after / error_after (_platform__sources.yml), one query for every source."
            ),
        )
        for source in SOURCE_NAMES
    ],
    can_subset=True,
    name="dbt_source_freshness",
)
def dbt_source_freshness(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult]:
    selected = sorted(key.asset_key.path[-1] for key in context.selected_asset_check_keys)
    settings = freshness_settings(validate_manifest(manifest_path()), selected)
    started = time.perf_counter()
    with warehouse.connect() as conn:
        measured = measure(conn, [settings[name] for name in selected])
    for result in measured:
        yield freshness_result(result)
    verdicts = ", ".join(f"{m.source.name} {m.status}" for m in measured)
    context.log.info(f"source freshness, one query in {time.perf_counter() - started:.2f} s: {verdicts}")
