"""The loops' dispatched macros give on Spark what they give on Postgres (issue 24, equal marts).

Every `postgres__` macro of the six loop folders (dbt_project/macros/{acquisition,billing,product,reliability,
scorecard,support}) has a `spark__` twin. Both are compiled by dbt from the project's own macros (one
`dbt compile --inline` per adapter, in a throwaway project holding the macros and the project's vars, so no
model of the project has to build on Spark for this), run over the same inputs on a real Postgres and on a
local Spark session, and compared row for row. The inputs are realistic: the reliability loop's labelled error
sets and a generated world's errors, tickets, referrers and survey answers, the hand-written tickets, and
every pattern of the rule seeds.
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.sample_data.generate import generate_world
from tests.conftest import create_database, drop_database
from tests.dbt.support import REPO_ROOT, dbt_executable

pytestmark = pytest.mark.spark

RELIABILITY_TESTS = REPO_ROOT / "tests" / "reliability"
SUPPORT_TESTS = REPO_ROOT / "tests" / "support"
SEEDS = REPO_ROOT / "dbt_project" / "seeds"
MARK = "\n-- next query --\n"


def rule_match(value: str, pattern: str) -> str:
    """Jinja for a rule pattern's match: regex_matches, Postgres' `~*` on Postgres and spark_are_rlike on Spark."""
    return f"{{{{ regex_matches('{value}', '{pattern}') }}}}"


@dataclass(frozen=True)
class Table:
    """An input table, created the same on both engines: (column, Postgres type, Spark type) and rows."""

    name: str
    columns: Sequence[tuple[str, str, str]]
    rows: Sequence[Sequence[Any]]


# ---------------------------------------------------------------------------------------------------------------
# The inputs


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated world's landing files (the sample-data generator of `aias demo`)."""
    landing = tmp_path_factory.mktemp("spark_world") / "landing"
    generate_world(customers=400, days=60, out=landing, end=date(2026, 3, 31))
    return landing


def landing_rows(landing: Path, source: str) -> list[dict[str, str]]:
    return [row for path in sorted((landing / source).glob("*.csv")) for row in csv_rows(path)]


def error_messages(world: Path) -> list[dict[str, Any]]:
    """Every labelled error of the reliability tests and every error of the generated world."""
    paths = sorted(RELIABILITY_TESTS.glob("*.csv")) + sorted((RELIABILITY_TESTS / "heldout").glob("*.csv"))
    rows = [row for path in paths for row in csv_rows(path)] + landing_rows(world, "app_errors")
    # White space Postgres counts (U+2003, U+2028, U+3000) and does not (the no-break U+00A0).
    rows += [
        {"error_class": "TimeoutError", "message": message, "http_status": ""}
        for message in (
            "Timeout after 30\u2003s\u2028while calling https://api.example.com/v1/orders ",
            "connection refused\u3000(retry 3 of 5)\u00a0giving up.\u2029",
        )
    ]
    return [
        {"error_class": r["error_class"], "message": r["message"],
         "http_status": int(r["http_status"]) if r["http_status"] else None}
        for r in rows
    ]  # fmt: skip


def tickets(world: Path) -> list[tuple[str, str]]:
    """(subject, body) of the hand-written and held-out tickets, the generated world's, and mail-shaped ones."""
    found = []
    for path in [SUPPORT_TESTS / "handwritten_tickets.yml", *sorted((SUPPORT_TESTS / "heldout").glob("*.yml"))]:
        found += [(t.get("s"), t.get("b")) for t in yaml.safe_load(path.read_text(encoding="utf-8"))["tickets"]]
    found += [(r["subject"], r["body"]) for r in landing_rows(world, "support_tickets")]
    found += [
        (
            "Login broken",
            "I can’t log in since Monday.\n\nOn Tue, 3 Mar 2026, Support <s@x.io> wrote:\n> did you reset?",
        ),
        ("Rechnung", "Die Rechnung ist doppelt.\n\nAm 03.03.2026 schrieb Support <s@x.de>:\n> Hallo"),
        ("Factura", "No puedo pagar.\n-- \nJuan\nEnviado desde mi iPhone"),
        ("Facture", "Le paiement échoue.\nLe 3 mars 2026, Support a écrit :\n> Bonjour"),
        ("Export", "> quoted first line\nplease export my data\n\n-----Original Message-----\nFrom: x"),
        ("Re: API", "429 from /v1/orders\nFrom: Support <s@x.io>\nSent: Monday\nold thread"),
        ("CONFIDENTIAL", "crash on save\nThis e-mail and any attachment is Confidential.\nsecret"),
        ("Mixed ‘quotes’", "It doesn’t work\r\n\r\nSent from my iPhone\r\n"),
        (None, None),
        ("", "   \n\t"),
    ]
    return found


def survey_evidence(seed: int = 24) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Channels and evidence for the survey EM, shaped as int_acquisition__survey_calibration makes them: per
    attribution model its channels' tracked answer mix, and per channel and answer rule its answer share and
    the unattributed answerers of the rule. One model has no evidence (it stays at iteration 0), and one
    channel of each model has no evidence row (its share goes to 0)."""
    rng = random.Random(seed)
    channels, evidence = [], []
    rules = ["ad", "blog", "friend", "google", "linkedin", "newsletter", "podcast", "search"]
    for model in ("first_touch", "last_touch", "last_non_direct", "linear", "without_evidence"):
        mix = [rng.random() for _ in range(6)]
        channels += [(model, n, Decimal(f"{m / sum(mix):.6f}")) for n, m in enumerate(mix, 1)]
        if model == "without_evidence":
            continue
        answerers = {rule: float(rng.randint(0, 40)) for rule in rules}
        informative = sum(answerers.values())
        for n in range(1, 6):
            weights = [rng.random() ** 3 for _ in rules]
            evidence += [
                (model, n, rule, w / sum(weights), answerers[rule], informative)
                for rule, w in zip(rules, weights, strict=True)
            ]
    return channels, evidence


def rule_rows(path: Path, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    def value(row: dict[str, str], column: str) -> Any:
        text = row[column]
        return (int(text) if text else None) if column in {"version", "priority", "status_min", "status_max"} else text

    return [tuple(value(row, column) for column in columns) for row in csv_rows(path)]


# ---------------------------------------------------------------------------------------------------------------
# The engines


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session for the module (it takes about 10 s to start)."""
    from pyspark.sql import SparkSession

    folder = tmp_path_factory.mktemp("spark_session")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("aias-loop-macros")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(folder / "warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={folder}")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def postgres(pg_server: ConnectionSettings) -> Iterator[ConnectionSettings]:
    settings = create_database(pg_server, prefix="aias_spark_loops")
    yield settings
    drop_database(pg_server, settings)


@pytest.fixture(scope="module")
def macro_project(tmp_path_factory: pytest.TempPathFactory, postgres: ConnectionSettings) -> Path:
    """A dbt project of the repository's macros and vars only, with a Postgres and a Spark (session) target."""
    folder = tmp_path_factory.mktemp("macro_project")
    shutil.copytree(REPO_ROOT / "dbt_project" / "macros", folder / "macros")
    project = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())
    (folder / "dbt_project.yml").write_text(yaml.safe_dump({
        "name": project["name"], "version": project["version"], "config-version": 2, "profile": "loops",
        "macro-paths": ["macros"], "vars": project["vars"],
        "flags": {"send_anonymous_usage_stats": False, "partial_parse": False},
    }))  # fmt: skip
    (folder / "profiles.yml").write_text(yaml.safe_dump({"loops": {"target": "postgres", "outputs": {
        "postgres": {"type": "postgres", "host": postgres.host, "port": postgres.port, "user": postgres.user,
                     "password": postgres.password, "dbname": postgres.dbname, "schema": "public", "threads": 1},
        "spark": {"type": "spark", "method": "session", "host": "NA", "schema": "loops", "threads": 1},
    }}}))  # fmt: skip
    return folder


def compile_queries(project: Path, target: str, queries: Sequence[str]) -> list[str]:
    """The queries as dbt compiles them for target (one compile, the queries split again on MARK)."""
    done = subprocess.run(
        [dbt_executable(), "compile", "--quiet", "--no-populate-cache", "--target", target,
         "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(project / f"target_{target}"), "--log-path", str(project / "logs"),
         "--inline", MARK.join(queries)],
        capture_output=True, text=True, cwd=project, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    compiled = done.stdout.strip().split(MARK.strip())
    assert len(compiled) == len(queries), done.stdout[-2000:]
    return [sql.strip() for sql in compiled]


class Engines:
    """The same tables on Postgres (one connection, temporary tables) and Spark (temporary views)."""

    def __init__(self, conn: psycopg.Connection, spark: Any) -> None:
        self.conn, self.spark = conn, spark

    def load(self, table: Table) -> None:
        self.conn.execute(f"drop table if exists {table.name}")
        self.conn.execute(
            f"create temporary table {table.name} ({', '.join(f'{c} {pg}' for c, pg, _ in table.columns)})"
        )
        with self.conn.cursor().copy(f"copy {table.name} from stdin") as copy:
            for row in table.rows:
                copy.write_row(row)
        schema = ", ".join(f"{c} {sp}" for c, _, sp in table.columns)
        self.spark.createDataFrame([tuple(row) for row in table.rows], schema).createOrReplaceTempView(table.name)

    def postgres(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.conn.execute(sql).fetchall()]

    def on_spark(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(sql).collect()]


@pytest.fixture(scope="module")
def engines(postgres: ConnectionSettings, spark: Any) -> Iterator[Engines]:
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        yield Engines(conn, spark)


def differences(on_postgres: list[tuple[Any, ...]], on_spark: list[tuple[Any, ...]], label: str) -> str:
    """'' when equal; else the row counts and the first differing rows, each engine's value side by side."""
    if on_postgres == on_spark:
        return ""
    lines = [f"{label}: {len(on_postgres)} rows on Postgres, {len(on_spark)} on Spark"]
    shown = 0
    for pg_row, spark_row in zip(on_postgres, on_spark, strict=False):
        if pg_row != spark_row and shown < 8:
            lines += [f"  postgres {pg_row!r}", f"  spark    {spark_row!r}"]
            shown += 1
    lines.append(f"  {sum(a != b for a, b in zip(on_postgres, on_spark, strict=False))} rows differ")
    return "\n".join(lines)


def compare(engines: Engines, project: Path, queries: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    """Each query compiled for both adapters and run on both engines; fails naming every difference. Returns
    the Postgres rows (a later input may be built from them)."""
    names = list(queries)
    postgres_sql = compile_queries(project, "postgres", list(queries.values()))
    spark_sql = compile_queries(project, "spark", list(queries.values()))
    found, failures = {}, []
    for name, pg_sql, sp_sql in zip(names, postgres_sql, spark_sql, strict=True):
        found[name] = engines.postgres(pg_sql)
        if message := differences(found[name], engines.on_spark(sp_sql), name):
            failures.append(message)
    assert not failures, "\n".join(failures)
    return found


# ---------------------------------------------------------------------------------------------------------------
# The tests


def test_error_normaliser_trace_frames_and_categories(engines: Engines, macro_project: Path, world: Path) -> None:
    """Every normaliser version and the trace frames give the same texts, and the category rules the same
    category and rule to every signature, whatever the seed version: the fingerprints are the same."""
    errors = error_messages(world)
    engines.load(Table(
        "eval_messages",
        [("id", "integer", "int"), ("error_class", "text", "string"), ("message", "text", "string"),
         ("http_status", "integer", "int")],
        [(i, e["error_class"], e["message"], e["http_status"]) for i, e in enumerate(errors)],
    ))  # fmt: skip
    found = compare(engines, macro_project, {
        "normalised messages": "select m.id, "
        + ", ".join(f"{{{{ normalise_error_message('m.message', {v}) }}}} as v{v}" for v in (1, 2, 3, 4))
        + " from eval_messages as m order by m.id",
        "trace frames": "select m.id, {{ error_trace_frames('m.message') }} as innermost_two,"
        " {{ error_trace_frames('m.message', 5) }} as innermost_five from eval_messages as m order by m.id",
    })  # fmt: skip
    normalised = found["normalised messages"]
    assert len(normalised) == len(errors) > 3000
    assert sum(row[4] != errors[row[0]]["message"] for row in normalised) > 0.9 * len(errors)
    assert sum(row[1] is not None for row in found["trace frames"]) > 20

    columns = ["version", "priority", "category", "class_pattern", "message_pattern", "status_min", "status_max"]
    rules = rule_rows(SEEDS / "reliability" / "error_category_rules.csv", columns)
    engines.load(Table(
        "eval_rules",
        [("version", "integer", "int"), ("priority", "integer", "int"), ("category", "text", "string"),
         ("class_pattern", "text", "string"), ("message_pattern", "text", "string"),
         ("status_min", "integer", "int"), ("status_max", "integer", "int")],
        rules,
    ))  # fmt: skip
    signatures = sorted(
        {(errors[i]["error_class"], v4, errors[i]["http_status"]) for i, *_, v4 in normalised},
        key=lambda s: (s[0], s[1], -1 if s[2] is None else s[2]),
    )
    engines.load(Table(
        "eval_signatures",
        [("error_class", "text", "string"), ("normalised_message", "text", "string"),
         ("http_status", "integer", "int")],
        signatures,
    ))  # fmt: skip
    versions = sorted({r[0] for r in rules})
    categorised = compare(engines, macro_project, {
        **{
            f"categories under rules version {v}": f"with rules as (select * from eval_rules where version = {v}),"
            " categorised as ({{ categorise_signatures('eval_signatures', 'rules') }})"
            " select error_class, normalised_message, http_status, rule_priority, category from categorised"
            " order by error_class, normalised_message, http_status nulls last"
            for v in versions
        },
        # Every (signature, rule) pair: the rules' patterns themselves, not only each signature's winner.
        "every rule pattern on every signature": "select s.error_class, s.normalised_message, s.http_status,"
        " r.version, r.priority from eval_signatures as s cross join eval_rules as r where"
        " (coalesce(r.class_pattern, '') <> '' or coalesce(r.message_pattern, '') <> '') and"
        " (coalesce(r.class_pattern, '') = '' or " + rule_match("s.error_class", "r.class_pattern") + ") and"
        " (coalesce(r.message_pattern, '') = '' or " + rule_match("s.normalised_message", "r.message_pattern") + ")"
        " order by 1, 2, 3 nulls last, 4, 5",
    })  # fmt: skip
    newest = categorised[f"categories under rules version {versions[-1]}"]
    assert len(newest) == len(signatures)
    assert sum(row[4] != "uncategorized" for row in newest) > 0.8 * len(newest)


def test_ticket_rule_text_and_ticket_rules(engines: Engines, macro_project: Path, world: Path) -> None:
    """The ticket rules read the same text on both engines (reply headers, quoted lines and signatures cut
    alike), and every rule of every seed version matches the same tickets."""
    texts = tickets(world)
    engines.load(Table(
        "eval_tickets", [("id", "integer", "int"), ("subject", "text", "string"), ("body", "text", "string")],
        [(i, s, b) for i, (s, b) in enumerate(texts)],
    ))  # fmt: skip
    rule_texts = compare(
        engines,
        macro_project,
        {
            "ticket rule texts": "select t.id, {{ ticket_rule_text('t.subject', 't.body') }} as rule_text"
            " from eval_tickets as t order by t.id",
        },
    )["ticket rule texts"]
    assert len(rule_texts) == len(texts) > 300
    by_id = dict(rule_texts)
    assert by_id[len(texts) - 10] == "login broken\ni can't log in since monday."
    assert by_id[len(texts) - 3] == "mixed 'quotes'\nit doesn't work"

    columns = ["version", "rule_id", "priority", "category", "pattern"]
    engines.load(Table(
        "eval_ticket_rules",
        [("version", "integer", "int"), ("rule_id", "text", "string"), ("priority", "integer", "int"),
         ("category", "text", "string"), ("pattern", "text", "string")],
        rule_rows(SEEDS / "support" / "ticket_rules.csv", columns),
    ))  # fmt: skip
    engines.load(Table("eval_rule_texts", [("id", "integer", "int"), ("rule_text", "text", "string")], rule_texts))
    matches = compare(
        engines,
        macro_project,
        {
            "ticket rule matches": "select t.id, r.version, r.rule_id from eval_rule_texts as t"
            " cross join eval_ticket_rules as r where " + rule_match("t.rule_text", "r.pattern") + ""
            " order by t.id, r.version, r.rule_id",
        },
    )["ticket rule matches"]
    assert len({(row[0]) for row in matches}) > 0.7 * len(texts)


def test_acquisition_and_scorecard_macros(engines: Engines, macro_project: Path, world: Path) -> None:
    """answer_words, normalize_domain, ordered_list and the survey EM give the same values."""
    answers = [r["answer"] for r in csv_rows(REPO_ROOT / "tests" / "acquisition" / "heard_about_us_evaluation.csv")]
    answers += [r["heard_about_us"] for r in landing_rows(world, "customers")] + ["-", "?", "  ", "", "ÜBER Google!!"]
    engines.load(Table("eval_answers", [("id", "integer", "int"), ("answer", "text", "string")],
                       [(i, a) for i, a in enumerate(answers)]))  # fmt: skip
    referrers = [r["referrer_domain"] for r in landing_rows(world, "touchpoints")] + [
        "https://WWW.News.example.com:443/a?b=1",
        "wwwexample.com",
        " HTTP://www.x.io ",
        "//x",
        "",
        None,
        "android-app://com.google.android.gm/",
        "https://t.co/abc\nline",
        "www.",
        "a.b.c#frag",
    ]
    engines.load(Table("eval_referrers", [("id", "integer", "int"), ("referrer", "text", "string")],
                       [(i, r) for i, r in enumerate(referrers)]))  # fmt: skip
    engines.load(Table(
        "eval_top_issues",
        [("month_start", "date", "date"), ("issue_rank", "integer", "int"), ("category", "text", "string")],
        [(date(2026, 1, 1), 3, "how_to"), (date(2026, 1, 1), 1, "billing"), (date(2026, 1, 1), 2, "api_errors"),
         (date(2026, 2, 1), 1, None), (date(2026, 2, 1), 2, "performance"), (date(2026, 3, 1), 1, None)],
    ))  # fmt: skip
    channels, evidence = survey_evidence()
    engines.load(Table(
        "eval_channels",
        [("attribution_model", "text", "string"), ("channel_number", "integer", "int"),
         ("tracked_answer_mix", "numeric", "decimal(38, 6)")],
        channels,
    ))  # fmt: skip
    engines.load(Table(
        "eval_evidence",
        [("attribution_model", "text", "string"), ("channel_number", "integer", "int"),
         ("answer_rule", "text", "string"), ("answer_share", "float", "double"), ("answerers", "float", "double"),
         ("informative_answerers", "float", "double")],
        evidence,
    ))  # fmt: skip
    share = (
        "{{ 'element_at(em.shares, channels.channel_number)' if target.type == 'spark'"
        " else 'em.shares[channels.channel_number]' }}"
    )
    found = compare(engines, macro_project, {
        "answer words": "select a.id, {{ answer_words('a.answer') }} from eval_answers as a order by a.id",
        "referrer domains": "select r.id, {{ normalize_domain('r.referrer') }} from eval_referrers as r order by r.id",
        "ordered lists": "select month_start, {{ ordered_list('category', 'issue_rank') }} as categories"
        " from eval_top_issues group by month_start order by month_start",
        # The EM's iterations and shares, rounded as the model stores them (8 places); the change to 15 digits.
        "survey EM": "with recursive channels as (select * from eval_channels),"
        " evidence as (select * from eval_evidence), {{ survey_mixture_em('channels', 'evidence') }}"
        " select attribution_model, count(*), max(iteration), min(change) > 0"
        " from em group by attribution_model order by attribution_model",
        "survey EM shares": "with recursive channels as (select * from eval_channels),"
        " evidence as (select * from eval_evidence), {{ survey_mixture_em('channels', 'evidence') }}"
        " select em.attribution_model, em.iteration, channels.channel_number,"
        f" round(cast({share} as numeric(38, 12)), 8)"
        " from em inner join channels on em.attribution_model = channels.attribution_model"
        " where em.iteration in (0, 1, 2, 10) or em.iteration = (select max(last.iteration) from em as last"
        " where last.attribution_model = em.attribution_model) order by 1, 2, 3",
    })  # fmt: skip
    assert ("2026-01-01", "billing, api_errors, how_to") in [(str(m), c) for m, c in found["ordered lists"]]
    assert found["referrer domains"][len(referrers) - 10 :][0][1] == "news.example.com"
    iterations = {model: last for model, _, last, _ in found["survey EM"]}
    assert iterations["without_evidence"] == 0 and min(iterations.values()) == 0 < max(iterations.values())


def test_a_planted_difference_is_named() -> None:
    """The comparison names the rows that differ, each engine's value side by side, and passes equal rows."""
    same = [(1, "load session <id>: expired"), (2, None)]
    planted = [(1, "load session <id>_<id>: expired"), (2, None)]
    assert differences(same, list(same), "normalised messages") == ""
    assert differences(same, planted, "normalised messages").splitlines() == [
        "normalised messages: 2 rows on Postgres, 2 on Spark",
        "  postgres (1, 'load session <id>: expired')",
        "  spark    (1, 'load session <id>_<id>: expired')",
        "  1 rows differ",
    ]
