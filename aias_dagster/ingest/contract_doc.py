"""docs/data_contract.md's per-source reference, written from the contract's data.

The document is hand-written prose with generated blocks between markers. Regenerating replaces only
what sits between a block's markers, so the prose survives, and a test compares the committed file
with a fresh rendering: a column added to `contract.py` without `make contract` fails the suite
instead of leaving the document behind.

    python -m aias_dagster.ingest.contract_doc --write   # what `make contract` runs
    python -m aias_dagster.ingest.contract_doc --check   # exit 1 when the document is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from aias_dagster.ingest.contract import SOURCES, Column, Kind, Source

DOC_RELATIVE_PATH = Path("docs") / "data_contract.md"
REGENERATE_COMMAND = "make contract"

FORMATS: dict[Kind, str] = {
    Kind.TEXT: "text",
    Kind.TIMESTAMP: "ISO 8601 timestamp with an offset or `Z`",
    Kind.DATE: "date, `YYYY-MM-DD`",
    Kind.INTEGER: "integer",
    Kind.DECIMAL: "decimal number",
    Kind.CHOICE: "one of",
    Kind.COUNTRY: "ISO 3166-1 alpha-2 country code, e.g. `DE`",
    Kind.CURRENCY: "ISO 4217 currency code, e.g. `EUR`",
    Kind.JSON_OBJECT: "JSON object",
}


class ContractDocError(Exception):
    """A generated block of the document is missing or appears twice."""


def _code(text: str) -> str:
    return f"`{text}`"


def _codes(names: tuple[str, ...]) -> str:
    return ", ".join(_code(n) for n in names)


def _number(value: Decimal) -> str:
    return format(value, "f")


def range_rule(column: Column) -> str | None:
    """The column's bounds as the validator applies them (both bounds inclusive when both are set)."""
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        return f"from {_number(low)} to {_number(high)}"
    if low is not None:
        return f"{'>' if column.minimum_exclusive else '>='} {_number(low)}"
    if high is not None:
        return f"<= {_number(high)}"
    return None


def accepts(column: Column) -> str:
    """What a field of the column may hold, in one cell: format, choices, bounds, line breaks."""
    if column.free_text:
        return "free text, may hold quoted line breaks"
    text = f"one of {_codes(column.choices)}" if column.kind is Kind.CHOICE else FORMATS[column.kind]
    bound = range_rule(column)
    return f"{text} {bound}" if bound else text


def if_empty(column: Column) -> str:
    """What an empty field means: a reject, NULL, or the column's default."""
    if column.default is not None:
        return f"default {_code(column.default)}"
    if column.may_be_absent:
        return "NULL; the header may lack the column (then NULL on every row)"
    return "row rejected" if column.required else "NULL"


def version_rule(source: Source) -> str:
    if source.version_column:
        return (
            f"the row with the greater {_code(source.version_column)} wins; "
            "on a tie, the later delivery day, then the later line"
        )
    return "no version column: the later delivery day wins, then the later line"


def render_source_index(sources: tuple[Source, ...] = SOURCES) -> str:
    """A table of contents of the sources: name (linked to its section), loop, key, purpose."""
    lines = ["| source | loop | key | what it holds |", "|---|---|---|---|"]
    for s in sources:
        lines.append(f"| [{s.name}](#{s.name}) | {s.loop} | {_codes(s.key)} | {s.description} |")
    return "\n".join(lines)


def render_source(source: Source) -> str:
    lines = [
        f"### {source.name}",
        "",
        source.description,
        "",
        f"- Landing files: `<landing>/{source.name}/YYYY-MM-DD.csv` (or `.csv.gz`); table `{source.table}`",
        f"- Loop: {source.loop}",
        f"- Key: {_codes(source.key)}",
        f"- Version: {version_rule(source)}",
        f"- Event time: {_code(source.event_time)}",
        "",
        "| column | Postgres type | if empty | accepts |",
        "|---|---|---|---|",
    ]
    for c in source.columns:
        lines.append(f"| {_code(c.name)} | {_code(c.pg_type)} | {if_empty(c)} | {accepts(c)} |")
    return "\n".join(lines)


def render_source_reference(sources: tuple[Source, ...] = SOURCES) -> str:
    """One section per source: key, version rule, event time and a table of its columns."""
    return "\n\n".join(render_source(s) for s in sources)


GENERATED_BLOCKS: dict[str, Callable[[], str]] = {
    "source-index": render_source_index,
    "source-reference": render_source_reference,
}


def _marker(edge: str, name: str) -> str:
    note = f" (written from aias_dagster/ingest/contract.py by `{REGENERATE_COMMAND}`; do not edit)"
    return f"<!-- generated {edge}: {name}{note if edge == 'begin' else ''} -->"


def empty_block(name: str) -> str:
    """A block's two markers, to paste where the block should go."""
    return f"{_marker('begin', name)}\n{_marker('end', name)}"


def render_contract_markdown(document: str) -> str:
    """The document with every generated block rewritten from the contract; all else unchanged."""
    for name, render in GENERATED_BLOCKS.items():
        pattern = re.compile(
            rf"^<!-- generated begin: {re.escape(name)}\b.*?-->\n.*?^<!-- generated end: {re.escape(name)} -->$",
            re.MULTILINE | re.DOTALL,
        )
        found = pattern.findall(document)
        if len(found) != 1:
            raise ContractDocError(
                f"{DOC_RELATIVE_PATH}: expected one generated block {name!r}, found {len(found)}; "
                f"put these two lines where it belongs, then run `{REGENERATE_COMMAND}`:\n{empty_block(name)}"
            )
        block = f"{_marker('begin', name)}\n{render()}\n{_marker('end', name)}"
        document = pattern.sub(lambda _match, block=block: block, document)
    return document


def main(argv: list[str] | None = None) -> int:
    from aias_dagster.platform.warehouse import project_root

    parser = argparse.ArgumentParser(description=f"regenerate or check {DOC_RELATIVE_PATH} from the contract")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite the generated blocks in place")
    mode.add_argument("--check", action="store_true", help="exit 1 when the document differs from the contract")
    parser.add_argument("--doc", type=Path, help=f"the document (default: the checkout's {DOC_RELATIVE_PATH})")
    args = parser.parse_args(argv)

    path: Path = args.doc or project_root() / DOC_RELATIVE_PATH
    current = path.read_text(encoding="utf-8")
    fresh = render_contract_markdown(current)
    if args.write:
        if fresh != current:
            path.write_text(fresh, encoding="utf-8")
            print(f"{path}: rewritten from the contract")
        else:
            print(f"{path}: already up to date")
        return 0
    if fresh != current:
        print(f"{path} differs from aias_dagster/ingest/contract.py; run `{REGENERATE_COMMAND}`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
