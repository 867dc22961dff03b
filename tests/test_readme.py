"""The README renders as written (every code block closed) and names the commands `aias` has, all of them."""

import argparse
import re

from aias_dagster.cli.main import build_parser
from tests.conftest import REPO_ROOT


def open_fence_at_headings(markdown: str) -> list[str]:
    """Headings that fall inside a code block: the block before them was never closed."""
    inside, swallowed = False, []
    for line in markdown.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside and line.startswith(("# ", "## ", "### ")):
            swallowed.append(line)
    return swallowed + (["(the last code block is never closed)"] if inside else [])


def test_every_code_block_of_the_readme_is_closed_before_the_next_heading() -> None:
    # The product loop's SQL block was never closed: "### 3. Support" and 40 lines after it rendered as code.
    assert open_fence_at_headings((REPO_ROOT / "README.md").read_text(encoding="utf-8")) == []


def test_an_unclosed_block_is_found() -> None:
    assert open_fence_at_headings("```sql\nselect 1;\n\n### 3. Support\n") == [
        "### 3. Support",
        "(the last code block is never closed)",
    ]


def readme_commands(markdown: str) -> list[list[str]]:
    """Every `aias ...` command the README's command table names, as words, placeholders and brackets dropped."""
    commands = []
    for line in markdown.splitlines():
        match = re.match(r"\| `(aias [^`]*)`", line)
        if match:
            words = re.sub(r"[\[\]|]", " ", match.group(1)).split()
            commands.append([w for w in words if w.startswith("-") or re.fullmatch(r"[a-z][a-z-]*", w)])
    return commands


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # argparse keeps them here
    return dict(action.choices)


def test_every_command_of_the_readme_is_one_aias_takes_and_every_command_is_in_the_readme() -> None:
    # `aias run ingest` worked but was in neither the README nor --help; `aias db --stop` was refused.
    parser = build_parser()
    commands = subcommands(parser)
    named = readme_commands((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    for words in named:
        _aias, command, *rest = words
        assert command in commands, words
        options = {o for a in commands[command]._actions for o in a.option_strings}
        choices = {c for a in commands[command]._actions if a.choices and not a.option_strings for c in a.choices}
        for word in rest:
            assert word in options or word in choices, (words, word)
    assert {words[1] for words in named} == set(commands)
    run_jobs = {words[2] for words in named if words[1] == "run"}
    (job,) = (a for a in commands["run"]._actions if a.dest == "job")
    assert run_jobs == set(job.choices) and all(name in (job.help or "") for name in job.choices)
    assert ["aias", "db", "--stop"] in named
