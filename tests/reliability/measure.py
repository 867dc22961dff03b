"""The current normaliser, rules and fingerprints on a labelled set of error events, as docs/reliability.md
reports them: counts, category accuracy, pairwise precision and recall, the confusion matrix, every miss,
every split group and every merged fingerprint.

    .venv/bin/python -m tests.reliability.measure [file.csv]

(default: the development set tests/reliability/dev_errors_writer_a.csv). The project's macros compiled by
dbt and run on Postgres (tests/reliability/evaluation.py, as test_fingerprints_and_categories.py runs them),
in a database of their own on the server that AIAS_DATABASE_URL names (default:
postgresql://postgres@127.0.0.1:5432), dropped at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings
from tests.conftest import create_database, drop_database
from tests.reliability.evaluation import DEV_WRITER_A_CSV, Scored, classify, compiled_classifier, read_labelled, score

SHORT = {"upstream_unavailable": "upstream", "auth_expired": "auth", "uncategorized": "uncat."}


def measure(path: Path) -> list[Scored]:
    server = ConnectionSettings(os.environ.get(DATABASE_URL_ENV) or "postgresql://postgres@127.0.0.1:5432")
    server = server.with_database("postgres")
    items = read_labelled(path)
    settings = create_database(server, prefix="aias_measure_errors")
    try:
        with tempfile.TemporaryDirectory(prefix="aias_measure_") as target:
            results = classify(settings, items, compiled_classifier(settings, Path(target)), "eval_measure")
    finally:
        drop_database(server, settings)
    assert len(results) == len(items)
    return results


def report(results: list[Scored]) -> str:
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
    print(report(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else DEV_WRITER_A_CSV)))


if __name__ == "__main__":
    main()
