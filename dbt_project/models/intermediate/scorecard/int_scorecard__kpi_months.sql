-- Every loop's KPI per month, as its mart holds it: the union of the loops' own `<loop>_kpi_monthly` marts, where
-- each KPI and its month rule are defined once. loop_scorecard_monthly rounds the values and judges them. Each value is
-- cast to one exact type: Spark types a union of decimals by its widest integer part, which took billing's
-- cents (decimal(38, 2)) and rounded every share to two places (0.7599 judged as 0.76).
{%- set loop_names = ['acquisition', 'product', 'support', 'billing', 'reliability'] %}
{% for loop_name in loop_names %}
    {%- if not loop.first %}
        union all
    {% endif %}
    select
        loop_name,
        month_start,
        cast(kpi_value as {{ sql_type('numeric') }}) as kpi_value,
        also_met,
        detail,
        is_complete_month
    from {{ ref(loop_name ~ '_kpi_monthly') }}
{% endfor %}
