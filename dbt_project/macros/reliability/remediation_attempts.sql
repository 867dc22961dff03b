{#-
    The remediation ledger's finished attempts, or an empty relation of the same shape while the ledger
    does not exist yet (a warehouse whose remediation sensor never ran: aias_dagster/reliability/ledger.py
    creates ops.remediations on its first run). Read at run time, so a build before and after the
    first remediation both work.
-#}
{% macro remediation_attempts() -%}
    {%- set ledger = adapter.get_relation(database=target.database, schema='ops', identifier='remediations')
        if execute else none -%}
    {%- if ledger is not none %}
    select
        error_id,
        idempotency_key,
        action,
        attempt,
        started_at,
        finished_at,
        outcome
    from {{ source('ops', 'remediations') }}
    where finished_at is not null
    {%- else %}
    -- depends_on: {{ source('ops', 'remediations') }}
    select
        cast(null as text) as error_id,
        cast(null as text) as idempotency_key,
        cast(null as text) as action,
        cast(null as integer) as attempt,
        cast(null as timestamp with time zone) as started_at,
        cast(null as timestamp with time zone) as finished_at,
        cast(null as text) as outcome
    where false
    {%- endif %}
{%- endmacro %}
