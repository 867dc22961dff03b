"""The ticket model's night: read the training material from dbt's views, train, predict every ticket, write
`support_python.ticket_predictions`, which dbt's int_support__categorized_tickets reads (source `support_python`).

Training material is what a real team has plus what was written for it, never the held-out sets:
- the tickets agents labelled (`agent_category`): an agent's correction is training data the next night;
- the newest version of the seed `ticket_examples`, written blind to the rules (dbt_project/seeds/support).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from aias_dagster.platform.roles import ROLES, act_as
from aias_dagster.support.model import (
    DEFAULT_PARAMS,
    ModelParams,
    TicketModel,
    cross_validated,
    detect_language,
    train,
)

SCHEMA = "support_python"
PREDICTIONS_TABLE = f"{SCHEMA}.ticket_predictions"
TEXTS_VIEW = "intermediate.int_support__ticket_texts"
EXAMPLES_VIEW = "intermediate.int_support__ticket_examples"
PREDICTIONS_DDL = f"""
create table if not exists {PREDICTIONS_TABLE} (
    ticket_id text primary key,
    predicted_category text not null,
    confidence numeric(5, 4) not null,
    model_version text not null,
    language text not null,
    text_md5 text
)
"""
# Tables written before text_md5 get it (null: their next night predicts every ticket again, as before).
PREDICTIONS_MIGRATION = f"alter table {PREDICTIONS_TABLE} add column if not exists text_md5 text"
PREDICTIONS_COMMENT = (
    "The ticket model's category for every ticket, with its confidence and the model version that gave it "
    "(aias_dagster/support/predictions.py); int_support__categorized_tickets takes it when no agent label and "
    "no rule decide and the confidence reaches the calibrated threshold."
)
# As for dbt's relations, every column says what it holds (psql's \d+; tests/dbt/test_docs.py checks).
PREDICTIONS_COLUMN_COMMENTS = {
    "ticket_id": "The ticket's id.",
    "predicted_category": "The most probable of the nine categories.",
    "confidence": "The model's probability of predicted_category (0 to 1).",
    "model_version": "Content hash of the training data and the model's parameters.",
    "language": "The ticket's language by its common words (en, de, es, fr, pt, it, nl).",
    "text_md5": "md5 of the ticket's text as it was predicted: a changed text is predicted again.",
}


@dataclass(frozen=True)
class TrainingSet:
    """Texts and labels: the agent-labelled tickets first, then the seed examples."""

    agent_texts: list[str]
    agent_labels: list[str]
    example_texts: list[str]
    example_labels: list[str]

    @property
    def texts(self) -> list[str]:
        return [*self.agent_texts, *self.example_texts]

    @property
    def labels(self) -> list[str]:
        return [*self.agent_labels, *self.example_labels]


@dataclass(frozen=True)
class NightResult:
    model: TicketModel
    training: TrainingSet
    rows: list[tuple[str, str, float, str, str]]
    cv_agent_accuracy: float | None  # None: too few agent labels to cross-validate, or not asked for


def read_training_set(conn: psycopg.Connection) -> TrainingSet:
    agent = conn.execute(
        f"select customer_text, agent_category from {TEXTS_VIEW} where agent_category is not null order by ticket_id"
    ).fetchall()
    examples = conn.execute(f"select customer_text, category from {EXAMPLES_VIEW} order by example_id").fetchall()
    return TrainingSet([t for t, _ in agent], [c for _, c in agent], [t for t, _ in examples], [c for _, c in examples])


def read_tickets(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute(f"select ticket_id, customer_text from {TEXTS_VIEW} order by ticket_id").fetchall()


def _cv_accuracy(base_texts: list[str], base_labels: list[str], texts: list[str], labels: list[str],
                 params: ModelParams, folds: int) -> float | None:  # fmt: skip
    if folds < 2 or len(set(labels)) < 2 or min(labels.count(c) for c in set(labels)) < 2:
        return None
    predicted, _ = cross_validated(base_texts, base_labels, texts, labels, params, folds)
    return round(sum(p == t for p, t in zip(predicted, labels, strict=True)) / len(labels), 4)


def predictions_current(conn: psycopg.Connection, version: str) -> bool:
    """True when the stored predictions are what a night would write: every ticket, and no other, predicted from
    its current text by the model `version` (the version of this night's training set: training is deterministic,
    model.model_version). Then the night need not train: a night that delivered no ticket and no agent label
    costs two reads, not a training. A table without `text_md5` (none yet, or written before it) is not current."""
    (has_texts,) = conn.execute(  # type: ignore[misc]
        "select count(*) from information_schema.columns where table_schema = %s and table_name = %s "
        "and column_name = 'text_md5'",
        PREDICTIONS_TABLE.split("."),
    ).fetchone()
    if not has_texts:
        return False
    (stale,) = conn.execute(  # type: ignore[misc]
        f"select count(*) from {TEXTS_VIEW} as t full join {PREDICTIONS_TABLE} as p on p.ticket_id = t.ticket_id "
        "where t.ticket_id is null or p.ticket_id is null or p.model_version <> %s "
        "or p.text_md5 is distinct from md5(t.customer_text)",
        (version,),
    ).fetchone()
    return stale == 0


def run_night(
    conn: psycopg.Connection,
    params: ModelParams = DEFAULT_PARAMS,
    folds: int = 3,
    training: TrainingSet | None = None,
) -> NightResult:
    """Train on the training set (read here unless given), predict every ticket, and (folds >= 2) cross-validate
    on the agent labels with the examples always in training. The examples' own figure (a writer the model never
    read) is measured by tests/support/rule_selection.py: eight more trainings a night would buy a number that
    changes only with the seed."""
    training = training or read_training_set(conn)
    model = train(training.texts, training.labels, params)
    tickets = read_tickets(conn)
    predicted = model.predict([text for _, text in tickets])
    rows = [(ticket_id, category, confidence, model.version, detect_language(text))
            for (ticket_id, text), (category, confidence) in zip(tickets, predicted, strict=True)]  # fmt: skip
    cv_agent = _cv_accuracy(training.example_texts, training.example_labels, training.agent_texts,
                            training.agent_labels, params, folds)  # fmt: skip
    return NightResult(model, training, rows, cv_agent)


def write_predictions(conn: psycopg.Connection, rows: list[tuple[str, str, float, str, str]]) -> int:
    """Replace every row in one transaction: a reader sees the old night's predictions or the new one's."""
    with conn.transaction():
        act_as(conn, ROLES.transformer)  # dbt's role reads it; the schema is the transformer's, as dbt's are
        conn.execute(f"create schema if not exists {SCHEMA}")
        conn.execute(PREDICTIONS_DDL)
        conn.execute(PREDICTIONS_MIGRATION)
        conn.execute(sql.SQL(f"comment on table {PREDICTIONS_TABLE} is {{}}").format(PREDICTIONS_COMMENT))
        for column, comment in PREDICTIONS_COLUMN_COMMENTS.items():
            conn.execute(sql.SQL(f"comment on column {PREDICTIONS_TABLE}.{column} is {{}}").format(comment))
        conn.execute(f"delete from {PREDICTIONS_TABLE}")
        with conn.cursor() as cur:
            cur.executemany(
                f"insert into {PREDICTIONS_TABLE} (ticket_id, predicted_category, confidence, model_version, language)"
                " values (%s, %s, %s, %s, %s)",
                rows,
            )
        # The texts as they were predicted, read in the same transaction as the night's (nothing else writes them).
        conn.execute(
            f"update {PREDICTIONS_TABLE} as p set text_md5 = md5(t.customer_text) from {TEXTS_VIEW} as t "
            "where t.ticket_id = p.ticket_id"
        )
    return len(rows)
