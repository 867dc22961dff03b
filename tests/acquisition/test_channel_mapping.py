"""The channel mapping seed follows the sample world's channel rules (no database needed).

The dbt unit test `channel_mapping_seed_reproduces_the_sample_world_rules` runs the real seed through
int_acquisition__touchpoints; these tests keep its rows in step with world.CHANNEL_RULES, so a rule added
to the world without a seed rule fails here instead of as a mysteriously worse CAC.
"""

from __future__ import annotations

import csv

import yaml

from aias_dagster.sample_data.world import CHANNEL_RULES, CHANNELS
from tests.dbt.support import REPO_ROOT

MODELS = REPO_ROOT / "dbt_project" / "models" / "intermediate" / "acquisition" / "_acquisition__intermediate.yml"
SEED = REPO_ROOT / "dbt_project" / "seeds" / "acquisition" / "channel_mapping.csv"
UNIT_TEST = "channel_mapping_seed_reproduces_the_sample_world_rules"


def world_rule_cases() -> dict[tuple[str, str, str], str]:
    """(utm_source, utm_medium, referrer_domain) -> channel as the unit test gives and expects them."""
    document = yaml.safe_load(MODELS.read_text())
    (test,) = [t for t in document["unit_tests"] if t["name"] == UNIT_TEST]
    (given,) = [g for g in test["given"] if g["input"] == "ref('stg_platform__touchpoints')"]
    expected = {row["touchpoint_id"]: row["channel"] for row in test["expect"]["rows"]}
    return {
        (row["utm_source"] or "", row["utm_medium"] or "", row["referrer_domain"] or ""): expected[row["touchpoint_id"]]
        for row in given["rows"]
    }


def test_the_seed_unit_test_covers_every_world_rule_with_its_channel() -> None:
    cases = world_rule_cases()

    for rule in CHANNEL_RULES:
        key = (rule.utm_source, rule.utm_medium, rule.referrer_domain)
        assert cases.get(key) == rule.channel, key


def test_the_newest_seed_version_names_every_world_channel_and_ends_in_a_catch_all() -> None:
    with SEED.open(newline="", encoding="utf-8") as handle:
        rules = list(csv.DictReader(handle))
    newest = max(int(r["version"]) for r in rules)
    in_force = sorted((r for r in rules if int(r["version"]) == newest), key=lambda r: int(r["priority"]))

    assert set(CHANNELS) <= {r["channel"] for r in in_force}
    assert "unattributed" not in {r["channel"] for r in rules}  # reserved for customers without a visit
    last = in_force[-1]
    assert (last["utm_source_pattern"], last["utm_medium_pattern"], last["referrer_domain_pattern"]) == ("", "", "")
