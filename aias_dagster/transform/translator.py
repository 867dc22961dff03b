"""How dbt resources become Dagster assets: keys, groups, owners, cadence and partitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from aias_dagster.platform.cadence import cadence_tags
from aias_dagster.platform.loops import group

INCREMENTAL = "incremental"


def folder_group(dbt_resource_props: Mapping[str, Any]) -> str:
    """The group folder a model or seed sits in: models/<layer>/<group>/..., seeds/<group>/...

    The fqn is [project, <layer>, <group>, ..., name] for a model and [project, <group>, ..., name] for
    a seed. A resource outside a group folder has no group, which the registry refuses.
    """
    fqn = dbt_resource_props.get("fqn", [])
    position = 1 if dbt_resource_props["resource_type"] == "seed" else 2
    return fqn[position] if len(fqn) > position + 1 else "(none)"


def cadence_of(dbt_resource_props: Mapping[str, Any]) -> str:
    """`meta.cadence`, set for every model in dbt_project.yml and overridden where a folder is not daily."""
    meta = dbt_resource_props.get("config", {}).get("meta", {}) or dbt_resource_props.get("meta", {})
    cadence = meta.get("cadence")
    if cadence is None:
        raise dg.DagsterInvalidDefinitionError(
            f"{dbt_resource_props['unique_id']} has no meta.cadence; set +meta: {{cadence: ...}} in dbt_project.yml"
        )
    return cadence


def check_description(test: Mapping[str, Any]) -> str:
    """What a dbt data test holds, in a sentence, for its check in the UI (which said "No description provided").

    A description written in the yml wins; a singular test says it in its SQL file's opening comment.
    """
    if test.get("description"):
        return test["description"]
    metadata = test.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    column = f"`{kwargs.get('column_name') or test.get('column_name')}`"
    described = {
        "not_null": lambda: f"{column} is never null",
        "unique": lambda: f"{column} is unique",
        "non_negative": lambda: f"{column} is never negative",
        "positive": lambda: f"{column} is always above zero",
        "between": lambda: f"{column} lies between {kwargs.get('min_value')} and {kwargs.get('max_value')}",
        "accepted_values": lambda: f"{column} is one of {', '.join(map(str, kwargs.get('values', [])))}",
        "unique_combination": lambda: (
            "one row per " + ", ".join(f"`{c}`" for c in kwargs.get("combination_of_columns", []))
        ),
        "relationships": lambda: f"every {column} is a `{kwargs.get('field')}` of {_referenced(kwargs.get('to', ''))}",
    }
    name = metadata.get("name")
    if name in described:
        where = test.get("config", {}).get("where")
        return described[name]() + (f" (rows where {where})" if where else "")
    if name:
        return f"dbt test `{name}`"
    return _opening_comment(test.get("raw_code", "")) or f"dbt test `{test.get('name')}`"


def _referenced(to: str) -> str:
    """`ref('channel_mapping')` as the model's name."""
    quoted = to.split("'")
    return f"`{quoted[1]}`" if len(quoted) > 2 else to


def _opening_comment(sql: str) -> str:
    """The `--` lines a singular test opens with, as one paragraph (linter directives left out)."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        text = line.removeprefix("--").strip()
        if not text.startswith(("sqlfluff", "noqa")):
            lines.append(text)
    return " ".join(lines)


class AiasDbtTranslator(DagsterDbtTranslator):
    """Keys are `<schema>/<name>` (e.g. `marts/metrics_daily`); the group is the dbt folder and the owner
    the group's; incremental models are partitioned by delivery day like the loaders they read."""

    def __init__(self, partitions: dg.PartitionsDefinition | None = None) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
        self._partitions = partitions

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props.get("schema")
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return None
        return group(super().get_group_name(dbt_resource_props) or folder_group(dbt_resource_props)).name

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        if dbt_resource_props["resource_type"] == "source":
            return []
        return list(super().get_owners(dbt_resource_props) or [group(self.get_group_name(dbt_resource_props)).owner])

    def get_tags(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, str]:
        tags = dict(super().get_tags(dbt_resource_props))
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            tags.update(cadence_tags(cadence_of(dbt_resource_props)))
        return tags

    def get_asset_check_spec(
        self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=check_description(manifest["nodes"][unique_id]))

    def get_partitions_def(self, dbt_resource_props: Mapping[str, Any]) -> dg.PartitionsDefinition | None:
        config = dbt_resource_props.get("config", {})
        # An incremental model, on Spark too where one without a date key is rebuilt whole as a table (the
        # replace_rows macro marks both): the same partitions on both engines.
        if config.get("materialized") == INCREMENTAL or config.get("meta", {}).get("replaces_rows_by"):
            return self._partitions
        return None
