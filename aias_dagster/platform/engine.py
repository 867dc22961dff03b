"""Which engine dbt builds on: Postgres (the default) or Apache Spark, chosen by AIAS_ENGINE.

Read here and nowhere else, so that a typo fails once, naming the variable and the values it takes, instead
of quietly building on Postgres. The engine picks the output of dbt_project/profiles.yml that dbt runs with
(`AIAS_DBT_TARGET`, which the profile's `target` reads) and, on Spark, where its warehouse folder and its
Derby metastore live: under AIAS_HOME (`.aias/spark/`), beside the embedded Postgres, never in the checkout's
working directory, where Spark would otherwise create `spark-warehouse/` and `metastore_db/`.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path

from aias_dagster.platform.warehouse import aias_home

ENGINE_ENV = "AIAS_ENGINE"
# What dbt_project/profiles.yml reads: the output to use, and the folder of the Spark session's state.
DBT_TARGET_ENV = "AIAS_DBT_TARGET"
SPARK_HOME_ENV = "AIAS_SPARK_HOME"


class Engine(enum.StrEnum):
    POSTGRES = "postgres"
    SPARK = "spark"


# The output of dbt_project/profiles.yml each engine builds with.
DBT_TARGETS = {Engine.POSTGRES: "default", Engine.SPARK: "spark"}


class EngineError(ValueError):
    pass


def parse_engine(value: str | None) -> Engine:
    """The engine a value of AIAS_ENGINE names; unset or empty: Postgres."""
    cleaned = (value or "").strip().lower()
    if not cleaned:
        return Engine.POSTGRES
    try:
        return Engine(cleaned)
    except ValueError:
        allowed = " or ".join(engine.value for engine in Engine)
        raise EngineError(f"{ENGINE_ENV}={value!r} is not an engine: set it to {allowed} (unset: postgres)") from None


def current_engine() -> Engine:
    return parse_engine(os.environ.get(ENGINE_ENV))


def spark_home(home: Path | None = None) -> Path:
    """Spark's local state: the warehouse folder (parquet tables) and the Derby metastore (their catalog)."""
    return (home or aias_home()) / "spark"


def dbt_engine_env(engine: Engine, home: Path | None = None) -> dict[str, str]:
    """The variables dbt_project/profiles.yml reads to build on `engine` (for dbt, a child process)."""
    return {DBT_TARGET_ENV: DBT_TARGETS[engine], SPARK_HOME_ENV: str(spark_home(home))}


def spark_session_conf(home: Path | None = None) -> dict[str, str]:
    """The settings of a Spark session on this machine's lake: those of profiles.yml's `spark` output, for a
    session that Python opens beside dbt (aias_dagster/transform/lake.py) and must see the same catalog."""
    folder = spark_home(home)
    return {
        "spark.master": "local[*]",
        "spark.sql.catalogImplementation": "hive",
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={folder}/metastore_db;create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={folder}",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.sql.hive.metastorePartitionPruningFallbackOnException": "true",
        "spark.ui.enabled": "false",
        "spark.driver.memory": "4g",
        "spark.log.level": "ERROR",
        "spark.ui.showConsoleProgress": "false",
        # What dbt-spark sets on every session it opens (connections.py), so both read SQL alike.
        "spark.sql.ansi.enabled": "false",
    }
