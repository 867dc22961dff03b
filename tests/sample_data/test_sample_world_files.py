"""The landing folder's layout, determinism and the summary of ``generate_world``."""

from __future__ import annotations

import gzip
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sample_world_checks import day_files, header, records

from aias_dagster.ingest.contract import SOURCES
from aias_dagster.sample_data import WorldSummary, generate_world

END = date(2026, 3, 31)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    for run in ("a", "b"):
        generate_world(customers=120, days=10, seed=3, out=tmp_path / run / "landing", end=END, bad_rows=True)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_gzip_files_hold_the_same_bytes_and_are_reproducible(tmp_path: Path) -> None:
    for run in ("gz1", "gz2"):
        generate_world(customers=80, days=5, out=tmp_path / run / "landing", end=END, gzip=True)
    generate_world(customers=80, days=5, out=tmp_path / "plain" / "landing", end=END)
    zipped = _tree(tmp_path / "gz1" / "landing")
    assert zipped == _tree(tmp_path / "gz2" / "landing")  # no timestamp in the gzip header
    plain = _tree(tmp_path / "plain" / "landing")
    assert {name.removesuffix(".gz"): gzip.decompress(data) for name, data in zipped.items()} == plain


def test_different_seed_gives_different_world(tmp_path: Path) -> None:
    for seed in (1, 2):
        generate_world(customers=120, days=10, seed=seed, out=tmp_path / str(seed) / "landing", end=END)
    one, two = _tree(tmp_path / "1" / "landing"), _tree(tmp_path / "2" / "landing")
    assert one.keys() == two.keys()
    for source in SOURCES:
        assert any(one[n] != two[n] for n in one if n.startswith(f"{source.name}/")), source.name


def test_every_source_has_a_file_per_day_with_contract_header(small_world: WorldSummary) -> None:
    days = [(small_world.start + timedelta(days=i)).isoformat() for i in range(small_world.days)]
    for source in SOURCES:
        files = day_files(small_world.out, source.name)
        assert [p.name for p in files] == [f"{d}.csv" for d in days], source.name
        for path in files:
            assert header(path) == list(source.column_names), path
            assert b"\r" not in path.read_bytes()


def test_summary_counts_match_the_files(small_world: WorldSummary) -> None:
    for source in SOURCES:
        found = sum(1 for path in day_files(small_world.out, source.name) for _ in records(path))
        assert found == small_world.rows[source.name], source.name
    assert small_world.files_written == len(SOURCES) * small_world.days
    assert small_world.end == END and small_world.start == END - timedelta(days=19)
    text = "\n".join(small_world.lines())
    assert "200 customers" in text and str(small_world.truth_out) in text


def test_ground_truth_is_not_in_the_landing_folder(small_world: WorldSummary) -> None:
    assert small_world.truth_out == small_world.out.parent / "ground_truth"
    assert not small_world.truth_out.resolve().is_relative_to(small_world.out.resolve())
    landing = {p.name for p in small_world.out.iterdir()}
    assert landing == {s.name for s in SOURCES}
    expected = {"customer_channels.csv", "ticket_categories.csv", "error_categories.csv", "feature_catalog.csv",
                "plans.csv", "bad_rows.csv", "README.md"}  # fmt: skip
    assert expected <= {p.name for p in small_world.truth_out.iterdir()}


def test_truth_folder_inside_the_landing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="inside the landing folder"):
        generate_world(customers=10, days=2, out=tmp_path / "landing", truth_out=tmp_path / "landing" / "t", end=END)


def test_regenerating_replaces_the_day_files_of_an_earlier_world(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate_world(customers=30, days=4, out=landing, end=END, bad_rows=True)
    (landing / "customers" / "notes.txt").write_text("kept")
    generate_world(customers=30, days=2, out=landing, end=END - timedelta(days=10))
    names = {p.name for p in (landing / "customers").iterdir()}
    assert names == {"2026-03-20.csv", "2026-03-21.csv", "notes.txt"}
    assert not (tmp_path / "ground_truth" / "bad_rows.csv").exists()


def test_default_world_size_is_in_range(tmp_path: Path) -> None:
    """The default world is what `aias generate` gives a new user: 300k-700k rows, API ~45%."""
    started = time.perf_counter()
    world = generate_world(out=tmp_path / "landing", end=END)
    elapsed = time.perf_counter() - started
    if elapsed > 15:
        pytest.skip(f"default world took {elapsed:.0f}s on this machine; size not checked")
    assert 300_000 <= world.total_rows <= 700_000
    assert 0.40 <= world.rows["api_requests"] / world.total_rows <= 0.50
