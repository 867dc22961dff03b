{#-
    The remediation ledger's finished attempts, or an empty relation of the same shape while the ledger
    does not exist yet (a warehouse whose remediation sensor never ran: aias_dagster/reliability/ledger.py
    creates ops.remediations on its first run). Read at run time, so a build before and after the
    first remediation both work.
-#}
{% macro remediation_attempts() -%}
    select
        error_id,
        idempotency_key,
        action,
        attempt,
        started_at,
        finished_at,
        outcome
    from (
        {{ python_table_or_empty('ops', 'remediations', [
            'error_id text', 'idempotency_key text', 'action text', 'attempt integer',
            'started_at timestamptz', 'finished_at timestamptz', 'outcome text',
        ]) }}
    ) as ledger
    where finished_at is not null
{%- endmacro %}
