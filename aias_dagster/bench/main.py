"""`make bench`: the loader beside plain COPY, a nightly run beside a full refresh, `aias collect` under load.

The world is generated once (20,000 customers, 90 days by default) under `.aias/bench/landing`; each
benchmark gets a fresh database. The figures go into docs/benchmarks.md by hand; the last line of the
output is one line for scripts with the headline figure of every part that ran (bench/summary.py).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from aias_dagster.bench.loader import BENCH_NIGHTLY_DATABASE, fresh_bench_database, loader_benchmark
from aias_dagster.bench.summary import Summary, summary_line
from aias_dagster.platform.warehouse import aias_home, warehouse_settings

DEFAULT_CUSTOMERS = 20_000


def ensure_bench_world(landing: Path, customers: int, days: int, seed: int) -> None:
    from aias_dagster.platform.partitions import yesterday_utc
    from aias_dagster.sample_data.landing_world import WorldSpec, holds_world, replace_world

    spec = WorldSpec(customers, days, seed, yesterday_utc().isoformat())
    if holds_world(landing, spec):
        print(f"bench world already in {landing}", flush=True)
        return

    def write() -> None:
        # In a child process, so the generator's memory does not hide the loader's in this one.
        options = {"--out": str(landing), "--customers": str(customers), "--days": str(days),
                   "--seed": str(seed), "--end": spec.end}  # fmt: skip
        command = [sys.executable, "-m", "aias_dagster.cli", "generate", *(x for pair in options.items() for x in pair)]
        subprocess.run(command, check=True)

    replace_world(landing, spec, write)


def nightly_benchmark(landing: Path) -> dict[str, float]:
    """Prints the nightly, product and site figures; returns the summary line's (fields of Summary)."""
    from aias_dagster.bench.billing import measure_billing_close
    from aias_dagster.bench.nightly import measure_nightly
    from aias_dagster.bench.product import measure_product, report_lines
    from aias_dagster.bench.site import measure_site

    settings = fresh_bench_database(warehouse_settings(), BENCH_NIGHTLY_DATABASE)
    timings = measure_nightly(settings, landing)
    product = measure_product(settings, landing)
    close = measure_billing_close(settings, landing)
    site_s = measure_site(settings)
    print()
    print("make bench: nightly runs (load the day + dbt build of its window) beside a full refresh")
    print(f"  {'run':<36}{'wall':>8}{'dbt':>8}{'model SQL':>11}{'rows in window':>16}{'rows read':>15}")
    for cost in timings.runs():
        print(
            f"  {cost.label:<36}{cost.wall_s:>7.1f}s{cost.dbt.elapsed_s:>7.1f}s{cost.dbt.models_s:>10.1f}s"
            f"{cost.rows_delivered:>16,}{cost.rows_read:>15,}"
        )
    for cost in timings.runs():
        tables = ", ".join(f"{t} {n:,}" for t, n in cost.tables_read)
        print(f"  rows read by table, {cost.label}: {tables or 'none'}")
    late, floor, full = timings.nightly, timings.quiet_nightly, timings.full_refresh
    night_s, night_read = late.dbt.elapsed_s - floor.dbt.elapsed_s, late.rows_read - floor.rows_read
    full_s, full_read = full.dbt.elapsed_s - floor.dbt.elapsed_s, full.rows_read - floor.rows_read
    print(
        f"  beyond the night with nothing delivered, the last night adds {night_s:.1f}s of dbt and"
        f" {night_read:,} rows read for {late.rows_delivered / full.rows_delivered:.1%} of the rows;"
        f" the full refresh adds {full_s:.1f}s and {full_read:,} ({full_read / max(night_read, 1):.0f} x)"
    )
    print()
    print("\n".join(report_lines(product)))
    print(
        f"make bench: the billing close of the world's complete months (one run of job billing): {close.wall_s:.1f}s,"
        f" {close.rows_read:,} rows read (largest: {', '.join(f'{t} {n:,}' for t, n in close.tables_read[:3])})"
    )
    print(f"make bench: the dashboard site over the bench world, every page and the index: {site_s:.1f}s")
    return {
        "night_s": late.wall_s,
        "floor_s": floor.wall_s,
        "full_refresh_s": full.wall_s,
        "product_night_s": product.night.wall_s,
        "product_rebuild_s": product.full_refresh.wall_s,
        "site_s": site_s,
    }


def product_benchmark(landing: Path) -> dict[str, float]:
    """The product loop's night beside its full refresh alone: every day loaded and built once (untimed) but
    the last day's product events, which the night loads, so the loop's figures cost one history build
    instead of the nightly benchmark's four timed runs."""
    from aias_dagster.bench.nightly import prepare_history
    from aias_dagster.bench.product import measure_product, report_lines

    settings = fresh_bench_database(warehouse_settings(), BENCH_NIGHTLY_DATABASE)
    prepare_history(settings, landing, held_back="product_events")
    product = measure_product(settings, landing)
    print()
    print("\n".join(report_lines(product)))
    return {"product_night_s": product.night.wall_s, "product_rebuild_s": product.full_refresh.wall_s}


def spark_benchmark(landing: Path) -> dict[str, float]:
    """The full refresh on Spark beside Postgres (needs `make install-spark`); not part of the default bench."""
    from aias_dagster.bench.spark import measure_spark, report_lines

    timings = measure_spark(landing)
    print()
    print("\n".join(report_lines(timings)))
    return {
        "spark_full_refresh_s": timings.spark.wall_s,
        "postgres_full_refresh_s": timings.postgres.wall_s,
        "spark_export_s": timings.export.wall_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--single-connection",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also time the loader on one connection (default: at the default size only; it is the slowest contender)",
    )
    parser.add_argument(
        "--only",
        choices=["loader", "nightly", "product", "collect", "spark"],
        help=(
            "run one benchmark (nightly includes the product loop's; product runs that one alone; spark, the full "
            "refresh on Spark beside Postgres, runs only when asked: it needs `make install-spark`)"
        ),
    )
    parser.add_argument("--collect-events", type=int, default=100_000, help="Segment events of the collect bench")
    parser.add_argument("--collect-errors", type=int, default=20_000, help="Sentry events of the collect bench")
    parser.add_argument("--collect-senders", type=int, default=4, help="connections the collect bench sends on")
    args = parser.parse_args()

    summary = Summary()
    if args.only == "collect":  # its own events: no world needed
        from aias_dagster.bench.collect import collect_benchmark

        collect_benchmark(args.collect_events, args.collect_errors, args.collect_senders)
        print("record these in docs/benchmarks.md")
        print(summary_line(summary))
        return 0
    landing = aias_home() / "bench" / "landing"
    ensure_bench_world(landing, args.customers, args.days, args.seed)
    if args.only in (None, "loader"):
        single = args.single_connection if args.single_connection is not None else args.customers <= DEFAULT_CUSTOMERS
        loader = loader_benchmark(landing, single_connection=single)
        summary = replace(
            summary,
            loader_typed_ratio=loader.typed_ratio,
            loader_plain_ratio=loader.plain_ratio,
            loader_peak_rss_mib=loader.peak_rss_mib,
        )
        print()
    if args.only in (None, "nightly"):
        summary = replace(summary, **nightly_benchmark(landing))
    if args.only == "product":
        summary = replace(summary, **product_benchmark(landing))
    if args.only == "spark":
        summary = replace(summary, **spark_benchmark(landing))
    if args.only is None:
        from aias_dagster.bench.collect import collect_benchmark

        print()
        collect_benchmark(args.collect_events, args.collect_errors, args.collect_senders)
    print("record these in docs/benchmarks.md")
    print(summary_line(summary))
    return 0
