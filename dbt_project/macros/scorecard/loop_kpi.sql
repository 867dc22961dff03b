{#-
    The targets in force: the rows of the scorecard seed's newest version (a new target is a new version, so
    a month's scorecard can be explained by the targets of its time). `targets` is `ref('scorecard_targets')`,
    passed in so the model declares the dependency.
-#}
{% macro newest_scorecard_targets(targets) -%}
    select
        version as targets_version,
        loop_order,
        loop_name,
        owner,
        kpi,
        target,
        comparison,
        unit,
        original_delay_days
    from {{ targets }}
    where version = (select max(newest.version) from {{ targets }} as newest)
{%- endmacro %}


{#-
    "A month is complete when the loop's data reaches its last day": the one month rule of every loop's KPI,
    its checks and its pages. `newest_day` is the newest day the loop's data holds (an expression or a
    scalar subquery); a month before the month of the day after it is complete.
-#}
{% macro is_complete_month(month_column, newest_day) -%}
    coalesce({{ month_column }} < {{ month_start(add_days(newest_day, 1)) }}, false)
{%- endmacro %}


{#-
    A loop's monthly KPI beside its target in force: the last select of every `<loop>_kpi_monthly` mart. `months`
    is the CTE holding the loop's months (loop_name, month_start, is_complete_month, kpi_value, numerator,
    denominator, also_met, detail).
-#}
{% macro kpi_with_target(months) -%}
    select
        {{ months }}.loop_name,
        {{ months }}.month_start,
        {{ months }}.is_complete_month,
        {{ months }}.kpi_value,
        {{ months }}.numerator,
        {{ months }}.denominator,
        {{ months }}.also_met,
        {{ months }}.detail,
        targets.kpi,
        targets.target,
        targets.comparison,
        targets.unit
    from {{ months }}
    inner join ({{ newest_scorecard_targets(ref('scorecard_targets')) }}) as targets
        on {{ months }}.loop_name = targets.loop_name
{%- endmacro %}
