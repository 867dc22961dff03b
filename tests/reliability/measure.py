"""The current normaliser, rules and fingerprints on a labelled set of error events, as docs/reliability.md
reports them: counts, category accuracy, pairwise precision and recall, the confusion matrix, every miss,
every split group and every merged fingerprint.

    .venv/bin/python -m tests.reliability.measure [--frames] [file.csv]

(default: the development set tests/reliability/dev_errors_writer_a.csv). With --frames it also reports what
merging the fingerprints whose events share a stack trace's in-app frames would do (docs/reliability.md, Stack
traces: measured, not built). The project's macros compiled by
dbt and run on Postgres (tests/reliability/evaluation.py, as test_fingerprints_and_categories.py runs them),
in a database of their own on the server that AIAS_DATABASE_URL names (default:
postgresql://postgres@127.0.0.1:5432), dropped at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import psycopg

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings
from tests.conftest import create_database, drop_database
from tests.reliability.evaluation import DEV_WRITER_A_CSV, Scored, classify, compiled_classifier, read_labelled, score

SHORT = {"upstream_unavailable": "upstream", "auth_expired": "auth", "uncategorized": "uncat."}


FRAMES = "select m.id, {{ error_trace_frames('m.message', %d) }} from eval_messages as m"


def measure(path: Path, frames: int = 0) -> tuple[list[Scored], dict[int, str | None]]:
    """Each event scored, and (frames > 0) the innermost in-app frames of its stack trace, if it carries one."""
    server = ConnectionSettings(os.environ.get(DATABASE_URL_ENV) or "postgresql://postgres@127.0.0.1:5432")
    server = server.with_database("postgres")
    items = read_labelled(path)
    settings = create_database(server, prefix="aias_measure_errors")
    try:
        with tempfile.TemporaryDirectory(prefix="aias_measure_") as target:
            results = classify(settings, items, compiled_classifier(settings, Path(target)), "eval_measure")
            traces = {}
            if frames:
                sql = compiled_classifier(settings, Path(target), FRAMES % frames)
                with psycopg.connect(settings.url) as conn:
                    conn.execute("create temporary table eval_messages (id int, message text)")
                    with conn.cursor().copy("copy eval_messages from stdin") as copy:
                        for x in items:
                            copy.write_row((x.id, x.message))
                    traces = dict(conn.execute(sql).fetchall())
    finally:
        drop_database(server, settings)
    assert len(results) == len(items)
    return results, traces


def merged_by_frames(results: list[Scored], traces: dict[int, str | None]) -> list[Scored]:
    """The fingerprints whose events share service, class and in-app frames made one (union-find)."""
    parent: dict[str, str] = {}

    def root(fingerprint: str) -> str:
        while parent.get(fingerprint, fingerprint) != fingerprint:
            fingerprint = parent[fingerprint]
        return fingerprint

    first: dict[tuple[str, str, str], str] = {}
    for r in results:
        if frames := traces.get(r.item.id):
            key = (r.item.service, r.item.error_class, frames)
            a, b = root(first.setdefault(key, r.fingerprint)), root(r.fingerprint)
            if a != b:
                parent[b] = a
    return [replace(r, fingerprint=root(r.fingerprint)) for r in results]


def report(results: list[Scored], misses: bool = True) -> str:
    """The figures and the confusion matrix; with `misses`, every miss, split group and merged fingerprint (a
    held-out set's are not printed while rules are written: a miss read is a rule half-written)."""
    scores = score(results)
    lines = [
        f"{scores.messages} messages, {scores.groups} true groups, {len({r.fingerprint for r in results})} "
        f"fingerprints, {scores.uncategorized} uncategorized",
        f"category accuracy {scores.category_accuracy:.1%} "
        f"({sum(r for r, _ in scores.per_category.values())} / {scores.messages})",
        f"pairwise precision {scores.pairwise_precision:.1%}, pairwise recall {scores.pairwise_recall:.1%}",
        "",
    ]
    categories = sorted(scores.per_category)
    columns = [*categories, *sorted({r.category for r in results} - set(categories))]
    counts = Counter((r.item.category, r.category) for r in results)
    lines.append("| true \\ decided | " + " | ".join(SHORT.get(c, c) for c in columns) + " | right |")
    lines.append("|---|" + "---:|" * (len(columns) + 1))
    for t in categories:
        ok, total = scores.per_category[t]
        cells = [str(counts[(t, d)]) if counts[(t, d)] else "" for d in columns]
        lines.append(f"| {t} | " + " | ".join(cells) + f" | {ok}/{total} ({ok / total:.0%}) |")
    if not misses:
        return "\n".join(lines)
    lines.append("\nmisses:")
    lines += [
        f"  {r.item.group}: {r.item.category} -> {r.category}: {r.item.message[:100]!r}"
        for r in results
        if r.category != r.item.category
    ]
    by_group: dict[str, set[str]] = {}
    by_fingerprint: dict[str, set[str]] = {}
    for r in results:
        by_group.setdefault(r.item.group, set()).add(r.fingerprint)
        by_fingerprint.setdefault(r.fingerprint, set()).add(r.item.group)
    split = {g: len(f) for g, f in by_group.items() if len(f) > 1}
    merged = [sorted(g) for g in by_fingerprint.values() if len(g) > 1]
    lines.append(f"\n{len(split)} true groups split over several fingerprints: {split}")
    lines.append(f"{len(merged)} fingerprints holding several true groups: {merged}")
    return "\n".join(lines)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--frames"]
    path = Path(args[0]) if args else DEV_WRITER_A_CSV
    if "--frames" not in sys.argv:
        print(report(measure(path)[0]))
        return
    for frames in (1, 2, 3):
        results, traces = measure(path, frames)
        merged = score(merged_by_frames(results, traces))
        print(
            f"{sum(bool(t) for t in traces.values())} events with in-app frames; merged by their {frames} innermost: "
            f"precision {merged.pairwise_precision:.1%}, recall {merged.pairwise_recall:.1%}"
        )
        print(report(merged_by_frames(results, traces)).split("\n\nmisses:")[1].split("\n\n")[1])


if __name__ == "__main__":
    main()
