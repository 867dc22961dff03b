{#-
    A table of the billing ledger (schema `billing`, written by the monthly close in aias_dagster/billing/,
    never by dbt), or an empty relation of the same columns while no month has been closed yet, so the
    billing marts build on a fresh warehouse (python_table_or_empty). Used as `from {{ billing_ledger(...) }}`.
-#}
{% macro billing_ledger(name) -%}
    {%- set columns = {
        'invoices': [
            'invoice_id text', 'customer_id text', 'month date', 'currency text', 'total numeric', 'status text',
            'idempotency_key uuid', 'finalized_at timestamptz',
        ],
        'invoice_lines': [
            'invoice_id text', 'line_number integer', 'kind text', 'period_month date', 'plan_id text',
            'plan_version integer', 'subscription_id text', 'units bigint', 'days integer', 'amount numeric',
            'description text',
        ],
    } -%}
    ({{ python_table_or_empty('billing', name, columns[name]) }}) as ledger_{{ name }}
{%- endmacro %}
