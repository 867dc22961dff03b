"""Running the project's own normaliser and category rules over a list of messages, and scoring them.

The SQL is the project's: the dbt macros compiled by dbt (`dbt compile --inline`) and run on a real
Postgres, with the rules seed's CSV as the rules, so the evaluation judges exactly what the models run.
"""

from __future__ import annotations

import csv
import itertools
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg

from aias_dagster.platform.warehouse import ConnectionSettings
from tests.dbt.support import REPO_ROOT, Dbt

RULES_CSV = REPO_ROOT / "dbt_project" / "seeds" / "reliability" / "error_category_rules.csv"
REAL_WORLD_CSV = Path(__file__).resolve().parent / "real_world_errors.csv"
VARIATION_CSV = Path(__file__).resolve().parent / "variation_errors.csv"
DEV_WRITER_A_CSV = Path(__file__).resolve().parent / "dev_errors_writer_a.csv"

CLASSIFY = """
with
signatures as (
    select distinct error_class, {{ normalise_error_message('message') }} as normalised_message, http_status
    from eval_errors
),
rules as (select * from eval_rules where version = (select max(version) from eval_rules)),
categorised as ({{ categorise_signatures('signatures', 'rules') }})
select e.id, c.category, c.rule_priority,
    {{ error_fingerprint('e.service', 'e.error_class', 'c.normalised_message') }} as fingerprint,
    c.normalised_message
from eval_errors as e
join lateral (select {{ normalise_error_message('e.message') }} as normalised_message) as n on true
join categorised as c
    on c.error_class = e.error_class and c.normalised_message = n.normalised_message
    and c.http_status is not distinct from e.http_status
"""


# Every normaliser version's steps (as text, so a digest pins them) and each version's output on eval_messages.
VERSIONS = """
select {{ error_normaliser_version() }} as current_version,
    md5($steps${{ error_normaliser_steps(1) | tojson }}$steps$) as v1_steps,
    md5($steps${{ error_normaliser_steps(2) | tojson }}$steps$) as v2_steps,
    md5($steps${{ error_normaliser_steps(3) | tojson }}$steps$) as v3_steps,
    md5($steps${{ error_normaliser_steps(4) | tojson }}$steps$) as v4_steps,
    m.message,
    {{ normalise_error_message('m.message', 1) }} as v1,
    {{ normalise_error_message('m.message', 2) }} as v2,
    {{ normalise_error_message('m.message', 3) }} as v3,
    {{ normalise_error_message('m.message', 4) }} as v4
from eval_messages as m
order by m.id
"""


@dataclass(frozen=True)
class Labelled:
    id: int
    group: str
    category: str
    service: str
    error_class: str
    http_status: int | None
    message: str


@dataclass(frozen=True)
class Scored:
    item: Labelled
    category: str
    fingerprint: str
    normalised_message: str


def read_labelled(path: Path = REAL_WORLD_CSV) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Labelled(i, r["group"], r["category"], r["service"], r["error_class"],
                     int(r["http_status"]) if r["http_status"] else None, r["message"])
            for i, r in enumerate(csv.DictReader(handle))
        ]  # fmt: skip


def compiled_classifier(settings: ConnectionSettings, target: Path, inline: str = CLASSIFY) -> str:
    """The classifying SQL, compiled by dbt from the project's macros (a warm partial parse if there is one)."""
    target.mkdir(parents=True, exist_ok=True)
    warm = REPO_ROOT / "target" / "partial_parse.msgpack"
    if warm.exists():
        shutil.copy(warm, target / "partial_parse.msgpack")
    done = Dbt(settings, target, role="")("compile", "--quiet", "--inline", inline)
    assert done.returncode == 0, done.output[-3000:]
    return done.output.strip()


@dataclass(frozen=True)
class Normalisers:
    """The compiled normaliser of every version, to pin each version's steps and compare their outputs."""

    sql: str

    def run(
        self, settings: ConnectionSettings, messages: list[str]
    ) -> tuple[int, dict[int, str], list[tuple[str, ...]]]:
        """The current version, each version's step digest, and each version's output on each message."""
        with psycopg.connect(settings.url) as conn:
            try:
                conn.execute("create temporary table eval_messages (id int, message text)")
                with conn.cursor().copy("copy eval_messages from stdin") as copy:
                    for row in enumerate(messages):
                        copy.write_row(row)
                rows = conn.execute(self.sql).fetchall()
            finally:
                conn.rollback()
        current, *digests = rows[0][:5]
        return current, dict(enumerate(digests, 1)), [tuple(row[6:]) for row in rows]


NORMALISERS_MARK = "\n-- the normalisers of every version --\n"


def compiled_classifier_and_normalisers(settings: ConnectionSettings, target: Path) -> tuple[str, Normalisers]:
    """Both in one dbt compile (a compile is seconds on a busy machine; the suite's budget is tight)."""
    sql, versions = compiled_classifier(settings, target, CLASSIFY + NORMALISERS_MARK + VERSIONS).split(
        NORMALISERS_MARK.strip()
    )
    return sql.strip(), Normalisers(versions.strip())


def classify(settings: ConnectionSettings, items: list[Labelled], sql: str, schema: str) -> list[Scored]:
    with psycopg.connect(settings.url) as conn:
        conn.execute(f"create schema {schema}")
        try:
            conn.execute(f"set search_path to {schema}")
            conn.execute(
                "create table eval_errors (id int, service text, error_class text, http_status bigint, message text)"
            )
            with conn.cursor().copy("copy eval_errors from stdin") as copy:
                for x in items:
                    copy.write_row((x.id, x.service, x.error_class, x.http_status, x.message))
            conn.execute(
                "create table eval_rules (version int, priority int, category text, class_pattern text,"
                " message_pattern text, status_min int, status_max int, note text)"
            )
            with (
                RULES_CSV.open(encoding="utf-8", newline="") as handle,
                conn.cursor().copy("copy eval_rules from stdin") as copy,
            ):
                for row in csv.DictReader(handle):
                    copy.write_row([v or None for v in row.values()])
            rows = conn.execute(sql).fetchall()
        finally:
            conn.rollback()
    by_id = {x.id: x for x in items}
    return [Scored(by_id[i], category, fingerprint, normalised) for i, category, _, fingerprint, normalised in rows]


@dataclass(frozen=True)
class Scores:
    messages: int
    groups: int
    category_accuracy: float
    per_category: dict[str, tuple[int, int]]  # category -> (right, total)
    pairwise_precision: float
    pairwise_recall: float
    uncategorized: int


def score(results: list[Scored]) -> Scores:
    right = Counter(r.item.category for r in results if r.category == r.item.category)
    total = Counter(r.item.category for r in results)
    tp = fp = fn = 0
    for a, b in itertools.combinations(results, 2):
        same_truth, same_fingerprint = a.item.group == b.item.group, a.fingerprint == b.fingerprint
        tp += same_truth and same_fingerprint
        fp += same_fingerprint and not same_truth
        fn += same_truth and not same_fingerprint
    return Scores(
        messages=len(results),
        groups=len({r.item.group for r in results}),
        category_accuracy=sum(right.values()) / len(results),
        per_category={c: (right[c], total[c]) for c in sorted(total)},
        pairwise_precision=tp / (tp + fp) if tp + fp else 1.0,
        pairwise_recall=tp / (tp + fn) if tp + fn else 1.0,
        uncategorized=sum(r.category == "uncategorized" for r in results),
    )
