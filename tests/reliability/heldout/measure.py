"""The current normaliser, rules and fingerprints on the held-out errors of issue 25, as docs/reliability.md
reports them.

    .venv/bin/python -m tests.reliability.heldout.measure [--first | --second | --third] [--misses]

`--third` (the default) is the set written on 2026-12-07 in the seventh session; `--misses` prints the misses,
split groups and merged fingerprints, which a judge's rows must not be read for while rules are written.

The project's macros compiled by dbt and run on Postgres (tests/reliability/evaluation.py, as
test_fingerprints_and_categories.py runs them), in a database of their own on the server that
AIAS_DATABASE_URL names (default: postgresql://postgres@127.0.0.1:5432), dropped at the end. The report is
tests/reliability/measure.py's, the one the development sets get.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.reliability.measure import measure, report

HERE = Path(__file__).resolve().parent
# The first set (2026-12-06) was read three times while the normaliser v2 was written, the second (2026-12-07)
# looked at three times while v3 was; the third, by another writer, judges what comes after it.
SETS = {
    "first": HERE / "errors_real_world_shapes.csv",
    "second": HERE / "errors_second_writer.csv",
    "third": HERE / "errors_third_writer.csv",
}


def main() -> None:
    chosen = next((name for name in SETS if f"--{name}" in sys.argv), "second")
    print(f"held-out set: {chosen} ({SETS[chosen].name})")
    print(report(measure(SETS[chosen])[0], misses="--misses" in sys.argv))


if __name__ == "__main__":
    main()
