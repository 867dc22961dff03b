-- The reliability loop's KPI per month: the share of the month's errors that were auto-fixed.
with

reliability_daily as (

    select
        date_day,
        errors,
        auto_fixed
    from {{ ref('reliability_daily') }}

),

loop_months as (

    select
        'reliability' as loop_name,
        {{ month_start('reliability_daily.date_day') }} as month_start,
        {{ is_complete_month(
            month_start('reliability_daily.date_day'),
            '(select max(newest.date_day) from reliability_daily as newest)'
        ) }} as is_complete_month,
        case
            when sum(reliability_daily.errors) > 0
                then {{ round_share('sum(reliability_daily.auto_fixed) * 1.0 / sum(reliability_daily.errors)') }}
        end as kpi_value,
        sum(reliability_daily.auto_fixed) as numerator,
        sum(reliability_daily.errors) as denominator,
        true as also_met,
        cast(sum(reliability_daily.auto_fixed) as {{ sql_type('text') }})
        || ' of ' || cast(sum(reliability_daily.errors) as {{ sql_type('text') }}) || ' errors' as detail
    from reliability_daily
    group by {{ month_start('reliability_daily.date_day') }}

)

{{ kpi_with_target('loop_months') }}
