"""docs/data_contract.md says what aias_dagster/ingest/contract.py holds, and nothing points outside the repo."""

from __future__ import annotations

import difflib
import re
import subprocess
from pathlib import Path

import pytest

from aias_dagster.ingest.contract import SOURCE_NAMES, SOURCES
from aias_dagster.ingest.contract_doc import (
    DOC_RELATIVE_PATH,
    ContractDocError,
    empty_block,
    main,
    render_contract_markdown,
    render_source_index,
    render_source_reference,
)
from tests.conftest import REPO_ROOT

DOC = REPO_ROOT / DOC_RELATIVE_PATH
OUTSIDE = re.compile(r"\.\./shared/|\bshared/(spec|docs)/")


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def source_sections(doc: str) -> dict[str, str]:
    """Each `### <source>` section of the generated reference, by source name, in document order."""
    reference = doc.split("<!-- generated begin: source-reference", 1)[1].split("<!-- generated end", 1)[0]
    parts = re.split(r"^### (\S+)\n", reference, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def column_rows(section: str) -> dict[str, str]:
    """The column table of a source section: column name -> its whole table row."""
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {row.split("|")[1].strip().strip("`"): row for row in rows}


def test_the_committed_contract_doc_is_what_the_renderer_writes(doc: str) -> None:
    fresh = render_contract_markdown(doc)
    diff = "".join(
        difflib.unified_diff(
            doc.splitlines(keepends=True),
            fresh.splitlines(keepends=True),
            f"{DOC_RELATIVE_PATH} (committed)",
            f"{DOC_RELATIVE_PATH} (rendered from contract.py)",
            n=1,
        )
    )
    assert fresh == doc, (
        f"{DOC_RELATIVE_PATH} is out of date with aias_dagster/ingest/contract.py; regenerate it with "
        f"`make contract` (python -m aias_dagster.ingest.contract_doc --write) and commit both:\n{diff[:4000]}"
    )


def test_every_source_and_column_of_the_contract_is_in_the_doc(doc: str) -> None:
    sections = source_sections(doc)
    assert tuple(sections) == SOURCE_NAMES
    for source in SOURCES:
        assert f"| [{source.name}](#{source.name}) | {source.loop} |" in doc, source.name
        section = sections[source.name]
        assert tuple(column_rows(section)) == source.column_names, source.name
        assert f"- Key: {', '.join(f'`{k}`' for k in source.key)}\n" in section, source.name
        assert f"- Event time: `{source.event_time}`\n" in section, source.name
        assert f"table `raw.{source.name}`" in section, source.name


def test_each_column_row_states_type_emptiness_default_choices_and_bounds(doc: str) -> None:
    rows = {name: column_rows(section) for name, section in source_sections(doc).items()}
    assert rows["customers"]["segment"] == (
        "| `segment` | `text` | row rejected | one of `smb`, `mid_market`, `enterprise` |"
    )
    assert rows["customers"]["converted_at"] == (
        "| `converted_at` | `timestamptz` | NULL | ISO 8601 timestamp with an offset or `Z` |"
    )
    assert rows["customers"]["country"] == (
        "| `country` | `text` | row rejected | ISO 3166-1 alpha-2 country code, e.g. `DE` |"
    )
    assert rows["fx_rates"]["usd_per_unit"] == "| `usd_per_unit` | `numeric` | row rejected | decimal number > 0 |"
    assert rows["marketing_spend"]["amount"] == "| `amount` | `numeric` | row rejected | decimal number >= 0 |"
    assert rows["marketing_spend"]["spend_date"] == "| `spend_date` | `date` | row rejected | date, `YYYY-MM-DD` |"
    assert rows["api_requests"]["units"] == "| `units` | `bigint` | default `1` | integer >= 0 |"
    assert (
        rows["api_requests"]["status_code"] == "| `status_code` | `bigint` | row rejected | integer from 100 to 599 |"
    )
    assert rows["support_tickets"]["csat_score"] == "| `csat_score` | `bigint` | NULL | integer from 1 to 5 |"
    assert rows["support_tickets"]["body"] == (
        "| `body` | `text` | row rejected | free text, may hold quoted line breaks |"
    )
    assert rows["product_events"]["properties"] == "| `properties` | `jsonb` | NULL | JSON object |"


def test_each_source_says_which_version_of_a_key_wins(doc: str) -> None:
    sections = source_sections(doc)
    assert (
        "- Version: the row with the greater `updated_at` wins; on a tie, the later delivery day, then the later line\n"
        in sections["support_tickets"]
    )
    assert "- Version: no version column: the later delivery day wins, then the later line\n" in sections["fx_rates"]
    assert "- Key: `spend_date`, `channel`, `campaign_id`\n" in sections["marketing_spend"]


def test_regenerating_rewrites_the_generated_blocks_and_keeps_the_prose() -> None:
    stale_row = "| [customers](#customers) | a column that was dropped |"
    document = (
        "# Title\n\nProse before.\n\n"
        f"{empty_block('source-index').replace(chr(10), chr(10) + stale_row + chr(10))}\n\n"
        "## Middle\n\nProse between, with `| a table |`.\n\n"
        f"{empty_block('source-reference')}\n\nProse after.\n"
    )
    fresh = render_contract_markdown(document)
    assert stale_row not in fresh
    assert fresh.startswith("# Title\n\nProse before.\n\n<!-- generated begin: source-index")
    assert f"\n{render_source_index()}\n<!-- generated end: source-index -->\n\n## Middle\n" in fresh
    assert "## Middle\n\nProse between, with `| a table |`.\n\n<!-- generated begin: source-reference" in fresh
    assert fresh.endswith(f"\n{render_source_reference()}\n<!-- generated end: source-reference -->\n\nProse after.\n")
    assert render_contract_markdown(fresh) == fresh


def test_a_missing_block_is_an_error_that_shows_the_markers_to_paste() -> None:
    document = f"# Title\n\n{empty_block('source-index')}\n"
    with pytest.raises(ContractDocError, match="expected one generated block 'source-reference', found 0") as caught:
        render_contract_markdown(document)
    assert empty_block("source-reference") in str(caught.value)
    twice = f"{empty_block('source-index')}\n{empty_block('source-index')}\n{empty_block('source-reference')}\n"
    with pytest.raises(ContractDocError, match="'source-index', found 2"):
        render_contract_markdown(twice)


def test_the_command_checks_and_rewrites_a_stale_doc(doc: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    stale = tmp_path / "data_contract.md"
    stale.write_text(doc.replace("| integer from 1 to 5 |", "| integer from 0 to 10 |"), encoding="utf-8")
    assert main(["--check", "--doc", str(stale)]) == 1
    assert "run `make contract`" in capsys.readouterr().err
    assert main(["--write", "--doc", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == doc
    assert main(["--check", "--doc", str(stale)]) == 0


def test_no_committed_file_points_outside_the_repository() -> None:
    # README, contract.py and the dbt sources once named the spec by a path outside the checkout.
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True, text=True)
    offenders = []
    for name in filter(None, listed.stdout.split("\0")):
        path = REPO_ROOT / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{name}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)
        ]
    assert offenders == [], "point these at docs/data_contract.md or another file of the repository:\n" + "\n".join(
        offenders
    )
