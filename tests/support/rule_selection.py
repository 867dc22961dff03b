"""Which ticket rules earn their place before the model, measured on the training material only (the seed examples
`seeds/support/ticket_examples.csv`, written blind to the rules), never on the held-out sets.

    .venv/bin/python -m tests.support.rule_selection [--threshold 0.2]

The order agent label > rules > model > uncategorized stands, so a rule that is wrong more often than the model
would be on the tickets it takes costs accuracy. For every rule of the newest version this prints the tickets it
decides (it is the first rule that matches), how many of them it gets right, and how many the model gets right
when that rule is left out (the model's answers are cross-validated: each example is predicted by a model trained
on the other folds). Rules are then dropped one at a time, the one whose removal gains the most first, while a
removal gains at least `--min-gain` tickets; what is left is what a new rules version should keep.

The rules run as the dbt models run them: the examples' text from `int_support__ticket_examples` (macro
`ticket_rule_text`), matched on Postgres with the rules' case-insensitive regular expressions, in a database of
their own on the server that AIAS_DATABASE_URL names (default: postgresql://postgres@127.0.0.1:5432), dropped at
the end.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from aias_dagster.platform.warehouse import DATABASE_URL_ENV, ConnectionSettings
from aias_dagster.support.model import cross_validated
from tests.conftest import create_database, drop_database
from tests.dbt.support import Dbt, load_landing, query
from tests.support.accuracy import UNCATEGORIZED
from tests.support.landing import copy_demo_world_tickets

EXAMPLES = """
select e.example_id, e.customer_text, e.category, s.writer
from intermediate.int_support__ticket_examples as e
join seeds.ticket_examples as s using (example_id)
order by e.example_id
"""
# The operator of the dbt macro `regex_matches` on Postgres (macros/cross_db/regex.sql).
MATCHES = """
select rules.rule_id, examples.example_id
from (
    select rule_id, priority, pattern from seeds.ticket_rules
    where version = (select max(version) from seeds.ticket_rules)
) as rules
cross join lateral (
    select example_id from intermediate.int_support__ticket_examples where customer_text ~* rules.pattern offset 0
) as examples
"""


@dataclass(frozen=True)
class Material:
    ids: list[str]
    labels: list[str]
    predicted: list[str]  # the model's cross-validated answer
    confidence: list[float]
    rules: list[tuple[str, str]]  # (rule_id, category) in priority order
    matches: dict[str, set[str]]  # rule_id -> example ids it matches


def by_writer_predictions(base_texts: list[str], base_labels: list[str], texts: list[str], labels: list[str],
                          writers: list[str]) -> tuple[list[str], list[float]]:  # fmt: skip
    """Each writer's examples predicted by a model trained on the other writers' (and the base): the held-out
    sets' situation, a voice the model never read. Random folds put a writer's habits on both sides."""
    return cross_validated(base_texts, base_labels, texts, labels, groups=writers)


def read_material(server: ConnectionSettings, root: Path, world: bool, by_writer: bool) -> Material:
    """The seed examples and, with `world`, the demo world's agent-labelled tickets, which the nightly model
    trains on beside the seed (so they are in every fold's training, as in production)."""
    settings = create_database(server, prefix="aias_rule_selection")
    agent: list[tuple[str, str]] = []
    try:
        dbt = Dbt(settings, root / "target")
        selection = ["ticket_examples", "ticket_rules", "int_support__ticket_examples"]
        if world:
            copy_demo_world_tickets(root / "landing", root / "world")
            assert all(r.rejected == 0 for r in load_landing(settings, root / "landing").values())
            selection.append("+int_support__ticket_texts")
        built = dbt("build", "--select", *selection, "--resource-type", "model", "--resource-type", "seed")
        assert built.returncode == 0, built.output[-3000:]
        if world:
            agent = query(settings, "select customer_text, agent_category from intermediate.int_support__ticket_texts "
                                    "where agent_category is not null order by ticket_id")  # fmt: skip
        examples = query(settings, EXAMPLES)
        rules = query(settings, "select rule_id, category from seeds.ticket_rules "
                                "where version = (select max(version) from seeds.ticket_rules) "
                                "order by priority, rule_id")  # fmt: skip
        matches: dict[str, set[str]] = defaultdict(set)
        for rule_id, example_id in query(settings, MATCHES):
            matches[rule_id].add(example_id)
    finally:
        drop_database(server, settings)
    ids, texts, labels, writers = (list(column) for column in zip(*examples, strict=True))
    base_texts, base_labels = [t for t, _ in agent], [c for _, c in agent]
    if by_writer:
        predicted, confidence = by_writer_predictions(base_texts, base_labels, texts, labels, writers)
    else:
        predicted, confidence = cross_validated(base_texts, base_labels, texts, labels)
    return Material(ids, labels, predicted, confidence, [(r, c) for r, c in rules], dict(matches))


def decide(material: Material, kept: list[tuple[str, str]], threshold: float) -> list[tuple[str, str]]:
    """(category, decided by: a rule id, 'model' or 'uncategorized') per example, in the examples' order."""
    decided = []
    for example_id, predicted, confidence in zip(material.ids, material.predicted, material.confidence, strict=True):
        rule = next(((r, c) for r, c in kept if example_id in material.matches.get(r, ())), None)
        if rule is not None:
            decided.append((rule[1], rule[0]))
        elif confidence >= threshold:
            decided.append((predicted, "model"))
        else:
            decided.append((UNCATEGORIZED, "uncategorized"))
    return decided


def right(material: Material, decided: list[tuple[str, str]]) -> int:
    return sum(category == label for (category, _), label in zip(decided, material.labels, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=0.2, help="the model's minimum confidence")
    parser.add_argument("--seed-only", action="store_true", help="train without the demo world's agent labels")
    parser.add_argument("--by-writer", action="store_true", help="leave one writer out instead of random folds")
    parser.add_argument("--min-gain", type=int, default=1, help="tickets a removal must gain")
    args = parser.parse_args()
    server = ConnectionSettings(os.environ.get(DATABASE_URL_ENV) or "postgresql://postgres@127.0.0.1:5432")
    with tempfile.TemporaryDirectory(prefix="aias_rule_selection_") as root:
        material = read_material(server.with_database("postgres"), Path(root), not args.seed_only, args.by_writer)
    n = len(material.ids)
    model_right = sum(p == t for p, t in zip(material.predicted, material.labels, strict=True))
    print(f"{n} seed examples; the model alone (cross-validated) {model_right} right ({model_right / n:.1%})")

    print("| threshold | model answers | right of its answers | all right | uncategorized |")
    print("|---:|---:|---:|---:|---:|")
    for threshold in (0, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        answered = [p == t for p, t, c in zip(material.predicted, material.labels, material.confidence, strict=True)
                    if c >= threshold]  # fmt: skip
        print(f"| {threshold} | {len(answered) / n:.1%} | {sum(answered) / max(len(answered), 1):.1%} | "
              f"{sum(answered) / n:.1%} | {1 - len(answered) / n:.1%} |")  # fmt: skip
    print()
    kept = list(material.rules)
    base = decide(material, kept, args.threshold)
    print(f"rules then model, every rule: {right(material, base)} right ({right(material, base) / n:.1%})\n")
    print("| rule | category | decides | right | model right without it |\n|---|---|---:|---:|---:|")
    for rule_id, category in material.rules:
        without = decide(material, [r for r in kept if r[0] != rule_id], args.threshold)
        mine = [i for i, (_, by) in enumerate(base) if by == rule_id]
        rule_right = sum(base[i][0] == material.labels[i] for i in mine)
        other_right = sum(without[i][0] == material.labels[i] for i in mine)
        print(f"| {rule_id} | {category} | {len(mine)} | {rule_right} | {other_right} |")

    for name, kept in (
        ("backward (from every rule)", backward(material, args)),
        ("forward (from no rule)", forward(material, args)),
    ):
        final = decide(material, kept, args.threshold)
        by_rule = sum(by not in ("model", "uncategorized") for _, by in final)
        print(f"\n{name}: kept {len(kept)} of {len(material.rules)} rules: {', '.join(r for r, _ in kept)}")
        print(f"rules then model: {right(material, final)} right ({right(material, final) / n:.1%}); "
              f"rules decide {by_rule}, uncategorized {sum(by == 'uncategorized' for _, by in final)}")  # fmt: skip


def backward(material: Material, args: argparse.Namespace) -> list[tuple[str, str]]:
    """Drop rules one at a time, the one whose removal gains the most first, while a removal gains enough."""
    kept = list(material.rules)
    while kept:
        current = right(material, decide(material, kept, args.threshold))
        gain, rule = max(((right(material, decide(material, [r for r in kept if r != rule], args.threshold))
                           - current, rule) for rule in kept), key=lambda g: (g[0], g[1][0]))  # fmt: skip
        if gain < args.min_gain:
            break
        kept.remove(rule)
    return kept


def forward(material: Material, args: argparse.Namespace) -> list[tuple[str, str]]:
    """Add rules one at a time (each in its priority place), the one that gains the most first."""
    kept: list[tuple[str, str]] = []
    while True:
        current = right(material, decide(material, kept, args.threshold))
        candidates = [r for r in material.rules if r not in kept]
        if not candidates:
            return kept
        gains = []
        for rule in candidates:
            trial = [r for r in material.rules if r in kept or r == rule]
            gains.append((right(material, decide(material, trial, args.threshold)) - current, rule))
        gain, rule = max(gains, key=lambda g: (g[0], g[1][0]))
        if gain < args.min_gain:
            return [r for r in material.rules if r in kept]
        kept.append(rule)


if __name__ == "__main__":
    main()
