"""The current normaliser, rules and fingerprints on the held-out errors of issue 25, as docs/reliability.md
reports them.

    .venv/bin/python -m tests.reliability.heldout.measure [--first | --second] [--misses]

`--second` (the default) is the set written on 2026-12-07; `--misses` prints the misses, split groups and merged
fingerprints, which a judge's rows must not be read for while rules are written.

The project's macros compiled by dbt and run on Postgres (tests/reliability/evaluation.py, as
test_fingerprints_and_categories.py runs them), in a database of their own on the server that
AIAS_DATABASE_URL names (default: postgresql://postgres@127.0.0.1:5432), dropped at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings
from tests.conftest import create_database, drop_database
from tests.reliability.evaluation import classify, compiled_classifier, read_labelled, score

HERE = Path(__file__).resolve().parent
# The first set (2026-12-06) was read three times while the normaliser v2 was written; the second (2026-12-07),
# by another writer, judges what came after it.
SETS = {"first": HERE / "errors_real_world_shapes.csv", "second": HERE / "errors_second_writer.csv"}
SHORT = {"upstream_unavailable": "upstream", "auth_expired": "auth", "uncategorized": "uncat."}


def main() -> None:
    server = ConnectionSettings(os.environ.get(DATABASE_URL_ENV) or "postgresql://postgres@127.0.0.1:5432")
    server = server.with_database("postgres")
    chosen = next((name for name in SETS if f"--{name}" in sys.argv), "second")
    items = read_labelled(SETS[chosen])
    print(f"held-out set: {chosen} ({SETS[chosen].name})")
    settings = create_database(server, prefix="aias_heldout_errors")
    try:
        with tempfile.TemporaryDirectory(prefix="aias_heldout_") as target:
            results = classify(settings, items, compiled_classifier(settings, Path(target)), "eval_heldout")
    finally:
        drop_database(server, settings)
    assert len(results) == len(items)
    scores = score(results)
    print(f"{scores.messages} messages, {scores.groups} true groups, {len({r.fingerprint for r in results})} "
          f"fingerprints, {scores.uncategorized} uncategorized")  # fmt: skip
    right = sum(r for r, _ in scores.per_category.values())
    print(f"category accuracy {scores.category_accuracy:.1%} ({right} / {scores.messages})")
    print(f"pairwise precision {scores.pairwise_precision:.1%}, pairwise recall {scores.pairwise_recall:.1%}\n")
    categories = sorted(scores.per_category)
    columns = [*categories, *sorted({r.category for r in results} - set(categories))]
    counts = Counter((r.item.category, r.category) for r in results)
    print("| true \\ decided | " + " | ".join(SHORT.get(c, c) for c in columns) + " | right |")
    print("|---|" + "---:|" * (len(columns) + 1))
    for t in categories:
        ok, total = scores.per_category[t]
        cells = [str(counts[(t, d)]) if counts[(t, d)] else "" for d in columns]
        print(f"| {t} | " + " | ".join(cells) + f" | {ok}/{total} ({ok / total:.0%}) |")
    if "--misses" not in sys.argv:  # the rows stay unread: a miss read is a rule half-written
        return
    print("\nmisses:")
    for r in results:
        if r.category != r.item.category:
            print(f"  {r.item.group}: {r.item.category} -> {r.category}: {r.item.message[:100]!r}")
    by_group: dict[str, set[str]] = {}
    for r in results:
        by_group.setdefault(r.item.group, set()).add(r.fingerprint)
    by_fingerprint: dict[str, set[str]] = {}
    for r in results:
        by_fingerprint.setdefault(r.fingerprint, set()).add(r.item.group)
    split = {g: len(f) for g, f in by_group.items() if len(f) > 1}
    merged = [sorted(g) for g in by_fingerprint.values() if len(g) > 1]
    print(f"\n{len(split)} true groups split over several fingerprints: {split}")
    print(f"{len(merged)} fingerprints holding several true groups: {merged}")


if __name__ == "__main__":
    main()
