"""The README renders as written: every code block is closed before the next heading."""

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
