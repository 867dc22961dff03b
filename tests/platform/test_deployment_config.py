"""docs/deployment.md's configuration, validated with Dagster's own schemas so that it cannot rot.

The Helm values are rendered into the instance the chart writes (its `dagster.yaml` ConfigMap), the way the
chart's templates (helm/dagster/templates/helpers/instance/*.tpl at 1.13) turn its camelCase keys into Dagster's:
then the run launcher is validated against `dagster_k8s.K8sRunLauncher`'s config schema, the run queue against
`QueuedRunCoordinator`'s, the storage against dagster-postgres', and the whole instance with
`dagster_instance_config`, which `DagsterInstance` itself loads its YAML with. No cluster, no Docker, no mocks.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from dagster._config import validate_config
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.instance.config import dagster_instance_config
from dagster._core.run_coordinator.queued_run_coordinator import QueuedRunCoordinator
from dagster_k8s import K8sRunLauncher
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from aias_dagster.platform.instance import IMMEDIATE, dagster_yaml
from aias_dagster.transform.assets import DBT_POOL
from tests.conftest import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
HELM_VALUES = DEPLOY / "helm" / "values.yaml"
LOCAL_INSTANCE = DEPLOY / "dagster.local.yaml"
RELEASE = "dagster"  # docs/deployment.md's `helm upgrade --install dagster ...`: the chart's fullname
DAGSTER_HOME = "/opt/dagster/dagster_home"  # the chart's global.dagsterHome default
PG_PASSWORD_ENV = "DAGSTER_PG_PASSWORD"  # where the chart puts the secret's password in every pod

# Keys of the chart's values schema (helm/dagster/schema/.../subschema) for the blocks below that are rendered
# verbatim or not at all, where no Dagster schema would see a misspelt key.
CHART_POSTGRESQL_KEYS = {
    "enabled", "image", "postgresqlHost", "postgresqlUsername", "postgresqlPassword", "postgresqlDatabase",
    "postgresqlParams", "postgresqlScheme", "service",
}  # fmt: skip
CHART_USER_DEPLOYMENT_KEYS = {
    "name", "image", "port", "dagsterApiGrpcArgs", "codeServerArgs", "includeConfigInLaunchedRuns", "env",
    "envConfigMaps", "envSecrets", "annotations", "nodeSelector", "affinity", "tolerations", "podSecurityContext",
    "securityContext", "resources", "livenessProbe", "readinessProbe", "startupProbe", "labels", "volumeMounts",
    "volumes", "schedulerName",
}  # fmt: skip


def snake(key: str) -> str:
    """The chart's camelCase value key as the instance's snake_case config key (`jobNamespace` -> `job_namespace`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def snake_keys(block: Mapping[str, Any]) -> dict[str, Any]:
    return {snake(key): value for key, value in block.items()}


def k8s_run_launcher_config(values: Mapping[str, Any]) -> dict[str, Any]:
    """`run_launcher.config` as _run-launcher.tpl renders it: its own fields, then the chart's values, renamed."""
    config: dict[str, Any] = {
        "dagster_home": DAGSTER_HOME,
        "instance_config_map": f"{RELEASE}-instance",
        "postgres_password_secret": values["global"]["postgresqlSecretName"],
        "service_account_name": RELEASE,
    }
    for key, value in values["runLauncher"]["config"]["k8sRunLauncher"].items():
        if key in ("envSecrets", "envConfigMaps"):  # lists of {name: ...} in the chart, of names in Dagster
            value = [ref["name"] for ref in value]
        elif key == "image":
            key, value = "jobImage", f"{value['repository']}:{value['tag']}"
        elif key == "runK8sConfig":
            value = snake_keys(value)
        config[snake(key)] = value
    return config


def run_coordinator(values: Mapping[str, Any]) -> dict[str, Any]:
    """`run_coordinator` as _run-coordinator.tpl renders a QueuedRunCoordinator: a config block only if set."""
    coordinator = values["dagsterDaemon"]["runCoordinator"]
    assert coordinator["enabled"] and coordinator["type"] == "QueuedRunCoordinator"
    rendered = {"module": "dagster.core.run_coordinator", "class": "QueuedRunCoordinator"}
    config = snake_keys(coordinator["config"]["queuedRunCoordinator"] or {})
    return {**rendered, "config": config} if config else rendered


def concurrency(values: Mapping[str, Any]) -> dict[str, Any]:
    """The instance's `concurrency:` as _concurrency.tpl renders the chart's `concurrency` values."""
    block = values["concurrency"]
    assert block.get("enabled"), "concurrency.enabled is false: the chart would leave the pools out"
    return {key: snake_keys(block[key]) for key in ("pools", "runs") if block.get(key)}


def postgres_db(values: Mapping[str, Any]) -> dict[str, Any]:
    """The storages' `postgres_db` as _postgresql.tpl renders it: the password from the secret, never a value."""
    pg = values["postgresql"]
    assert set(pg) <= CHART_POSTGRESQL_KEYS, f"postgresql: unknown keys {set(pg) - CHART_POSTGRESQL_KEYS}"
    db = {
        "username": pg["postgresqlUsername"],
        "password": {"env": PG_PASSWORD_ENV},
        "hostname": pg["postgresqlHost"],
        "db_name": pg["postgresqlDatabase"],
        "port": pg["service"]["port"],
        "params": pg.get("postgresqlParams", {}),
    }
    return {**db, "scheme": pg["postgresqlScheme"]} if pg.get("postgresqlScheme") else db


def chart_instance(values: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of the chart's instance ConfigMap that these values decide."""

    def storage(module: str, cls: str) -> dict[str, Any]:
        return {"module": module, "class": cls, "config": {"postgres_db": postgres_db(values)}}

    daemon = values["dagsterDaemon"]
    return {
        "run_storage": storage("dagster_postgres.run_storage", "PostgresRunStorage"),
        "event_log_storage": storage("dagster_postgres.event_log", "PostgresEventLogStorage"),
        "schedule_storage": storage("dagster_postgres.schedule_storage", "PostgresScheduleStorage"),
        "run_launcher": {"module": "dagster_k8s", "class": "K8sRunLauncher", "config": k8s_run_launcher_config(values)},
        "run_coordinator": run_coordinator(values),
        "concurrency": concurrency(values),
        "run_monitoring": snake_keys(daemon["runMonitoring"]),
        "run_retries": snake_keys(daemon["runRetries"]),
        "telemetry": values["telemetry"],
    }


def load_instance(tmp_path: Path, instance: Mapping[str, Any] | str) -> Mapping[str, Any]:
    """Dagster's own reading of an instance YAML: its schema and its cross-checks (pools beside the queue)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    text = instance if isinstance(instance, str) else yaml.safe_dump(dict(instance))
    (tmp_path / "dagster.yaml").write_text(text)
    config, _ = dagster_instance_config(str(tmp_path))
    return config


def assert_valid(schema: object, config: Mapping[str, Any]) -> None:
    result = validate_config(schema, config)
    assert result.success, "\n".join(error.message for error in result.errors or [])


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    return yaml.safe_load(HELM_VALUES.read_text())


def test_the_helm_run_launcher_is_a_valid_k8s_run_launcher(values: dict[str, Any]) -> None:
    config = k8s_run_launcher_config(values)
    assert_valid(K8sRunLauncher.config_type(), config)
    assert config["job_namespace"] == "dagster-runs"
    assert config["env_secrets"] == ["aias-env"]
    assert config["resources"]["limits"]["memory"]


def test_the_helm_run_queue_and_storage_are_valid(values: dict[str, Any], tmp_path: Path) -> None:
    instance = chart_instance(values)
    coordinator = instance["run_coordinator"]
    assert_valid(QueuedRunCoordinator.config_type(), coordinator.get("config", {}))
    for key, storage in (
        ("run_storage", PostgresRunStorage),
        ("event_log_storage", PostgresEventLogStorage),
        ("schedule_storage", PostgresScheduleStorage),
    ):
        assert_valid(storage.config_type(), instance[key]["config"])
    loaded = load_instance(tmp_path, instance)
    assert loaded["concurrency"]["pools"] == {"default_limit": 1, "granularity": "op"}
    assert loaded["concurrency"]["runs"]["tag_concurrency_limits"][0]["key"] == "dagster/partition"


def test_the_helm_code_location_serves_the_definitions_on_its_port(values: dict[str, Any]) -> None:
    user_code = values["dagster-user-deployments"]
    (deployment,) = user_code["deployments"]
    assert user_code["enabled"] and set(deployment) <= CHART_USER_DEPLOYMENT_KEYS, set(deployment)
    assert deployment["codeServerArgs"] == ["-m", "aias_dagster.definitions"] and deployment["port"] == 4000
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "aias_dagster.definitions" in dockerfile and "EXPOSE 4000" in dockerfile and "aias prepare" in dockerfile


def test_the_local_instance_keeps_two_runs_off_one_dbt_model(tmp_path: Path) -> None:
    config = load_instance(tmp_path, LOCAL_INSTANCE.read_text())
    # One slot per pool, claimed by the step itself (`op`), so runs that bypass the queue wait too.
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["concurrency"]["pools"]["granularity"] == "op"
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["storage"]["postgres"]["postgres_url"] == {"env": "AIAS_DAGSTER_STORAGE_URL"}


def test_the_runs_aias_starts_itself_take_the_same_pools(tmp_path: Path) -> None:
    # docs/deployment.md's recipe: the instance `aias` launches its runs with, plus the local file's pools.
    pools = {"concurrency": {"pools": yaml.safe_load(LOCAL_INSTANCE.read_text())["concurrency"]["pools"]}}
    cli_instance = dagster_yaml(tmp_path, IMMEDIATE) + yaml.safe_dump(pools)
    assert load_instance(tmp_path / "cli", cli_instance)["concurrency"]["pools"]["default_limit"] == 1


def test_every_dbt_build_claims_a_slot_of_the_dbt_pool() -> None:
    from aias_dagster.platform.partitions import delivery_partitions
    from aias_dagster.transform.assets import build_dbt_assets
    from aias_dagster.transform.project import ensure_manifest

    ensure_manifest()  # `make test` prepares it; built here only when a test is run alone on a fresh clone
    assert {asset.op.pool for asset in build_dbt_assets(delivery_partitions(date(2026, 1, 1)))} == {DBT_POOL}


def test_a_misspelt_key_fails_validation(values: dict[str, Any], tmp_path: Path) -> None:
    launcher = copy.deepcopy(values)
    k8s = launcher["runLauncher"]["config"]["k8sRunLauncher"]
    k8s["jobNamspace"] = k8s.pop("jobNamespace")
    assert not validate_config(K8sRunLauncher.config_type(), k8s_run_launcher_config(launcher)).success

    queue = copy.deepcopy(values)
    queue["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"] = {"maxConcurentRuns": 4}
    assert not validate_config(QueuedRunCoordinator.config_type(), run_coordinator(queue)["config"]).success

    local = yaml.safe_load(LOCAL_INSTANCE.read_text())
    local["concurrency"]["pools"]["default_limt"] = local["concurrency"]["pools"].pop("default_limit")
    with pytest.raises(DagsterInvalidConfigError):
        load_instance(tmp_path / "local", local)

    postgres = copy.deepcopy(values)
    postgres["postgresql"]["postgresqlHots"] = postgres["postgresql"].pop("postgresqlHost")
    with pytest.raises(AssertionError, match="postgresqlHots"):
        postgres_db(postgres)


def test_the_queue_limits_beside_pools_are_refused(values: dict[str, Any], tmp_path: Path) -> None:
    # Why the values put the run limits under `concurrency.runs`: Dagster 1.13 refuses them in the coordinator's
    # config once pools are set, which the chart would render from queuedRunCoordinator.maxConcurrentRuns.
    both = copy.deepcopy(values)
    both["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"] = {"maxConcurrentRuns": 4}
    with pytest.raises(DagsterInvalidConfigError, match="max_concurrent_runs"):
        load_instance(tmp_path, chart_instance(both))


SECRET_KEY = re.compile(r"(password|passwd|token|api_?key)$", re.IGNORECASE)  # not `...SecretName`: a name
URL_WITH_PASSWORD = re.compile(r"://[^/\s:@]+:[^@\s/]+@")
ENV_WITH_SECRET = re.compile(r"(PASSWORD|TOKEN)\s*=\s*\S", re.IGNORECASE)


def inline_secrets(node: Any, where: str = "") -> list[str]:
    """Every password-like key of a YAML tree with a literal value; empty, or `{env: ...}`, is no secret."""
    found = []
    if isinstance(node, Mapping):
        for key, value in node.items():
            from_env = isinstance(value, Mapping) and "env" in value
            if SECRET_KEY.search(str(key)) and value not in ("", None) and not from_env:
                found.append(f"{where}{key}")
            found += inline_secrets(value, f"{where}{key}.")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += inline_secrets(item, f"{where}{index}.")
    return found


@pytest.mark.parametrize("path", [HELM_VALUES, LOCAL_INSTANCE, DEPLOY / "Dockerfile"], ids=lambda p: p.name)
def test_no_secret_is_written_in_the_deployment_files(path: Path) -> None:
    text = path.read_text()
    assert not URL_WITH_PASSWORD.search(text) and not ENV_WITH_SECRET.search(text), path.name
    if path.suffix == ".yaml":
        assert inline_secrets(yaml.safe_load(text)) == [], path.name


def test_the_helm_values_take_the_storage_password_from_a_secret(values: dict[str, Any]) -> None:
    assert values["generatePostgresqlPasswordSecret"] is False  # else the chart makes a secret of a literal
    assert values["postgresql"]["postgresqlPassword"] == ""
    assert values["global"]["postgresqlSecretName"]
    assert postgres_db(values)["password"] == {"env": PG_PASSWORD_ENV}


def test_the_secret_check_finds_a_planted_password(values: dict[str, Any]) -> None:
    planted = copy.deepcopy(values)
    planted["postgresql"]["postgresqlPassword"] = "hunter2"
    assert inline_secrets(planted) == ["postgresql.postgresqlPassword"]
    assert URL_WITH_PASSWORD.search("postgres_url: postgresql://aias:hunter2@db:5432/aias")
    assert ENV_WITH_SECRET.search("ENV DAGSTER_PG_PASSWORD=hunter2")
