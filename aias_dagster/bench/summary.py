"""The one line `make bench` ends with, for scripts: the headline figure of every part that ran."""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "bench summary:"


@dataclass(frozen=True)
class Summary:
    """Headline figures; a part that did not run leaves its fields empty and its segment out of the line."""

    loader_typed_ratio: float | None = None  # the loader's rows/s over typed COPY's with the key, clean files
    loader_plain_ratio: float | None = None
    night_s: float | None = None  # wall clock of the night after the whole history
    floor_s: float | None = None  # wall clock of a night with nothing delivered
    full_refresh_s: float | None = None
    product_night_s: float | None = None
    product_rebuild_s: float | None = None
    site_s: float | None = None
    spark_full_refresh_s: float | None = None  # the transform job's full refresh on Spark, lake sync and publish in
    postgres_full_refresh_s: float | None = None  # the same job on Postgres, in the same bench (bench/spark.py)
    spark_export_s: float | None = None  # every source table into an empty lake, Spark's start included
    loader_peak_rss_mib: float | None = None


def summary_line(s: Summary) -> str:
    """`bench summary: loader X.XX x typed COPY, X.XX x plain COPY; night N.N s, floor N.N s, full refresh N.N s
    (night/full X.XX); product night N.N s vs rebuild N.N s; site N.N s; full refresh on Spark N.N s vs Postgres N.N s
    (export to the lake N.N s); loader peak RSS N MiB`, with only the segments whose figures are known."""
    parts: list[str] = []
    if s.loader_typed_ratio is not None and s.loader_plain_ratio is not None:
        parts.append(f"loader {s.loader_typed_ratio:.2f} x typed COPY, {s.loader_plain_ratio:.2f} x plain COPY")
    if s.night_s is not None and s.floor_s is not None and s.full_refresh_s is not None:
        ratio = s.night_s / s.full_refresh_s if s.full_refresh_s else 0.0
        parts.append(
            f"night {s.night_s:.1f} s, floor {s.floor_s:.1f} s, full refresh {s.full_refresh_s:.1f} s "
            f"(night/full {ratio:.2f})"
        )
    if s.product_night_s is not None and s.product_rebuild_s is not None:
        parts.append(f"product night {s.product_night_s:.1f} s vs rebuild {s.product_rebuild_s:.1f} s")
    if s.site_s is not None:
        parts.append(f"site {s.site_s:.1f} s")
    if s.spark_full_refresh_s is not None and s.postgres_full_refresh_s is not None and s.spark_export_s is not None:
        parts.append(
            f"full refresh on Spark {s.spark_full_refresh_s:.1f} s vs Postgres {s.postgres_full_refresh_s:.1f} s "
            f"(export to the lake {s.spark_export_s:.1f} s)"
        )
    if s.loader_peak_rss_mib is not None:
        parts.append(f"loader peak RSS {s.loader_peak_rss_mib:.0f} MiB")
    return f"{PREFIX} {'; '.join(parts) if parts else 'no part measured'}"
