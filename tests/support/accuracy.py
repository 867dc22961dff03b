"""Accuracy of a categorization against true labels: the share right, and the confusion matrix as markdown
(docs/support_categorization.md is written from these)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

CATEGORIES = ("billing", "login_access", "api_errors", "performance", "bug_report", "feature_request",
              "account_management", "data_export", "how_to")  # fmt: skip
UNCATEGORIZED = "uncategorized"


def accuracy(truth: Sequence[str], decided: Sequence[str]) -> float:
    return sum(t == d for t, d in zip(truth, decided, strict=True)) / len(truth)


def confusion_markdown(truth: Sequence[str], decided: Sequence[str]) -> str:
    """Rows: the true category; columns: what the categorization decided (`uncat.`: no rule matched)."""
    counts = Counter(zip(truth, decided, strict=True))
    columns = (*CATEGORIES, UNCATEGORIZED)
    short = {c: c.replace("account_management", "account").replace("feature_request", "feature")
             .replace("login_access", "login").replace("bug_report", "bug").replace("data_export", "export")
             .replace("api_errors", "api").replace(UNCATEGORIZED, "uncat.") for c in columns}  # fmt: skip
    lines = [
        "| true \\ decided | " + " | ".join(short[c] for c in columns) + " | right |",
        "|---|" + "---:|" * (len(columns) + 1),
    ]
    for t in CATEGORIES:
        total = sum(counts[(t, d)] for d in columns)
        cells = [str(counts[(t, d)]) if counts[(t, d)] else "" for d in columns]
        right = f"{counts[(t, t)] / total:.0%}" if total else "-"
        lines.append(f"| {t} | " + " | ".join(cells) + f" | {right} |")
    return "\n".join(lines)
