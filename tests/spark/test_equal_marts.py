"""Every mart of the demo world built on Spark equals the Postgres mart row for row (issue 24, equal marts).

The demo world is built on Postgres (tests/conftest.py's demo_world, as `make demo` leaves it), exported to a
lake of its own (transform/lake.py), and built on Spark with one `dbt build` in this process: every seed,
model, data test and unit test. Then every mart of the manifest (`marts.*`, keyed as mart_keys reads their
unique tests) is read from both engines and compared with compare_mart, which names every differing mart, key
and column. One Spark session serves the export, dbt (the session method's getOrCreate returns it) and the
reading: Spark starts once, and Derby's metastore has one owner. What the build and the comparison found is
kept for the summary line of `make test-spark` (tests/spark/conftest.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from aias_dagster.platform.engine import Engine, dbt_engine_env, spark_session_conf
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.transform.mart_equality import MartDifference, compare_mart, mart_keys, normalised
from tests.conftest import BuiltWorld, create_database, drop_database
from tests.dbt.support import Dbt, DbtResult
from tests.spark.summary import SPARK_RUN, SparkRun

pytestmark = pytest.mark.spark


@dataclass(frozen=True)
class SparkWorld:
    """The demo world on both engines: the Postgres database, the Spark session on its lake, the build."""

    world: BuiltWorld
    spark: Any
    build: DbtResult
    marts: Mapping[str, tuple[str, ...]]  # every mart and its key


def postgres_rows(settings: ConnectionSettings, relation: str) -> list[dict[str, Any]]:
    with psycopg.connect(settings.url, row_factory=dict_row) as conn:
        return conn.execute(f"select * from {relation}").fetchall()


def spark_rows(spark: Any, relation: str) -> list[dict[str, Any]] | None:
    """The rows of a Spark table, None when the build did not make it."""
    schema, name = relation.split(".")
    if not spark.catalog.tableExists(name, schema):
        return None
    return [row.asDict(recursive=True) for row in spark.table(relation).collect()]


def compare_engines(
    spark_world: SparkWorld, mart: str, key: Sequence[str], postgres_relation: str | None = None
) -> MartDifference | None:
    """compare_mart of one mart as Postgres (or a copy of it, postgres_relation) and Spark hold it."""
    actual = spark_rows(spark_world.spark, mart)
    if actual is None:
        return MartDifference(mart, 0, ("not built on Spark",))
    expected = postgres_rows(spark_world.world.settings, postgres_relation or mart)
    return compare_mart(mart, key, expected, actual)


def passed(build: DbtResult, kinds: Sequence[str]) -> int:
    """How many nodes of these resource types passed (a model built; a test passed or only warned)."""
    return sum(
        1
        for unique_id, status in build.statuses.items()
        if unique_id.split(".")[0] in kinds and status in {"success", "pass", "warn"}
    )


@pytest.fixture(scope="module")
def spark_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, dbt_manifest: Path
) -> Iterator[SparkWorld]:
    """The demo world on Postgres, exported to a lake of its own and built there by dbt; each phase timed.

    Module-scoped: the session is stopped when this module ends, so that the other Spark modules' sessions
    (their own warehouses) do not find this one open. pyspark hands timestamps back in the Python process'
    time zone; the process reads them in UTC, as the session writes them.
    """
    from pyspark.sql import SparkSession

    from aias_dagster.transform.lake import export_to_spark

    run: SparkRun = request.config.stash[SPARK_RUN]
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()

    started = time.perf_counter()
    world: BuiltWorld = request.getfixturevalue("demo_world")
    run.phases["demo world on Postgres"] = time.perf_counter() - started

    home = tmp_path_factory.mktemp("spark_lake")
    started = time.perf_counter()
    builder = SparkSession.builder.enableHiveSupport()
    for setting, value in spark_session_conf(home).items():
        builder = builder.config(setting, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    run.phases["Spark start"] = time.perf_counter() - started
    try:
        started = time.perf_counter()
        exported = export_to_spark(world.settings, home=home, spark=spark)
        run.phases["export to the lake"] = time.perf_counter() - started
        unequal = [
            f"{t.schema}.{t.name}: {t.postgres_rows} vs {t.spark_rows}"
            for t in exported
            if t.postgres_rows != t.spark_rows
        ]
        assert not unequal, f"rows lost by the export: {unequal}"

        started = time.perf_counter()
        dbt = Dbt(world.settings, home / "target", engine_env=dbt_engine_env(Engine.SPARK, home))
        build = dbt("build")
        run.phases["dbt build on Spark"] = time.perf_counter() - started
        run.models = passed(build, ("model",))
        run.tests = passed(build, ("test", "unit_test"))
        yield SparkWorld(world, spark, build, mart_keys(dbt_manifest))
    finally:
        spark.stop()
        if zone is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = zone
        time.tzset()


BUILT = ("seed", "model", "snapshot", "test", "unit_test")  # the nodes a build runs (exposures are only listed)


def test_every_seed_model_data_test_and_unit_test_of_the_demo_world_passes_on_spark(spark_world: SparkWorld) -> None:
    statuses = {
        unique_id: status
        for unique_id, status in spark_world.build.statuses.items()
        if unique_id.split(".")[0] in BUILT
    }
    failed = sorted(unique_id for unique_id, status in statuses.items() if status in {"error", "fail"})
    skipped = [unique_id for unique_id, status in statuses.items() if status == "skipped"]
    assert not failed and not skipped, (
        f"on Spark {len(failed)} node(s) failed: {failed}; {len(skipped)} skipped behind them\n"
        + spark_world.build.output[-3000:]
    )
    assert spark_world.build.returncode == 0, spark_world.build.output[-3000:]


def test_every_mart_built_on_spark_equals_the_postgres_mart(
    spark_world: SparkWorld, request: pytest.FixtureRequest
) -> None:
    run: SparkRun = request.config.stash[SPARK_RUN]
    started = time.perf_counter()
    differences = [compare_engines(spark_world, mart, key) for mart, key in sorted(spark_world.marts.items())]
    run.phases["marts compared"] = time.perf_counter() - started
    differing = [difference for difference in differences if difference is not None]
    run.marts, run.marts_equal = len(differences), len(differences) - len(differing)
    assert len(differences) > 20, f"too few marts found in the manifest: {sorted(spark_world.marts)}"
    assert not differing, f"{len(differing)} of {len(differences)} marts differ on Spark:\n" + "\n".join(
        difference.describe() for difference in differing
    )


def numeric_column(settings: ConnectionSettings, mart: str, key: Sequence[str]) -> str | None:
    """A numeric column of the mart outside its key: where a planted difference goes."""
    schema, name = mart.split(".")
    columns = [
        column
        for (column,) in psycopg.connect(settings.url).execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
            " and data_type in ('numeric', 'integer', 'bigint', 'double precision') order by ordinal_position",
            (schema, name),
        )
        if column not in key
    ]
    return columns[0] if columns else None


def test_a_difference_planted_in_one_mart_is_named_by_the_comparison(spark_world: SparkWorld) -> None:
    """A copy of a mart that Spark built equal, one value changed by one: the comparison names that mart,
    that row's key and that column, and nothing else."""
    settings = spark_world.world.settings
    planted = None
    for mart, key in sorted(spark_world.marts.items()):
        column = numeric_column(settings, mart, key)
        if key and column and postgres_rows(settings, mart) and compare_engines(spark_world, mart, key) is None:
            planted = (mart, key, column)
            break
    assert planted, "no keyed mart with a numeric column is equal on Spark to plant a difference in"
    mart, key, column = planted
    copy = f"planted.{mart.split('.')[1]}"
    with psycopg.connect(settings.url, autocommit=True) as conn:
        conn.execute("create schema if not exists planted")
        conn.execute(f"create table {copy} as select * from {mart}")
        changed = conn.execute(
            f"update {copy} set {column} = coalesce({column}, 0) + 1"
            f" where ctid = (select min(ctid) from {copy}) returning {', '.join(key)}"
        ).fetchone()
    try:
        difference = compare_engines(spark_world, mart, key, postgres_relation=copy)
    finally:
        with psycopg.connect(settings.url, autocommit=True) as conn:
            conn.execute("drop schema planted cascade")
    assert difference is not None, f"the value planted in {mart}.{column} was not seen"
    assert difference.rows_differing == 1, difference.describe()
    assert difference.describe().startswith(f"{mart}: 1 row(s) differ"), difference.describe()
    assert f"{column}: postgres" in difference.describe(), difference.describe()
    assert str(dict(zip(key, map(normalised, changed or ()), strict=True))) in difference.describe()


def loop_reports(settings: ConnectionSettings) -> list[str]:
    """What `aias demo` prints of each loop and of the scorecard, read from the marts of this database."""
    from aias_dagster.platform.loops import LOOP_GROUPS, SCORECARD

    with psycopg.connect(settings.url) as conn:
        return [report(conn) for group in (*LOOP_GROUPS, SCORECARD) if (report := group.load_report()) is not None]


def test_the_reports_and_the_scorecard_read_from_the_marts_spark_published_are_the_postgres_ones(
    spark_world: SparkWorld, pg_server: ConnectionSettings
) -> None:
    """Every reader of a mart reads the warehouse connection; on Spark the dbt step publishes its marts there
    (transform/serving.py). A copy of the Postgres world whose marts are replaced by Spark's, published, gives
    the same loop reports and scorecard, to the digit, as `aias demo` prints them."""
    from aias_dagster.transform.serving import publish_relation

    settings = spark_world.world.settings
    published = create_database(pg_server, prefix="aias_published", template=settings.dbname)
    try:
        with psycopg.connect(published.url) as conn:
            rows = sum(publish_relation(conn, spark_world.spark, mart).rows for mart in spark_world.marts)
        assert rows > 10_000, rows
        on_spark = loop_reports(published)
    finally:
        drop_database(pg_server, published)
    on_postgres = loop_reports(settings)
    assert len(on_postgres) == 6
    assert on_spark == on_postgres
