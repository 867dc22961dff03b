{#-
    The calibrated CAC's intervals (marts.cac_monthly_intervals, written by the Python asset of that name after
    cac_monthly), or an empty relation of the same shape while the asset has never run.
-#}
{% macro cac_intervals() -%}
    {{ python_table_or_empty('acquisition_python', 'cac_monthly_intervals', [
        'month_start date', 'attribution_model text', 'channel text', 'paid_cac_calibrated numeric(38, 2)',
        'paid_cac_low numeric(38, 2)', 'paid_cac_high numeric(38, 2)', 'replicates integer']) }}
{%- endmacro %}
