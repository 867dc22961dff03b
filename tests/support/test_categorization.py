"""How well the rules categorize: on the demo world against the generator's ground truth, and on the
hand-written tickets of handwritten_tickets.yml, which were written before the rules and apart from the
generator (the judge that matters: the rules never saw them).

Run with `-s` to print the confusion matrices that docs/support_categorization.md reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

from aias_dagster.platform.warehouse import ConnectionSettings
from tests.conftest import BuiltWorld, create_database, drop_database
from tests.dbt.support import Dbt, load_landing, query
from tests.support.accuracy import CATEGORIES, UNCATEGORIZED, accuracy, confusion_markdown
from tests.support.landing import write_ticket_landing

HANDWRITTEN = Path(__file__).with_name("handwritten_tickets.yml")
# The acceptance of issue 11; measured values are in docs/support_categorization.md.
DEMO_UNLABELLED_TARGET = 0.95
DEMO_UNCATEGORIZED_LIMIT = 0.05
HANDWRITTEN_TARGET = 0.90


def handwritten_tickets() -> list[dict[str, str]]:
    return yaml.safe_load(HANDWRITTEN.read_text(encoding="utf-8"))["tickets"]


def test_the_hand_written_set_covers_every_category_with_enough_tickets() -> None:
    tickets = handwritten_tickets()
    assert len(tickets) >= 150
    counts = pd.Series([t["c"] for t in tickets]).value_counts()
    assert set(counts.index) == set(CATEGORIES) and counts.min() >= 15
    assert all(t["s"].strip() and t["b"].strip() for t in tickets)


def test_rules_categorize_the_demo_world_tickets_without_an_agent_label(demo_world: BuiltWorld) -> None:
    truth = pd.read_csv(demo_world.truth / "ticket_categories.csv").set_index("ticket_id").true_category
    rows = query(
        demo_world.settings, "select ticket_id, category, decided_by, rule_category from marts.support_tickets"
    )
    frame = pd.DataFrame(rows, columns=["ticket_id", "category", "decided_by", "rule_category"]).set_index("ticket_id")
    frame["truth"] = truth.reindex(frame.index)
    unlabelled = frame[frame.decided_by != "agent"]
    labelled = frame[frame.decided_by == "agent"]
    print(f"\ndemo world: {len(unlabelled)} tickets without an agent label")
    print(confusion_markdown(unlabelled.truth.tolist(), unlabelled.category.tolist()))
    assert len(unlabelled) > 500 and len(labelled) > 200
    assert accuracy(unlabelled.truth.tolist(), unlabelled.category.tolist()) >= DEMO_UNLABELLED_TARGET
    assert (frame.category == UNCATEGORIZED).mean() < DEMO_UNCATEGORIZED_LIMIT
    # The rules also run on the agent-labelled tickets, where they can be checked against the agents.
    rules_vs_agents = accuracy(labelled.category.tolist(), labelled.rule_category.fillna(UNCATEGORIZED).tolist())
    assert rules_vs_agents >= DEMO_UNLABELLED_TARGET


@pytest.fixture(scope="module")
def handwritten_world(
    pg_server: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConnectionSettings]:
    """The hand-written tickets as one delivery day of landing files, loaded and categorized by the real
    loader and the real dbt models, in a database of their own."""
    root = tmp_path_factory.mktemp("handwritten")
    landing = root / "landing"
    write_ticket_landing(landing, handwritten_tickets(), "HW")
    settings = create_database(pg_server)
    try:
        results = load_landing(settings, landing)
        assert all(r.rejected == 0 for r in results.values()), results
        built = Dbt(settings, root / "target")(
            "build",
            "--select",
            "+int_support__categorized_tickets",
            "--resource-type",
            "model",
            "--resource-type",
            "seed",
        )  # the models only: their tests run in the demo world's build
        assert built.returncode == 0, built.output[-3000:]
        yield settings
    finally:
        drop_database(pg_server, settings)


def test_rules_categorize_the_hand_written_tickets(handwritten_world: ConnectionSettings) -> None:
    decided = dict(
        query(handwritten_world, "select ticket_id, category from intermediate.int_support__categorized_tickets")
    )
    tickets = handwritten_tickets()
    truth = [t["c"] for t in tickets]
    got = [decided[f"HW{n:03d}"] for n in range(1, len(tickets) + 1)]
    right = accuracy(truth, got)
    print(f"\nhand-written set: {len(tickets)} tickets, {right:.1%} right, {got.count(UNCATEGORIZED)} uncategorized")
    print(confusion_markdown(truth, got))
    for n, (t, g) in enumerate(zip(truth, got, strict=True), start=1):
        if t != g:
            print(f"  HW{n:03d} {t} -> {g}: {tickets[n - 1]['s']!r}")
    assert right >= HANDWRITTEN_TARGET
