"""The one line `make bench` ends with: scripts read it, so its wording and rounding are fixed."""

from __future__ import annotations

from aias_dagster.bench.nightly import Reads
from aias_dagster.bench.summary import Summary, summary_line


def test_a_full_bench_prints_every_figure_in_the_documented_order() -> None:
    summary = Summary(
        loader_typed_ratio=0.8349,
        loader_plain_ratio=0.3,
        night_s=12.34,
        floor_s=6.0,
        full_refresh_s=80.0,
        product_night_s=3.25,
        product_rebuild_s=40.04,
        site_s=4.449,
        loader_peak_rss_mib=108.6,
    )

    assert summary_line(summary) == (
        "bench summary: loader 0.83 x typed COPY, 0.30 x plain COPY; night 12.3 s, floor 6.0 s, full refresh 80.0 s "
        "(night/full 0.15); product night 3.2 s vs rebuild 40.0 s; site 4.4 s; loader peak RSS 109 MiB"
    )


def test_a_part_that_did_not_run_leaves_its_segment_out() -> None:
    summary = Summary(loader_typed_ratio=0.5, loader_plain_ratio=0.25, loader_peak_rss_mib=100)

    line = "bench summary: loader 0.50 x typed COPY, 0.25 x plain COPY; loader peak RSS 100 MiB"
    assert summary_line(summary) == line
    assert summary_line(Summary()) == "bench summary: no part measured"


def test_reads_since_lists_the_tables_read_most_largest_first() -> None:
    before = Reads(100, {"raw.a": 10, "raw.b": 5, "marts.c": 7})
    after = Reads(400, {"raw.a": 10, "raw.b": 205, "marts.c": 57, "marts.new": 3})
    assert after.since(before) == (300, (("raw.b", 200), ("marts.c", 50), ("marts.new", 3)))
