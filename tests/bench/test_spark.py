"""The Spark bench's reading of a run: what the dbt step's children print and what dbt's run_results.json holds."""

from __future__ import annotations

from aias_dagster.bench.spark import (
    EXPORT_WALL,
    PUBLISHED,
    Export,
    FullRefresh,
    NodeTimes,
    SparkTimings,
    node_times,
    report_lines,
    seconds_logged,
)
from aias_dagster.bench.summary import Summary, summary_line
from aias_dagster.platform.engine import Engine


def test_the_lake_and_the_publication_are_summed_over_the_runs_dbt_steps() -> None:
    step_log = [
        "dbt build --full-refresh --select fqn:*",
        "raw.app_errors: 120 rows in Postgres, 120 in Spark (partitioned by _delivery_date), 3.5 s",
        "1 tables exported in 3.5 s; rows equal",
        "export with Spark's start: 12.25 s",
        "published marts.cac_monthly: 55 rows, 0.4 s",
        "31 relations published from Spark to Postgres in 40.5 s",
        "export with Spark's start: 10.0 s",
        "2 relations published from Spark to Postgres in 9.5 s",
    ]

    assert seconds_logged(step_log, EXPORT_WALL) == 22.25
    assert seconds_logged(step_log, PUBLISHED) == 50.0
    assert seconds_logged(["dbt build"], PUBLISHED) == 0.0


def test_node_times_are_split_by_resource_type_with_the_slowest_models_first() -> None:
    results = {
        "elapsed_time": 20.0,
        "results": [
            {"unique_id": "model.aias.stg_a", "execution_time": 1.0},
            {"unique_id": "model.aias.int_b", "execution_time": 9.0},
            {"unique_id": "test.aias.unique_int_b_id.1a2b3c", "execution_time": 0.5},
            {"unique_id": "test.aias.not_null_int_b_id.4d5e6f", "execution_time": 0.25},
            {"unique_id": "test.aias.accepted_values_x.7a8b9c", "execution_time": 2.0},
            {"unique_id": "seed.aias.fx_rates", "execution_time": 3.0},
        ],
    }

    times = node_times(results)

    assert times.elapsed_s == 20.0
    assert times.by_type == {"model": (2, 10.0, 5.0), "seed": (1, 3.0, 3.0), "test": (3, 2.75, 0.5)}
    assert times.slowest_models == (("int_b", 9.0), ("stg_a", 1.0))


def test_the_summary_line_names_both_engines_full_refresh_and_the_export() -> None:
    summary = Summary(spark_export_s=95.04, spark_full_refresh_s=900.0, postgres_full_refresh_s=280.55)

    assert summary_line(summary) == (
        "bench summary: full refresh on Spark 900.0 s vs Postgres 280.6 s (export to the lake 95.0 s)"
    )


def test_the_report_sets_each_phase_of_both_engines_side_by_side() -> None:
    dbt = NodeTimes(100.0, {"model": (2, 90.0, 45.0)}, (("int_b", 80.0), ("stg_a", 10.0)))
    postgres = FullRefresh(Engine.POSTGRES, 150.0, (("dbt_models", 110.0), ("ticket_model", 30.0)), (dbt,), 0.0, 0.0)
    spark = FullRefresh(Engine.SPARK, 400.0, (("dbt_models", 350.0), ("ticket_model", 40.0)), (dbt, dbt), 20.0, 30.0)

    lines = report_lines(SparkTimings(Export(25, 80.0, 95.5), postgres, spark))

    assert "  export to an empty lake: 25 tables 80.0s, Spark's start and imports 15.5s, 95.5s in all" in lines
    assert f"  {'full refresh, wall':<34}    150.0s    400.0s" in lines
    assert f"  {'  the rest of the dbt steps':<34}     10.0s    100.0s" in lines
    assert f"  {'  step ticket_model':<34}     30.0s     40.0s" in lines
    assert "    slowest models: int_b 80.0s, stg_a 10.0s" in lines
