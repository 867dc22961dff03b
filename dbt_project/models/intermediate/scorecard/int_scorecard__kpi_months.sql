-- Every loop's KPI per month, exact: the union of the loops' own `<loop>_kpi_monthly` marts, where each KPI and
-- its month rule are defined once. loop_scorecard_monthly rounds the values once and judges them.
{%- set loop_names = ['acquisition', 'product', 'support', 'billing', 'reliability'] %}
{% for loop_name in loop_names %}
    {%- if not loop.first %}
        union all
    {% endif %}
    select
        loop_name,
        month_start,
        kpi_value,
        also_met,
        detail,
        is_complete_month
    from {{ ref(loop_name ~ '_kpi_monthly') }}
{% endfor %}
