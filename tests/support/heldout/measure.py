"""The categorization on the held-out tickets of issue 25, as docs/support_categorization.md reports them: what
int_support__categorized_tickets decides (agent label > rules > model > uncategorized; these tickets have no
agent label), and the ticket model's own answer for every ticket (`model alone`), with the detected language.

    .venv/bin/python -m tests.support.heldout.measure [--seed-only] [--misses]

The tickets are loaded by the real loader into the demo world's tickets; the model is trained as the nightly
asset trains it there (the seed examples and the world's agent labels; `--seed-only`: the seed alone, as at the
first look) and predicts them, and the real dbt models categorize them (as the
`handwritten_world` fixture of tests/support/test_categorization.py does), in a database of their own on the
server that AIAS_DATABASE_URL names (default: postgresql://postgres@127.0.0.1:5432), dropped at the end. The held-out
tickets are only predicted, never trained on.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import psycopg
import yaml

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings
from aias_dagster.support.predictions import run_night, write_predictions
from tests.conftest import create_database, drop_database
from tests.dbt.support import Dbt, load_landing, query
from tests.support.accuracy import CATEGORIES, UNCATEGORIZED, accuracy, confusion_markdown
from tests.support.landing import copy_demo_world_tickets, write_ticket_landing

HERE = Path(__file__).resolve().parent
SETS = {"English voices": HERE / "tickets_english_voices.yml", "de/es/fr/pt": HERE / "tickets_de_es_fr_pt.yml"}


def categorize(server: ConnectionSettings, tickets: list[dict[str, str]], root: Path, world: bool
               ) -> list[tuple[str, str, str]]:  # fmt: skip
    """(decided category, the model's category, detected language) per ticket, in the tickets' order. With
    `world`, the held-out tickets arrive in the demo world, whose agent labels train the model beside the seed,
    as the nightly trains it there; they are delivered after its last day, unlabelled."""
    settings = create_database(server, prefix="aias_heldout_tickets")
    try:
        ids = write_ticket_landing(root / "landing", tickets, "HO", day=date(2026, 4, 2))
        if world:
            copy_demo_world_tickets(root / "landing", root / "world")
        results = load_landing(settings, root / "landing")
        assert all(r.rejected == 0 for r in results.values()), results
        dbt = Dbt(settings, root / "target")
        built = dbt("build", "--select", "+int_support__ticket_texts", "+int_support__ticket_examples", "ticket_rules",
                    "--resource-type", "model", "--resource-type", "seed")  # fmt: skip
        assert built.returncode == 0, built.output[-3000:]
        with psycopg.connect(settings.url) as conn:
            night = run_night(conn, folds=0)
            # The held-out tickets never train: they carry no agent label.
            labelled = conn.execute("select count(*) from intermediate.int_support__ticket_texts "
                                    "where agent_category is not null and ticket_id like 'HO%'").fetchone()  # fmt: skip
            assert labelled == (0,) and len(night.training.agent_labels) == (517 if world else 0)
            write_predictions(conn, night.rows)
        built = dbt("build", "--select", "int_support__categorized_tickets", "--resource-type", "model")
        assert built.returncode == 0, built.output[-3000:]
        rows = query(settings, "select ticket_id, category, model_category, language "
                               "from intermediate.int_support__categorized_tickets")  # fmt: skip
    finally:
        drop_database(server, settings)
    decided = {ticket_id: (category, model, language) for ticket_id, category, model, language in rows}
    return [decided[ticket_id] for ticket_id in ids]


def main() -> None:
    server = ConnectionSettings(os.environ.get(DATABASE_URL_ENV) or "postgresql://postgres@127.0.0.1:5432")
    tickets = [dict(t, set=name) for name, path in SETS.items()
               for t in yaml.safe_load(path.read_text(encoding="utf-8"))["tickets"]]  # fmt: skip
    world = "--seed-only" not in sys.argv
    print("model trained on " + ("the seed examples and the demo world's agent labels" if world else "the seed only"))
    with tempfile.TemporaryDirectory(prefix="aias_heldout_") as root:
        answers = categorize(server.with_database("postgres"), tickets, Path(root), world)
    truth = [t["c"] for t in tickets]
    detected = [language for *_, language in answers]
    languages_right = sum(d == t["lang"] for d, t in zip(detected, tickets, strict=True))
    print(f"language detected right: {languages_right} of {len(tickets)}")
    for name, got in (("rules then model", [a[0] for a in answers]), ("model alone", [a[1] for a in answers])):
        print(f"\n## {name}\n")
        report(tickets, truth, got)


def report(tickets: list[dict[str, str]], truth: list[str], got: list[str]) -> None:
    def line(label: str, keep: list[bool]) -> str:
        t = [x for x, k in zip(truth, keep, strict=True) if k]
        g = [x for x, k in zip(got, keep, strict=True) if k]
        right = sum(a == b for a, b in zip(t, g, strict=True))
        return f"| {label} | {len(t)} | {right} | {right / len(t):.1%} | {g.count(UNCATEGORIZED) / len(t):.1%} |"

    print(f"all: {len(tickets)} tickets, {accuracy(truth, got):.1%} right, "
          f"{got.count(UNCATEGORIZED)} uncategorized ({got.count(UNCATEGORIZED) / len(got):.1%})\n")  # fmt: skip
    print("| slice | tickets | right | accuracy | uncategorized |\n|---|---:|---:|---:|---:|")
    print(line("all", [True] * len(tickets)))
    for name in SETS:
        print(line(f"set: {name}", [t["set"] == name for t in tickets]))
    for lang in ("en", "de", "es", "fr", "pt"):
        print(line(f"language: {lang}", [t["lang"] == lang for t in tickets]))
    for category in CATEGORIES:
        print(line(f"category: {category}", [c == category for c in truth]))
    print("\nall tickets\n\n" + confusion_markdown(truth, got))
    for name in SETS:
        keep = [t["set"] == name for t in tickets]
        print(f"\n{name}\n\n" + confusion_markdown([x for x, k in zip(truth, keep, strict=True) if k],
                                                    [x for x, k in zip(got, keep, strict=True) if k]))  # fmt: skip
    if "--misses" not in sys.argv:  # the tickets stay unread: a miss read is a rule or a feature half-written
        return
    misses: dict[str, list[str]] = defaultdict(list)
    for ticket, decided in zip(tickets, got, strict=True):
        if decided != ticket["c"]:
            misses[ticket["set"]].append(f"  [{ticket['lang']}] {ticket['c']} -> {decided}: {ticket['s']!r}")
    for name, lines in misses.items():
        print(f"\nmisses, {name}:\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
