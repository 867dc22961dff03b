"""What analysts read: the dbt docs as Postgres comments (psql's \\d+), and dbt docs served over HTTP.

The module reads the session's demo world (tests/conftest.py: every model built by real dbt, and the
tables the platform's Python writes beside them), instead of building a world of its own; the docs are
generated against it with the real `dbt docs generate` and fetched from a real HTTP server.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import yaml

from aias_dagster.acquisition.calibration import INTERVALS_TABLE
from aias_dagster.platform.warehouse import ConnectionSettings
from aias_dagster.transform.docs import DOCS_TARGET_PATH, DocsSite, docs_server, generate_docs, server_url
from aias_dagster.transform.project import TARGET_PATH
from tests.conftest import BuiltWorld
from tests.dbt.support import REPO_ROOT, query

pytestmark = pytest.mark.slow

DOCUMENTED_SCHEMAS = ("staging", "intermediate", "marts", "seeds")
MARTS_YML = REPO_ROOT / "dbt_project" / "models" / "marts" / "acquisition" / "_acquisition__marts.yml"
MODELS = sorted(path.stem for path in (REPO_ROOT / "dbt_project" / "models").rglob("*.sql"))
SEEDS = sorted(path.stem for path in (REPO_ROOT / "dbt_project" / "seeds").rglob("*.csv"))
# Tables of the documented schemas that Python writes, not dbt: analysts read them all the same.
WRITTEN_BY_PYTHON = [INTERVALS_TABLE.split(".")[1]]


@dataclass(frozen=True)
class Documented:
    settings: ConnectionSettings
    site: DocsSite
    dagster_target_before: dict[str, bytes]
    dagster_target_after: dict[str, bytes]


def dagster_target_files() -> dict[str, bytes]:
    """The files of Dagster's target folder (target/manifest.json and its neighbours), not the docs folder."""
    folder = REPO_ROOT / TARGET_PATH
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


@pytest.fixture(scope="module")
def documented(demo_world: BuiltWorld) -> Iterator[Documented]:
    """The demo world as `make demo` leaves it, then `dbt docs generate` into the default target/docs."""
    before = dagster_target_files()
    site = generate_docs(demo_world.settings)
    yield Documented(demo_world.settings, site, before, dagster_target_files())


def marts_yml_columns(model: str) -> dict[str, str]:
    document = yaml.safe_load(MARTS_YML.read_text())
    (declared,) = [m for m in document["models"] if m["name"] == model]
    return {column["name"]: column["description"] for column in declared["columns"]}


def test_every_relation_and_column_analysts_read_has_a_comment(documented: Documented) -> None:
    relations = query(
        documented.settings,
        """
        select n.nspname, c.relname, c.relkind::text, obj_description(c.oid, 'pg_class')
        from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%s) and c.relkind in ('r', 'v')
        """,
        (list(DOCUMENTED_SCHEMAS),),
    )
    columns = query(
        documented.settings,
        """
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_schema = any(%s)
          and col_description(format('%%I.%%I', table_schema, table_name)::regclass, ordinal_position) is null
        """,
        (list(DOCUMENTED_SCHEMAS),),
    )

    assert sorted(name for _schema, name, _kind, _comment in relations) == sorted([*MODELS, *SEEDS, *WRITTEN_BY_PYTHON])
    assert {kind for schema, _name, kind, _comment in relations if schema == "staging"} == {"v"}  # views too
    assert [(schema, name) for schema, name, _kind, comment in relations if not comment] == []
    assert columns == []


def test_psql_shows_the_yml_description_of_every_cac_monthly_column(documented: Documented) -> None:
    rows = query(
        documented.settings,
        """
        select a.attname, col_description(a.attrelid, a.attnum), format_type(a.atttypid, a.atttypmod)
        from pg_attribute as a
        where a.attrelid = 'marts.cac_monthly'::regclass and a.attnum > 0 and not a.attisdropped
        order by a.attnum
        """,
    )
    (table_comment,) = query(documented.settings, "select obj_description('marts.cac_monthly'::regclass, 'pg_class')")

    assert {name: comment for name, comment, _type in rows} == marts_yml_columns("cac_monthly")
    assert table_comment[0].startswith("Paid CAC per calendar month (UTC), attribution model and channel")
    # The stated precision is the column type too: money to the cent, counts and shares to 4 places.
    types = {name: type_ for name, _comment, type_ in rows}
    assert types["spend_usd"] == types["paid_cac_adjusted"] == types["blended_cac"] == "numeric(38,2)"
    assert types["new_paying_customers"] == types["attribution_coverage"] == "numeric(38,4)"


def test_docs_generation_leaves_dagsters_manifest_byte_identical(documented: Documented) -> None:
    assert "manifest.json" in documented.dagster_target_before
    assert documented.dagster_target_after == documented.dagster_target_before
    assert documented.site.folder == REPO_ROOT / DOCS_TARGET_PATH
    assert documented.site.models == len(MODELS)
    assert documented.site.relations == len(MODELS) + len(SEEDS)  # every model and seed


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, url
        return response.read()


def test_the_docs_server_serves_the_catalog_with_column_comments(documented: Documented) -> None:
    server = docs_server(documented.site.folder, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = server_url(server)
        index = fetch(url + "index.html").decode()
        catalog = json.loads(fetch(url + "catalog.json"))
        manifest = json.loads(fetch(url + "manifest.json"))
    finally:
        server.shutdown()
        server.server_close()

    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0/")
    assert "<title>dbt Docs</title>" in index
    cac_monthly = catalog["nodes"]["model.aias.cac_monthly"]
    assert (cac_monthly["metadata"]["schema"], cac_monthly["metadata"]["name"]) == ("marts", "cac_monthly")
    assert cac_monthly["metadata"]["comment"].startswith("Paid CAC per calendar month")
    comments = {name: column["comment"] for name, column in cac_monthly["columns"].items()}
    assert comments == marts_yml_columns("cac_monthly")
    assert cac_monthly["columns"]["spend_usd"]["type"] == "numeric(38,2)"
    # A view's columns carry their comments as well.
    customers = catalog["nodes"]["model.aias.stg_platform__customers"]
    assert customers["metadata"]["type"] == "VIEW"
    assert all(column["comment"] for column in customers["columns"].values())
    assert manifest["nodes"]["model.aias.cac_monthly"]["description"].startswith("Paid CAC per calendar month")
