"""The current normaliser, rules and fingerprints on the held-out errors of issue 25, as docs/reliability.md
reports them.

    .venv/bin/python -m tests.reliability.heldout.measure

The project's macros compiled by dbt and run on Postgres (tests/reliability/evaluation.py, as
test_fingerprints_and_categories.py runs them), in a database of their own on the server that
AIAS_DATABASE_URL names (default: postgresql://postgres@127.0.0.1:5432), dropped at the end. The report is
tests/reliability/measure.py's, the one the development sets get.
"""

from __future__ import annotations

from pathlib import Path

from tests.reliability.measure import measure, report

HELDOUT_CSV = Path(__file__).resolve().parent / "errors_real_world_shapes.csv"


def main() -> None:
    print(report(measure(HELDOUT_CSV)[0]))


if __name__ == "__main__":
    main()
