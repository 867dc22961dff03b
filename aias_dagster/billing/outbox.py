"""Each invoice as the payment provider receives it: a JSON document and a readable HTML page.

Both are written in the close's transaction (`billing.invoice_documents`), under the invoice's
idempotency key: whatever sends the outbox may retry, and the provider charges once per key.
Amounts travel as strings and as integer minor units, never as floats.
"""

from __future__ import annotations

import html
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from aias_dagster.billing.invoice import Invoice


def minor_amount(amount: Decimal) -> int:
    """The amount in the currency's minor unit (cents, yen, fils): the lines are already rounded to it."""
    return int(amount.scaleb(-amount.as_tuple().exponent)) if amount.as_tuple().exponent < 0 else int(amount)


def invoice_document(invoice: Invoice, key: uuid.UUID, finalized_at: datetime) -> dict[str, Any]:
    return {
        "invoice_id": invoice.invoice_id,
        "idempotency_key": str(key),
        "customer_id": invoice.customer_id,
        "period": f"{invoice.month:%Y-%m}",
        "currency": invoice.currency,
        "status": "finalized",
        "finalized_at": finalized_at.isoformat(),
        "total": str(invoice.total),
        "total_minor_units": minor_amount(invoice.total),
        "lines": [
            {
                "number": n,
                "kind": line.kind,
                "period": f"{line.month:%Y-%m}",
                "plan_id": line.plan_id,
                "plan_version": line.plan_version,
                "units": line.units,
                "days": line.days,
                "description": line.description,
                "amount": str(line.amount),
            }
            for n, line in enumerate(invoice.lines, start=1)
        ],
    }


def invoice_html(invoice: Invoice, key: uuid.UUID, finalized_at: datetime) -> str:
    """A self-contained page (no script, no external resources), every value escaped."""
    esc = html.escape
    rows = "\n".join(
        f"<tr><td>{n}</td><td>{esc(line.kind)}</td><td>{line.month:%Y-%m}</td><td>{esc(line.description)}</td>"
        f'<td class="num">{esc(str(line.amount))}</td></tr>'
        for n, line in enumerate(invoice.lines, start=1)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice {esc(invoice.invoice_id)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:48rem}}table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}}.num{{text-align:right}}</style></head>
<body>
<h1>Invoice {esc(invoice.invoice_id)}</h1>
<p>Customer <strong>{esc(invoice.customer_id)}</strong> &middot; period {invoice.month:%B %Y} &middot;
currency {esc(invoice.currency)} &middot; finalized {finalized_at:%Y-%m-%d %H:%M} UTC</p>
<table><thead><tr><th>#</th><th>kind</th><th>month</th><th>description</th><th class="num">amount</th></tr></thead>
<tbody>
{rows}
</tbody>
<tfoot><tr><th colspan="4">Total</th><th class="num">{esc(invoice.currency)} {esc(str(invoice.total))}</th></tr></tfoot>
</table>
<p><small>Idempotency key {key}</small></p>
</body></html>
"""
