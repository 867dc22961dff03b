"""The session's demo world builds cleanly: every source loaded, every dbt node passed."""

from tests.conftest import BuiltWorld
from tests.dbt.support import query


def test_the_demo_world_loads_every_source_and_builds_every_model(demo_world: BuiltWorld) -> None:
    loaded = dict(query(demo_world.settings, "select source, sum(loaded) from raw.load_audit group by 1"))
    for source, written in demo_world.summary.rows.items():
        assert 0 < loaded[source] <= written, source
