"""How well tickets are categorized (agent label > rules > model > uncategorized): on the demo world against the
generator's ground truth, and on the hand-written tickets of handwritten_tickets.yml, which were written before
the rules and apart from the generator and the seed examples.

The same hand-written world holds the ticket model (issue 25): the asset between the texts and the categorized
tickets, as the nightly runs it.

Run with `-s` to print the confusion matrices that docs/support_categorization.md reports.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import psycopg
import pytest
import yaml

from aias_dagster.platform.resources import WarehouseResource
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.support.assets import CV_CHECK, ticket_predictions
from aias_dagster.support.model import model_version
from aias_dagster.support.predictions import (
    PREDICTIONS_TABLE,
    predictions_current,
    read_training_set,
    run_night,
    write_predictions,
)
from tests.conftest import BuiltWorld, create_database, drop_database
from tests.dbt.support import REPO_ROOT, Dbt, load_landing, query
from tests.support.accuracy import CATEGORIES, UNCATEGORIZED, accuracy, confusion_markdown
from tests.support.landing import TICKET_COLUMNS, write_ticket_landing

HANDWRITTEN = Path(__file__).with_name("handwritten_tickets.yml")
# The acceptance of issue 11; measured values are in docs/support_categorization.md.
DEMO_UNLABELLED_TARGET = 0.97  # issue 25: the generated world may not fall below 97 %
DEMO_UNCATEGORIZED_LIMIT = 0.05
HANDWRITTEN_TARGET = 0.90
MIN_CONFIDENCE = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]["support_model_min_confidence"]


def handwritten_tickets() -> list[dict[str, str]]:
    return yaml.safe_load(HANDWRITTEN.read_text(encoding="utf-8"))["tickets"]


def test_the_hand_written_set_covers_every_category_with_enough_tickets() -> None:
    tickets = handwritten_tickets()
    assert len(tickets) >= 150
    counts = pd.Series([t["c"] for t in tickets]).value_counts()
    assert set(counts.index) == set(CATEGORIES) and counts.min() >= 15
    assert all(t["s"].strip() and t["b"].strip() for t in tickets)


def test_the_demo_world_tickets_without_an_agent_label_get_their_true_category(demo_world: BuiltWorld) -> None:
    truth = pd.read_csv(demo_world.truth / "ticket_categories.csv").set_index("ticket_id").true_category
    rows = query(demo_world.settings, "select ticket_id, category, decided_by from marts.support_tickets")
    frame = pd.DataFrame(rows, columns=["ticket_id", "category", "decided_by"]).set_index("ticket_id")
    frame["truth"] = truth.reindex(frame.index)
    unlabelled = frame[frame.decided_by != "agent"]
    labelled = frame[frame.decided_by == "agent"]
    print(f"\ndemo world: {len(unlabelled)} tickets without an agent label")
    print(confusion_markdown(unlabelled.truth.tolist(), unlabelled.category.tolist()))
    assert len(unlabelled) > 500 and len(labelled) > 200
    assert accuracy(unlabelled.truth.tolist(), unlabelled.category.tolist()) >= DEMO_UNLABELLED_TARGET
    assert (frame.category == UNCATEGORIZED).mean() < DEMO_UNCATEGORIZED_LIMIT


@dataclass(frozen=True)
class HandwrittenWorld:
    settings: ConnectionSettings
    model_run: dg.ExecuteInProcessResult  # the ticket model's asset, materialized once
    dbt: Dbt
    landing: Path


@pytest.fixture(scope="module")
def handwritten_world(
    pg_server: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HandwrittenWorld]:
    """The hand-written tickets as one delivery day of landing files, loaded and categorized by the real
    loader, the real dbt models and the ticket model's real asset in between (the nightly order: texts and
    seeds, the model, the categorized tickets), in a database of their own."""
    root = tmp_path_factory.mktemp("handwritten")
    landing = root / "landing"
    write_ticket_landing(landing, handwritten_tickets(), "HW")
    settings = create_database(pg_server)
    try:
        results = load_landing(settings, landing)
        assert all(r.rejected == 0 for r in results.values()), results
        dbt = Dbt(settings, root / "target")
        # The models only: their tests run in the demo world's build.
        built = dbt("build", "--select", "+int_support__ticket_texts", "+int_support__ticket_examples", "ticket_rules",
                    "--resource-type", "model", "--resource-type", "seed")  # fmt: skip
        assert built.returncode == 0, built.output[-3000:]
        # Two folds instead of the nightly three: the same code path (there are no agent labels to fold here).
        config = {"ops": {"support_python__ticket_predictions": {"config": {"cv_folds": 2}}}}
        model_run = dg.materialize([ticket_predictions], resources={"warehouse": WarehouseResource(url=settings.url)},
                                   instance=dg.DagsterInstance.ephemeral(), run_config=config)  # fmt: skip
        assert model_run.success
        # With its unit tests: the model's order and the source fixture are checked here.
        categorized = dbt("build", "--select", "int_support__categorized_tickets")
        assert categorized.returncode == 0, categorized.output[-3000:]
        yield HandwrittenWorld(settings, model_run, dbt, landing)
    finally:
        drop_database(pg_server, settings)


def test_the_hand_written_tickets_get_their_true_category(handwritten_world: HandwrittenWorld) -> None:
    # Rules, then the model trained on the seed examples (this world has no agent labels).
    decided = dict(query(handwritten_world.settings,
                         "select ticket_id, category from intermediate.int_support__categorized_tickets"))  # fmt: skip
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


# The ticket model in the hand-written world (issue 25). The last test changes the world: it stays last.


def test_the_asset_publishes_its_cross_validated_accuracy(handwritten_world: HandwrittenWorld) -> None:
    result = handwritten_world.model_run
    (materialization,) = result.asset_materializations_for_node("support_python__ticket_predictions")
    metadata = materialization.metadata
    # No agent labels in this world: nothing to cross-validate, and the check says so instead of judging.
    assert metadata["trained_on_agent_labels"].value == 0 and metadata["trained_on_examples"].value == 2530
    assert metadata["cv_accuracy_agent_labels"].value is None
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == CV_CHECK and check.passed and "too few agent labels" in check.metadata["note"].value


def test_the_model_decides_only_where_no_agent_and_no_rule_did(handwritten_world: HandwrittenWorld) -> None:
    settings = handwritten_world.settings
    rows = query(settings, "select ticket_id, category, decided_by, rule_category, model_category, model_confidence, "
                           "model_version, language from intermediate.int_support__categorized_tickets")  # fmt: skip
    versions = {row[6] for row in rows}
    assert len(rows) == 162 and len(versions) == 1 and None not in versions
    for _, category, decided_by, rule_category, model_category, confidence, _, language in rows:
        assert model_category is not None and language is not None
        if rule_category is not None:
            assert (decided_by, category) == ("rule", rule_category)
        elif decided_by == "model":
            assert category == model_category and confidence >= MIN_CONFIDENCE
        else:
            assert category == UNCATEGORIZED
    tickets = handwritten_tickets()
    truth = [t["c"] for t in tickets]
    by_id = {row[0]: row for row in rows}
    got = [by_id[f"HW{n:03d}"][1] for n in range(1, len(tickets) + 1)]
    alone = [by_id[f"HW{n:03d}"][4] for n in range(1, len(tickets) + 1)]
    print(f"\nhand-written set, rules then model: {accuracy(truth, got):.1%}, {got.count(UNCATEGORIZED)} uncategorized")
    print(confusion_markdown(truth, got))
    print(f"\nhand-written set, the model alone (trained on the seed only): {accuracy(truth, alone):.1%}")
    print(confusion_markdown(truth, alone))


def test_a_night_with_nothing_new_trains_nothing_and_writes_nothing(handwritten_world: HandwrittenWorld) -> None:
    """The asset again on the same tickets and labels: the stored predictions are the ones it would write."""
    settings = handwritten_world.settings
    table = f"select ticket_id, predicted_category, confidence, model_version, text_md5 from {PREDICTIONS_TABLE}"
    before = sorted(query(settings, table))
    again = dg.materialize([ticket_predictions], resources={"warehouse": WarehouseResource(url=settings.url)},
                           instance=dg.DagsterInstance.ephemeral())  # fmt: skip
    assert again.success
    (materialization,) = again.asset_materializations_for_node("support_python__ticket_predictions")
    assert materialization.metadata["unchanged"].value is True and materialization.metadata["rows"].value == 0
    (check,) = again.get_asset_check_evaluations()
    assert check.passed and "did not change" in check.metadata["note"].value
    assert sorted(query(settings, table)) == before and all(row[4] is not None for row in before)


def test_an_agents_correction_is_the_next_nights_training_data(handwritten_world: HandwrittenWorld) -> None:
    """An agent files HW001 under how_to on a later day: the next night trains on it (another model version),
    and the incremental build re-categorizes every stored ticket with the new version."""
    settings, dbt, landing = handwritten_world.settings, handwritten_world.dbt, handwritten_world.landing
    with psycopg.connect(settings.url) as conn:
        before = read_training_set(conn)
        (old_version,) = conn.execute(f"select distinct model_version from {PREDICTIONS_TABLE}").fetchone()
    later = landing / "support_tickets" / "2026-03-03.csv"
    with (landing / "support_tickets" / "2026-03-02.csv").open(encoding="utf-8", newline="") as handle:
        ticket = next(row for row in csv.DictReader(handle) if row["ticket_id"] == "HW001")
    with later.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, TICKET_COLUMNS)
        writer.writeheader()
        writer.writerow({**ticket, "agent_category": "how_to", "updated_at": "2026-03-03T09:00:00Z"})
    assert all(r.rejected == 0 for r in load_landing(settings, landing).values())
    with psycopg.connect(settings.url) as conn:
        # The same texts, predicted by the model of the labels before: only the new label makes the night train.
        after = read_training_set(conn)
        assert predictions_current(conn, model_version(before.texts, before.labels))
        assert not predictions_current(conn, model_version(after.texts, after.labels))
        night = run_night(conn, folds=0)
        write_predictions(conn, night.rows)
    assert len(night.training.agent_labels) == len(before.agent_labels) + 1 == 1
    assert night.model.version != old_version
    rebuilt = dbt("build", "--select", "int_support__categorized_tickets")
    assert rebuilt.returncode == 0, rebuilt.output[-3000:]
    rows = query(
        settings, "select ticket_id, decided_by, model_version from intermediate.int_support__categorized_tickets"
    )
    assert {version for _, _, version in rows} == {night.model.version} and len(rows) == 162
    assert ("HW001", "agent") in {(ticket_id, decided_by) for ticket_id, decided_by, _ in rows}
