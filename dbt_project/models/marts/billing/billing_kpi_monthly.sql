-- The billing loop's KPI per month: the revenue of a closed month's invoices in USD (api_revenue_monthly holds
-- closed months only, so every month here is complete).
with

revenue as (

    select
        month_start,
        revenue_usd
    from {{ ref('api_revenue_monthly') }}

),

loop_months as (

    select
        'billing' as loop_name,
        month_start,
        true as is_complete_month,
        sum(revenue_usd) as kpi_value,
        sum(revenue_usd) as numerator,
        cast(null as {{ sql_type('numeric') }}) as denominator,
        true as also_met,
        cast(null as {{ sql_type('text') }}) as detail
    from revenue
    group by month_start

)

{{ kpi_with_target('loop_months') }}
