"""The demo keeps the world it generated first, so a second `make demo` changes nothing."""

from pathlib import Path

from aias_dagster.sample_data.landing_world import WorldSpec, holds_world, replace_world


def test_a_world_of_the_same_size_and_seed_is_kept_even_on_another_day(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    replace_world(landing, WorldSpec(200, 10, 7, "2026-03-01"), lambda: (landing / "customers").mkdir(parents=True))

    assert holds_world(landing, WorldSpec(200, 10, 7, "2026-03-02"))
    assert not holds_world(landing, WorldSpec(200, 10, 8, "2026-03-01"))
    assert not holds_world(tmp_path / "elsewhere", WorldSpec(200, 10, 7, "2026-03-01"))


def test_replacing_a_world_removes_the_old_files(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "customers").mkdir(parents=True)
    (landing / "customers" / "2026-01-01.csv").write_text("old")

    replace_world(landing, WorldSpec(200, 10, 7, "2026-03-01"), lambda: landing.mkdir())

    assert sorted(p.name for p in landing.iterdir()) == ["world.json"]


def test_the_load_summary_lists_the_files_it_passed_over() -> None:
    from aias_dagster.cli.summary import format_ignored

    metadata = {
        "raw/customers": {"ignored_files": "none"},
        "raw/api_requests": {"ignored_files": "2026-10-04; drop table raw.api_requests.csv (not YYYY-MM-DD)"},
    }
    assert format_ignored(metadata) == (
        "  ignored in api_requests: 2026-10-04; drop table raw.api_requests.csv (not YYYY-MM-DD)"
    )
    assert format_ignored({"raw/customers": {"ignored_files": "none"}}) is None


def test_the_demo_summary_says_what_each_step_took_and_inside_a_run_its_start_up_and_longest_steps() -> None:
    from aias_dagster.cli.timings import StepTime, format_timings

    run_steps = (("raw__a", 2.0), ("raw__b", 10.0), ("freshness", 5.0), ("raw__c", 1.0), ("raw__d", 0.4))
    steps = [
        StepTime("sample world", 4.2),
        StepTime("dbt parse", 9.4, "beside the sample world"),
        StepTime("load (job ingest)", 30.0, run_steps=run_steps),
    ]

    assert format_timings(steps, 40.3) == [
        "  where the time went (40 s in all):",
        "    sample world          4 s",
        "    dbt parse             9 s  (beside the sample world)",
        # 30 s less the 18.4 s of its steps: launching the run, its process, loading the code location.
        "    load (job ingest)    30 s  (start-up 12 s, raw__b 10 s, freshness 5 s, raw__a 2 s, 2 other steps 1 s)",
    ]
