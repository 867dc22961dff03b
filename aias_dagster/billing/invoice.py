"""An invoice as the close plans it: its own module because the close (close.py) builds it and the
outbox (outbox.py) renders it, and neither of those may import the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from aias_dagster.billing.pricing import Line, invoice_total


@dataclass
class Invoice:
    invoice_id: str
    customer_id: str
    month: date
    currency: str
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return invoice_total(self.lines)
