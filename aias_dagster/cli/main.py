"""The `aias` command: demo, generate, load, build, run, ui, collect, docs, dashboards, prepare, db.

A mistake in the command line (a date that is not a date, a range outside the partitions, a negative
count) is answered with one line naming the option and what it expects, never a traceback.
"""

from __future__ import annotations

import argparse
import calendar
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from aias_dagster.cli.analyst import DEFAULT_LOGIN, login_name
from aias_dagster.platform.warehouse import (
    DATABASE_URL_ENV,
    LANDING_DIR_ENV,
    ConnectionSettings,
    aias_home,
    project_root,
)

# sample_data.tracking.TRACKING_LOSS_MODES, default first; named here so that `aias --help` needs no numpy.
TRACKING_LOSS_CHOICES: tuple[str, ...] = ("channel", "uniform")

DEFAULT_CUSTOMERS = 2000
DEFAULT_DAYS = 90
DEFAULT_SEED = 7


def say(text: str) -> None:
    print(text, flush=True)


def iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: {why_not_a_day(text)}") from None


def why_not_a_day(text: str) -> str:
    """The format for a malformed date; for a well-formed one that does not exist, why it does not."""
    parts = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not parts:
        return "expected YYYY-MM-DD"
    year, month, _day = (int(part) for part in parts.groups())
    if not 1 <= month <= 12:
        return f"no such date: there is no month {month:02d}"
    return f"no such date: {year}-{month:02d} has {calendar.monthrange(year, month)[1]} days"


def iso_month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: expected YYYY-MM") from None


def at_least(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}, got {value}")
        return value

    return parse


class Parser(argparse.ArgumentParser):
    """argparse, answering a mistake with one line (`aias load: error: --from 2026-13-01: expected YYYY-MM-DD`)."""

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"^argument (\S+?)(/\S+)?: ", r"\1 ", message)
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _settings() -> ConnectionSettings:
    from aias_dagster.platform.warehouse import warehouse_settings

    settings = warehouse_settings()
    where = "AIAS_DATABASE_URL" if os.environ.get(DATABASE_URL_ENV) else f"embedded, data in {aias_home() / 'pgdata'}"
    say(f"database: {settings.describe()} ({where}); connect with: {settings.psql_command()}")
    return settings


def _landing(args: argparse.Namespace) -> Path:
    """The landing folder of this command, also for the runs it launches (they read AIAS_LANDING_DIR)."""
    from aias_dagster.platform.resources import default_landing_dir

    landing = Path(args.landing).resolve() if getattr(args, "landing", None) else default_landing_dir()
    os.environ[LANDING_DIR_ENV] = str(landing)
    return landing


def _runner(settings: ConnectionSettings, landing: Path, log_path: Path):  # type: ignore[no-untyped-def]
    from aias_dagster.ingest.partitions import landing_partitions
    from aias_dagster.orchestration.runs import CodeLocationRunner
    from aias_dagster.transform.project import apply_dbt_environment, ensure_manifest

    ensure_manifest()
    apply_dbt_environment(settings)
    os.environ[DATABASE_URL_ENV] = settings.url  # the launched run resolves the same database
    return CodeLocationRunner(settings, landing_partitions(landing), log_path, say)


def cmd_demo(args: argparse.Namespace) -> int:
    from aias_dagster.cli.demo import run_demo
    from aias_dagster.platform.partitions import yesterday_utc
    from aias_dagster.sample_data.landing_world import WorldSpec

    settings = _settings()
    spec = WorldSpec(
        args.customers, args.days, args.seed, (args.end or yesterday_utc()).isoformat(), args.tracking_loss
    )
    run_demo(settings, _landing(args), spec, say)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from aias_dagster.sample_data import generate_world

    started = time.monotonic()
    summary = generate_world(
        customers=args.customers,
        days=args.days,
        seed=args.seed,
        out=Path(args.out),
        truth_out=Path(args.truth_out) if args.truth_out else None,
        end=args.end,
        bad_rows=args.bad_rows,
        gzip=args.gzip,
        tracking_loss=args.tracking_loss,
        progress=say,
    )
    for line in summary.lines():
        say(line)
    say(f"aias generate: done in {time.monotonic() - started:.1f}s")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from aias_dagster.cli.demo import run_log_path
    from aias_dagster.cli.summary import format_counts, format_ignored, source_counts
    from aias_dagster.ingest.contract import SOURCE_NAMES
    from aias_dagster.ingest.landing import delivery_days
    from aias_dagster.orchestration.runs import load_range
    from aias_dagster.platform.engine import Engine, current_engine
    from aias_dagster.platform.warehouse import connect

    settings = _settings()
    landing = _landing(args)
    days = sorted({d for s in SOURCE_NAMES for d in delivery_days(landing, s)})
    if not days:
        say(f"aias load: no landing files under {landing} (expected <source>/<YYYY-MM-DD>.csv)")
        return 1
    first, last = args.date_from or days[0], args.date_to or days[-1]
    log = run_log_path()
    say(f"loading delivery days {first}..{last} from {landing} (job ingest, one run; log {log})")
    outcome = load_range(_runner(settings, landing, log), first, last)
    with connect(settings) as conn:
        say(format_counts(source_counts(conn, with_staging=current_engine() is Engine.POSTGRES)))
    if ignored := format_ignored(outcome.loader_metadata):
        say(ignored)
    say(f"aias load: run {outcome.run_id} done; rejected rows are in raw.load_rejects")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from aias_dagster.cli.demo import run_log_path
    from aias_dagster.ingest.partitions import landing_partitions
    from aias_dagster.orchestration.runs import check_days, run_days
    from aias_dagster.platform.partitions import yesterday_utc

    if args.job == "billing":
        return cmd_run_billing(args)
    landing = _landing(args)
    first = args.date_from or yesterday_utc()
    last = args.date_to or first
    check_days(landing_partitions(landing), first, last)  # a mistake is answered before anything starts
    settings = _settings()
    log = run_log_path()
    runner = _runner(settings, landing, log)
    say(f"job {args.job}: delivery days {first}..{last} as one run (log {log})")
    outcome = run_days(runner, args.job, first, last)
    say(f"aias run {args.job}: run {outcome.run_id} succeeded; {outcome.describe()}")
    return 0


def cmd_run_billing(args: argparse.Namespace) -> int:
    """Close a month (default: the newest whose grace period has ended), then print the billing report."""
    from datetime import UTC, datetime

    from aias_dagster.billing.cli import close_run, describe_close, last_closable_month, run_close
    from aias_dagster.billing.report import report
    from aias_dagster.billing.settings import grace_days
    from aias_dagster.cli.demo import run_log_path
    from aias_dagster.platform.warehouse import connect

    month = args.month or last_closable_month(datetime.now(UTC), grace_days())
    close_run(month, args.force)  # refuses before launching anything
    settings = _settings()
    runner = _runner(settings, _landing(args), run_log_path())
    outcome = run_close(runner, month, args.force, say)
    say(f"aias run billing: run {outcome.run_id} succeeded; {describe_close(outcome.metadata, month)}")
    with connect(settings) as conn:
        say(report(conn))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from aias_dagster.cli.demo import run_log_path
    from aias_dagster.orchestration.runs import build_models

    settings = _settings()
    landing = _landing(args)
    log = run_log_path()
    say(f"dbt build of the daily models (job transform; log {log})")
    outcome = build_models(_runner(settings, landing, log), args.date_from, args.date_to, args.full_refresh)
    say(f"aias build: {outcome.describe()} (run {outcome.run_id})")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    """The dbt manifest, then the code location loaded once: a broken definition fails here rather than in a run,
    and the processes after it (the suite's, the demo's) find Dagster, dbt and the loops' modules compiled."""
    from aias_dagster.transform.project import prepare_manifest

    say(f"aias prepare: dbt manifest at {prepare_manifest()}")
    from aias_dagster.definitions import build_definitions

    repository = build_definitions().get_repository_def()
    say(f"aias prepare: the code location loads ({len(repository.asset_graph.get_all_asset_keys())} assets,"
        f" {len(repository.get_all_jobs())} jobs)")  # fmt: skip
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    if args.stop:
        return stop_database()
    settings = _settings()
    if args.analyst:
        from aias_dagster.cli.analyst import print_analyst_login

        return print_analyst_login(settings, args.name, say)
    return 0


def stop_database() -> int:
    """`aias db --stop`: the embedded server only; a server named by AIAS_DATABASE_URL is not ours to stop."""
    from aias_dagster.platform.warehouse import stop_embedded_server

    if os.environ.get(DATABASE_URL_ENV):
        print(f"aias db: error: --stop stops the embedded Postgres; ${DATABASE_URL_ENV} names another server,"
              " which aias leaves running", file=sys.stderr)  # fmt: skip
        return 1
    data_dir = aias_home() / "pgdata"
    if stop_embedded_server(data_dir):
        say(f"aias db: stopped the embedded Postgres (data kept in {data_dir}; any aias command starts it again)")
    else:
        say(f"aias db: the embedded Postgres in {data_dir} is not running")
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from aias_dagster.cli.ui import dagster_dev_command, serve_ui
    from aias_dagster.platform.instance import prepare_dagster_home
    from aias_dagster.transform.project import apply_dbt_environment, ensure_manifest

    settings = _settings()
    _landing(args)
    ensure_manifest()
    prepare_dagster_home(settings)
    apply_dbt_environment(settings)
    os.environ[DATABASE_URL_ENV] = settings.url
    # Alerts link to this UI unless AIAS_UI_URL names another (a proxy, a public host name).
    os.environ.setdefault("AIAS_UI_URL", f"http://{args.host}:{args.port}")
    command = dagster_dev_command(sys.executable, str(project_root() / "workspace.yaml"), args.host, args.port)
    if not args.collect_port:
        return serve_ui(command, f"http://{args.host}:{args.port}", say)
    from aias_dagster.collect.server import collector_beside

    # The SDKs' intake beside Dagster, so events sent now reach the marts by the loops' sensors.
    with collector_beside(settings.url, aias_home(), project_root(), args.host, args.collect_port, say):
        return serve_ui(command, f"http://{args.host}:{args.port}", say)


def cmd_collect(args: argparse.Namespace) -> int:
    from aias_dagster.collect.server import serve

    settings = _settings()
    serve(settings.url, aias_home(), project_root(), args.host, args.port, say)
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from aias_dagster.transform.docs import DocsError, docs_server, generate_docs, server_url

    settings = _settings()
    say("dbt docs generate (into target/docs; Dagster's target/manifest.json stays as it is)")
    try:
        site = generate_docs(settings)
        server = docs_server(site.folder, args.host, args.port)
    except DocsError as exc:
        print(f"aias docs: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"aias docs: error: cannot listen on {args.host}:{args.port} ({exc}); pass --port", file=sys.stderr)
        return 1
    say(f"dbt docs on {server_url(server)}: {site.describe()} (Ctrl-C stops)")
    with server:
        server.serve_forever()
    return 0


def cmd_dashboards(args: argparse.Namespace) -> int:
    from aias_dagster.dashboards.serve import SiteMissingError, require_site, server_url, site_server
    from aias_dagster.dashboards.settings import default_site_dir

    site = default_site_dir()
    if args.build:
        from aias_dagster.cli.demo import run_log_path
        from aias_dagster.dashboards.jobs import DASHBOARDS_JOB

        settings = _settings()
        log = run_log_path()
        say(f"rebuilding every page from the marts as they are (job {DASHBOARDS_JOB}; log {log})")
        outcome = _runner(settings, _landing(args), log).run(DASHBOARDS_JOB, {}, None)
        say(f"  run {outcome.run_id}: {len(outcome.materialized)} pages built")
    try:
        require_site(site)
        server = site_server(site, args.host, args.port)
    except SiteMissingError as exc:
        print(f"aias dashboards: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"aias dashboards: error: cannot listen on {args.host}:{args.port} ({exc}); pass --port", file=sys.stderr)
        return 1
    say(f"dashboards on {server_url(server)} (site {site}; Ctrl-C stops)")
    with server:
        server.serve_forever()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="aias",
        description="aias-loops: the five business feedback loops on Dagster + dbt + Postgres. "
        f"Uses ${DATABASE_URL_ENV} when set, else an embedded Postgres under .aias/.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)

    def world_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--customers", type=at_least(1), default=DEFAULT_CUSTOMERS,
                       help="customers in the world, at least 1 (default %(default)s)")  # fmt: skip
        p.add_argument("--days", type=at_least(1), default=DEFAULT_DAYS,
                       help="days of history, at least 1 (default %(default)s)")  # fmt: skip
        p.add_argument("--seed", type=int, default=DEFAULT_SEED,
                       help="random seed; same seed, same files (default %(default)s)")  # fmt: skip
        p.add_argument("--end", type=iso_day, default=None, help="last day YYYY-MM-DD (default: yesterday, UTC)")
        p.add_argument("--tracking-loss", choices=TRACKING_LOSS_CHOICES, default=TRACKING_LOSS_CHOICES[0],
                       help="channel: each customer lost to tracking at random, at its channel's rate (5-45 %%);"
                            " uniform: 18 %% of every channel and month, stratified (default %(default)s)")  # fmt: skip

    def landing_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--landing", help="landing folder (default $AIAS_LANDING_DIR or .aias/landing)")

    def range_options(p: argparse.ArgumentParser, first: str, last: str) -> None:
        p.add_argument(
            "--from", dest="date_from", type=iso_day, help=f"first delivery day YYYY-MM-DD (default: {first})"
        )
        p.add_argument("--to", dest="date_to", type=iso_day, help=f"last delivery day YYYY-MM-DD (default: {last})")

    demo = sub.add_parser("demo", help="generate sample data, load it, build every model, print a summary")
    world_options(demo)
    landing_option(demo)
    demo.set_defaults(func=cmd_demo)

    gen = sub.add_parser("generate", help="write a deterministic sample world as landing files")
    world_options(gen)
    gen.add_argument("--out", required=True, help="landing folder to write <source>/<day>.csv into")
    gen.add_argument("--truth-out", help="ground-truth folder (default: <out>/../ground_truth)")
    gen.add_argument("--bad-rows", action="store_true", help="mix in malformed rows of every kind")
    gen.add_argument("--gzip", action="store_true", help="write .csv.gz files")
    gen.set_defaults(func=cmd_generate)

    load = sub.add_parser("load", help="load landing files into raw (a Dagster run of job `ingest`)")
    landing_option(load)
    range_options(load, "the oldest file", "the newest file")
    load.set_defaults(func=cmd_load)

    run = sub.add_parser(
        "run", help="run a partitioned job over delivery days (default: yesterday), e.g. a backfill of the nightly job"
    )
    run.add_argument(
        "job", choices=["nightly", "ingest", "billing"],
        help="nightly: load the days and build the daily models; ingest: only load the days;"
        " billing: close a month (--month)",
    )  # fmt: skip
    range_options(run, "yesterday", "--from")
    run.add_argument(
        "--month", type=iso_month, help="billing: the month to close, YYYY-MM (default: the last one past its grace)"
    )
    run.add_argument("--force", action="store_true", help="billing: close the month before its grace period ends")
    landing_option(run)
    run.set_defaults(func=cmd_run)

    build = sub.add_parser("build", help="dbt build of the daily models and their tests (a Dagster run of `transform`)")
    range_options(build, "the first partition", "the last")
    landing_option(build)
    build.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from all of raw")
    build.set_defaults(func=cmd_build)

    prepare = sub.add_parser("prepare", help="build the dbt manifest ahead of time (dbt parse)")
    prepare.set_defaults(func=cmd_prepare)

    db = sub.add_parser("db", help="start the embedded database if needed and print how to connect")
    db.add_argument("--analyst", action="store_true", help="print how to create a login that reads marts only")
    db.add_argument("--name", type=login_name, default=DEFAULT_LOGIN, help="the login's name (default %(default)s)")
    db.add_argument("--stop", action="store_true", help="stop the embedded database (its data stays)")
    db.set_defaults(func=cmd_db)

    ui = sub.add_parser("ui", help="Dagster webserver and daemon over workspace.yaml")
    ui.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s: this machine only)")
    ui.add_argument("--port", type=at_least(1, 65535), default=3000, help="port to listen on (default %(default)s)")
    ui.add_argument("--collect-port", type=at_least(0, 65535), default=8070,
                    help="port of `aias collect`, beside Dagster on --host (default %(default)s; 0: none)")  # fmt: skip
    landing_option(ui)
    ui.set_defaults(func=cmd_ui)

    collect = sub.add_parser("collect", help="HTTP intake for Segment-spec events and Sentry envelopes (SDKs)")
    collect.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default %(default)s: this machine only)")  # fmt: skip
    collect.add_argument("--port", type=at_least(1, 65535), default=8070, help="port (default %(default)s)")
    collect.set_defaults(func=cmd_collect)

    docs = sub.add_parser("docs", help="generate dbt docs against the pipeline's database and serve them over HTTP")
    docs.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    docs.add_argument("--port", type=at_least(0, 65535), default=8080,
                      help="port (default %(default)s; 0 picks a free one)")  # fmt: skip
    docs.set_defaults(func=cmd_docs)

    dash = sub.add_parser("dashboards", help="serve the dashboard site (built by the nightly and transform runs)")
    dash.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    dash.add_argument("--port", type=at_least(0, 65535), default=8090,
                      help="port (default %(default)s; 0 picks a free one)")  # fmt: skip
    dash.add_argument("--build", action="store_true", help="first rebuild every page from the marts as they are")
    landing_option(dash)
    dash.set_defaults(func=cmd_dashboards)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the one place that turns an error into a message and an exit code
        from aias_dagster.billing.close import MonthNotClosableError
        from aias_dagster.ingest.landing import LandingError
        from aias_dagster.orchestration.runs import PipelineError
        from aias_dagster.platform.loops import UnknownGroupError
        from aias_dagster.platform.partitions import PartitionsStartError
        from aias_dagster.transform.project import ManifestMissingError

        if isinstance(
            exc,
            LandingError
            | PipelineError
            | ManifestMissingError
            | PartitionsStartError
            | UnknownGroupError
            | MonthNotClosableError,
        ):
            print(f"aias {args.command}: error: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
