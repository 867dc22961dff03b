"""Every good row obeys the contract; every bad row is exactly where the manifest says."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pandas as pd
from sample_world_checks import bad_lines, day_files, load, records, row_problems, truth

from aias_dagster.ingest.contract import SOURCES, get_source
from aias_dagster.sample_data import WorldSummary
from aias_dagster.sample_data.bad_rows import PROBLEMS

LATE_SOURCES = {"product_events": "occurred_at", "api_requests": "requested_at", "touchpoints": "occurred_at",
                "app_errors": "occurred_at"}  # fmt: skip


def _all_records(world: WorldSummary) -> dict[tuple[str, int], tuple[str, list[str]]]:
    found = {}
    for source in SOURCES:
        for path in day_files(world.out, source.name):
            for line, fields in records(path):
                found[(f"{source.name}/{path.name}", line)] = (source.name, fields)
    return found


def test_good_rows_satisfy_the_contract(small_world: WorldSummary, clean_world: WorldSummary) -> None:
    for world in (small_world, clean_world):
        skip = bad_lines(world.truth_out)
        for (where, line), (source, fields) in _all_records(world).items():
            if (where, line) not in skip:
                assert row_problems(get_source(source), fields) == [], (where, line, fields)


def test_bad_rows_manifest_points_at_the_bad_lines(small_world: WorldSummary) -> None:
    manifest = truth(small_world.truth_out, "bad_rows.csv")
    assert len(manifest) == small_world.bad_rows > 0
    every = _all_records(small_world)
    for entry in manifest.itertuples():
        source, fields = every[(entry.file, int(entry.line))]
        assert source == entry.source
        # exactly one defect, in the named field, of the named kind
        assert row_problems(get_source(source), fields) == [(entry.field, entry.problem)], entry
    invalid = {k for k, (s, fields) in every.items() if row_problems(get_source(s), fields)}
    assert invalid == bad_lines(small_world.truth_out)


def test_bad_rows_cover_every_problem_and_stay_rare(small_world: WorldSummary) -> None:
    manifest = truth(small_world.truth_out, "bad_rows.csv")
    kinds = Counter(manifest.problem)
    assert set(kinds) == set(PROBLEMS)
    assert min(kinds.values()) >= 3
    assert manifest.source.nunique() == len(SOURCES)
    assert manifest.file.str[-14:-4].nunique() > small_world.days // 2  # spread over days
    assert small_world.bad_rows <= 0.01 * small_world.total_rows + 3 * len(SOURCES)


def test_bad_rows_never_reuse_a_good_key(small_world: WorldSummary) -> None:
    manifest = truth(small_world.truth_out, "bad_rows.csv")
    every = _all_records(small_world)
    bad = {(e.file, int(e.line)) for e in manifest.itertuples()}
    for source in SOURCES:
        key_at = [source.column_names.index(k) for k in source.key]
        good_keys, bad_keys = set(), set()
        for where, (name, fields) in every.items():
            if name == source.name and len(fields) == len(source.columns):
                (bad_keys if where in bad else good_keys).add(tuple(fields[i] for i in key_at))
        assert not good_keys & bad_keys, source.name


def test_late_rows_are_delivered_in_a_later_file(clean_world: WorldSummary) -> None:
    first = clean_world.start.isoformat()
    last = clean_world.end.isoformat()
    for name, time_column in LATE_SOURCES.items():
        rows = load(clean_world.out, get_source(name))
        event_day = rows[time_column].str[:10]
        in_world = event_day >= first
        lag = (pd.to_datetime(rows["_file"]) - pd.to_datetime(event_day)).dt.days[in_world]
        assert set(lag.unique()) <= {0, 1, 2}, name
        share = (lag > 0).mean()
        assert 0.012 < share < 0.03, (name, share)
        assert (rows["_file"] <= last).all()
    for name in set(s.name for s in SOURCES) - set(LATE_SOURCES) - {"customers", "subscriptions", "support_tickets"}:
        rows = load(clean_world.out, get_source(name))
        assert (rows[get_source(name).event_time] == rows["_file"]).all(), name


def test_rows_before_the_world_go_to_the_first_file(clean_world: WorldSummary) -> None:
    touches = load(clean_world.out, get_source("touchpoints"))
    early = touches[touches.occurred_at.str[:10] < clean_world.start.isoformat()]
    assert len(early) > 0
    assert (early["_file"] == clean_world.start.isoformat()).all()
    assert (early.occurred_at.str[:10] >= (clean_world.start - timedelta(days=120)).isoformat()).all()
