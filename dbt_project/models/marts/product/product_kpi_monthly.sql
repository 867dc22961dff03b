-- The product loop's KPI per month: of the catalogued features released by the month's end (newest catalog
-- version), the share with an adoption rate that month.
with

adoption_daily as (

    select date_day
    from {{ ref('feature_adoption_daily') }}

),

adoption_monthly as (

    select
        month_start,
        feature,
        adoption_rate
    from {{ ref('feature_adoption_monthly') }}

),

catalog as (

    {{ newest_feature_catalog(ref('feature_catalog')) }}

),

months as (

    select distinct month_start
    from adoption_monthly

),

loop_months as (

    select
        'product' as loop_name,
        months.month_start,
        {{ is_complete_month('months.month_start', '(select max(adoption_daily.date_day) from adoption_daily)') }}
            as is_complete_month,
        case
            when count(catalog.feature) > 0
                then {{ round_share('count(adoption_monthly.adoption_rate) * 1.0 / count(catalog.feature)') }}
        end as kpi_value,
        count(adoption_monthly.adoption_rate) as numerator,
        count(catalog.feature) as denominator,
        true as also_met,
        cast(count(adoption_monthly.adoption_rate) as {{ sql_type('text') }})
        || ' of ' || cast(count(catalog.feature) as {{ sql_type('text') }}) || ' features' as detail
    from months
    left join catalog
        on {{ month_start('catalog.released_on') }} <= months.month_start
    left join adoption_monthly
        on
            months.month_start = adoption_monthly.month_start
            and catalog.feature = adoption_monthly.feature
    group by months.month_start

)

{{ kpi_with_target('loop_months') }}
