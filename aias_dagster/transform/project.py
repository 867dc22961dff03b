"""The dbt project as Dagster sees it, and how dbt resources map to asset keys, groups and owners."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject

from aias_dagster.loops import LOOPS, owners_of
from aias_dagster.warehouse import ConnectionSettings, project_root

# dbt's default, so dagster-dbt finds partial_parse.msgpack there and parses each run incrementally.
TARGET_PATH = Path("target")


@functools.cache
def dbt_project() -> DbtProject:
    root = project_root()
    return DbtProject(project_dir=root, profiles_dir=root / "dbt_project", target_path=TARGET_PATH)


class ManifestMissingError(RuntimeError):
    pass


def manifest_path() -> Path:
    """The manifest built ahead of time by `aias prepare` (`make` runs it); never parsed at import."""
    path = dbt_project().manifest_path
    if not path.exists():
        raise ManifestMissingError(
            f"{path} is missing: run `make prepare` (or `aias prepare`) to build the dbt manifest"
        )
    return path


def dbt_executable() -> str:
    """The dbt installed beside this Python, so a venv works without being on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def prepare_manifest() -> Path:
    """Run `dbt parse` now. Called by `aias prepare`, `aias demo` and the test session, not by imports."""
    project = dbt_project()
    dbt = DbtCliResource(project_dir=project, dbt_executable=dbt_executable())
    dbt.cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return project.manifest_path


def loop_of(dbt_resource_props: Mapping[str, Any]) -> str | None:
    """The loop folder a model or seed sits in (models/<layer>/<loop>/..., seeds/<loop>/...)."""
    for part in dbt_resource_props.get("fqn", []):
        if part in LOOPS:
            return part
    return None


class AiasDbtTranslator(DagsterDbtTranslator):
    """Keys are `<schema>/<name>` (e.g. `marts/metrics_daily`); groups and owners follow the loop folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props.get("schema")
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return loop_of(dbt_resource_props) or "platform"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return owners_of(loop_of(dbt_resource_props))


TRANSLATOR = AiasDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def ensure_manifest() -> Path:
    """The manifest, built now only if `make prepare` has not built it yet."""
    path = dbt_project().manifest_path
    return path if path.exists() else prepare_manifest()


def apply_dbt_environment(settings: ConnectionSettings) -> None:
    """Give dbt (a child process) the connection through the variables profiles.yml reads."""
    os.environ.update(settings.dbt_env())
