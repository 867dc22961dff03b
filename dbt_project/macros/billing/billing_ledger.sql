{#-
    A table of the billing ledger (schema `billing`, written by the monthly close in aias_dagster/billing/,
    never by dbt), or an empty relation of the same columns while no month has been closed yet, so the
    billing marts build on a fresh warehouse. The source() call keeps the lineage in either case.
-#}
{% macro billing_ledger(name) -%}
    {%- set relation = source('billing', name) -%}
    {%- if execute and adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        ({{ billing_ledger_empty(name) }}) as empty_{{ name }}
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{% macro billing_ledger_empty(name) -%}
    {%- set columns = {
        'invoices': [
            ('invoice_id', 'text'), ('customer_id', 'text'), ('month', 'date'), ('currency', 'text'),
            ('total', 'numeric'), ('status', 'text'), ('idempotency_key', 'uuid'), ('finalized_at', 'timestamptz')
        ],
        'invoice_lines': [
            ('invoice_id', 'text'), ('line_number', 'integer'), ('kind', 'text'), ('period_month', 'date'),
            ('plan_id', 'text'), ('plan_version', 'integer'), ('subscription_id', 'text'), ('units', 'bigint'),
            ('days', 'integer'), ('amount', 'numeric'), ('description', 'text')
        ],
    } -%}
    select
    {%- for column, type in columns[name] %}
        cast(null as {{ type }}) as {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
    where false
{%- endmacro %}
