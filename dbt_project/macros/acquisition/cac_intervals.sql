{#-
    The calibrated CAC's intervals (marts.cac_monthly_intervals, written by the Python asset of that name after
    cac_monthly), or an empty relation of the same shape while the asset has never run: a `dbt build` on its own
    still succeeds, and the run that writes the intervals rebuilds what reads them (Dagster orders the two).
-#}
{% macro cac_intervals() -%}
    {%- set intervals = adapter.get_relation(
        database=target.database, schema='marts', identifier='cac_monthly_intervals'
    ) if execute else none -%}
    {%- if intervals is not none %}
    select
        month_start,
        attribution_model,
        channel,
        paid_cac_calibrated,
        paid_cac_low,
        paid_cac_high,
        replicates
    from {{ source('acquisition_python', 'cac_monthly_intervals') }}
    {%- else %}
    -- depends_on: {{ source('acquisition_python', 'cac_monthly_intervals') }}
    select
        cast(null as date) as month_start,
        cast(null as text) as attribution_model,
        cast(null as text) as channel,
        cast(null as numeric(38, 2)) as paid_cac_calibrated,
        cast(null as numeric(38, 2)) as paid_cac_low,
        cast(null as numeric(38, 2)) as paid_cac_high,
        cast(null as integer) as replicates
    where false
    {%- endif %}
{%- endmacro %}
