"""The billing ledger: `billing.invoices`, `billing.invoice_lines` and what a close writes beside them.

An invoice is a ledger entry: written once, in the transaction that closes its month, and never
updated or deleted. The database enforces it (a trigger refuses UPDATE, DELETE and TRUNCATE of
finalized invoices, their lines and their documents), so no code path, retry or hand-typed SQL can
change a bill that was sent. A correction is an adjustment line on a later invoice.
"""

from __future__ import annotations

import psycopg

from aias_dagster.platform.roles import ROLES

SCHEMA = "billing"
CLOSE_LOCK = "aias.billing.close"  # one lock for every month: adjustments read all earlier months

DDL = """
create schema if not exists billing;

create table if not exists billing.closed_months (
    month date primary key check (extract(day from month) = 1),
    closed_at timestamptz not null default now(),
    invoices integer not null,
    billable_units bigint not null,
    invoiced_units bigint not null,
    adjusted_units bigint not null,
    unbillable_units bigint not null,
    unbillable_requests bigint not null
);

create table if not exists billing.invoices (
    invoice_id text primary key,
    customer_id text not null,
    month date not null references billing.closed_months (month) deferrable initially deferred,
    currency text not null,
    total numeric not null,
    status text not null default 'finalized' check (status in ('finalized')),
    idempotency_key uuid not null unique,
    finalized_at timestamptz not null default now(),
    unique (customer_id, month, currency)
);

create table if not exists billing.invoice_lines (
    invoice_id text not null references billing.invoices (invoice_id),
    line_number integer not null check (line_number > 0),
    kind text not null check (kind in ('fee', 'usage', 'adjustment')),
    period_month date not null,
    plan_id text not null,
    plan_version integer not null,
    subscription_id text,
    units bigint not null default 0,
    days integer not null default 0,
    amount numeric not null,
    description text not null,
    primary key (invoice_id, line_number)
);
create unique index if not exists invoice_lines_one_fee_per_subscription
    on billing.invoice_lines (invoice_id, subscription_id) where kind = 'fee';
create unique index if not exists invoice_lines_one_usage_per_month
    on billing.invoice_lines (invoice_id) where kind = 'usage';
create unique index if not exists invoice_lines_one_adjustment_per_month
    on billing.invoice_lines (invoice_id, period_month) where kind = 'adjustment';
create index if not exists invoice_lines_period on billing.invoice_lines (period_month);

-- The outbox for the payment provider: what to send, once, under a key the provider deduplicates on.
create table if not exists billing.invoice_documents (
    invoice_id text primary key references billing.invoices (invoice_id),
    idempotency_key uuid not null unique,
    document jsonb not null,
    html text not null,
    created_at timestamptz not null default now()
);

create table if not exists billing.unbillable_usage (
    month date not null references billing.closed_months (month) deferrable initially deferred,
    customer_id text not null,
    requests bigint not null,
    units bigint not null,
    primary key (month, customer_id)
);

create or replace function billing.refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'billing.%: a finalized invoice never changes (%); %',
        tg_table_name, lower(tg_op), 'bill a correction as an adjustment line on the next invoice'
        using errcode = 'integrity_constraint_violation';
end
$$;
"""

GUARDED = ("invoices", "invoice_lines", "invoice_documents", "unbillable_usage", "closed_months")


def _trigger_ddl(table: str) -> str:
    return f"""
create or replace trigger {table}_never_change before update or delete on billing.{table}
    for each row execute function billing.refuse_change();
create or replace trigger {table}_never_truncate before truncate on billing.{table}
    for each statement execute function billing.refuse_change();
"""


def ensure_ledger(conn: psycopg.Connection) -> None:
    """Create what is missing (idempotent), under the close lock so two first runs do not race on DDL."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (CLOSE_LOCK,))
        if conn.execute("select to_regclass('billing.unbillable_usage') is not null").fetchone() == (True,):
            return
        conn.execute(DDL)
        for table in GUARDED:
            conn.execute(_trigger_ddl(table))
        _grant_reads(conn)


def _grant_reads(conn: psycopg.Connection) -> None:
    """dbt builds the billing marts as the transformer role, which only reads the ledger. Analysts read
    the marts, never the ledger itself (they read nothing outside `marts`)."""
    for role in (ROLES.transformer,):
        if conn.execute("select to_regrole(%s) is not null", (role,)).fetchone() == (True,):
            conn.execute(f"grant usage on schema billing to {role}")
            conn.execute(f"grant select on all tables in schema billing to {role}")
