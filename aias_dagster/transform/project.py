"""The dbt project as Dagster sees it: where it is, its manifest built ahead of time, its connection."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging import version

from aias_dagster.platform.engine import current_engine, dbt_engine_env
from aias_dagster.platform.roles import transformer_role
from aias_dagster.platform.warehouse import ConnectionSettings, project_root

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


class InstalledDbtCliResource(DbtCliResource):
    """dagster-dbt's resource for the dbt installed beside this Python.

    dagster-dbt learns the version of the dbt it calls by running `dbt --version` once per resource, that
    is once per run: a second start of dbt, about 2 s of CPU before each dbt step. The dbt beside this
    Python is the dbt-core package installed here, whose version the package metadata says; a dbt found
    elsewhere on PATH is still asked.
    """

    @functools.cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return version.parse(importlib.metadata.version("dbt-core"))
        return super()._cli_version


def dbt_resource() -> InstalledDbtCliResource:
    return InstalledDbtCliResource(project_dir=dbt_project(), dbt_executable=dbt_executable())


def prepare_manifest() -> Path:
    """Run `dbt parse` now. Called by `aias prepare`, `aias demo` and the test session, not by imports.

    Parsed for AIAS_ENGINE's output: the manifest names its adapter, which the UI shows as each dbt asset's kind.
    """
    os.environ.update(dbt_engine_env(current_engine()))
    project = dbt_project()
    dbt = dbt_resource()
    dbt.cli(["parse", "--quiet"], target_path=project.target_path).wait()
    return project.manifest_path


def ensure_manifest() -> Path:
    """The manifest, built now only if `make prepare` has not built it yet."""
    path = dbt_project().manifest_path
    return path if path.exists() else prepare_manifest()


def apply_dbt_environment(settings: ConnectionSettings) -> dict[str, str]:
    """Give dbt (a child process) the connection through the variables profiles.yml reads; returns them.

    Ensures the database roles first: dbt builds as the transformer role when they are in place. The engine
    (AIAS_ENGINE) picks the profile's output; Postgres stays configured on Spark too, where the loader writes.
    """
    dbt_env = settings.dbt_env(role=transformer_role(settings)) | dbt_engine_env(current_engine())
    os.environ.update(dbt_env)
    return dbt_env


# What the dbt build reads: a change here (a model, macro, seed, test or the project file) is a reason
# to build again even when no landing file changed.
PROJECT_SOURCES = (
    "dbt_project.yml",
    "dbt_project/models",
    "dbt_project/macros",
    "dbt_project/seeds",
    "dbt_project/tests",
)


def project_digest() -> str:
    """sha256 over the dbt project's sources, to tell whether the models were built from the same code."""
    root = project_root()
    digest = hashlib.sha256()
    for name in PROJECT_SOURCES:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()
