-- Attributed plus unattributed new paying customers = all new paying customers of the month, counted
-- straight from the customers (converted_at's UTC month), for every attribution model; the same for the
-- coverage-adjusted and the survey-calibrated counts, and the month totals beside every row agree. Credits add up exactly (see
-- int_acquisition__attribution), and the mart rounds each count once to 4 places (macros/marts/mart_precision.sql):
-- the month totals, rounded from exact whole numbers, must match with `<>`, no tolerance; the sum over a
-- month's channel rows, each rounded on its own, may be off by half a unit of the 4th place per row
-- (rounding_slack), and by no more.
-- Shown in Dagster as a check of cac_monthly (it reads more than one model).
{{ config(meta={'dagster': {'ref': {'name': 'cac_monthly'}}}) }}
with

customers as (

    select converted_date
    from {{ ref('stg_platform__customers') }}
    where is_paying

),

cac_monthly as (

    select
        month_start,
        attribution_model,
        new_paying_customers,
        new_paying_customers_adjusted,
        new_paying_customers_calibrated,
        month_new_paying_customers,
        month_attributed_new_paying_customers,
        month_unattributed_new_paying_customers
    from {{ ref('cac_monthly') }}

),

attribution_models as (

    {{ attribution_models_query() }}

),

paying_by_month as (

    select
        {{ month_start('converted_date') }} as month_start,
        count(*) as new_paying_customers
    from customers
    group by {{ month_start('converted_date') }}

),

expected as (

    select
        paying_by_month.month_start,
        attribution_models.attribution_model,
        paying_by_month.new_paying_customers
    from paying_by_month
    cross join attribution_models

),

reported as (

    select
        month_start,
        attribution_model,
        count(*) as rounded_rows,
        sum(new_paying_customers) as new_paying_customers,
        sum(new_paying_customers_adjusted) as new_paying_customers_adjusted,
        sum(new_paying_customers_calibrated) as new_paying_customers_calibrated,
        min(month_new_paying_customers) as min_month_total,
        max(month_new_paying_customers) as max_month_total,
        max(month_attributed_new_paying_customers + month_unattributed_new_paying_customers) as month_parts
    from cac_monthly
    group by month_start, attribution_model

),

final as (

    select
        coalesce(expected.month_start, reported.month_start) as month_start,
        coalesce(expected.attribution_model, reported.attribution_model) as attribution_model,
        expected.new_paying_customers as all_new_paying_customers,
        reported.new_paying_customers as attributed_plus_unattributed,
        reported.new_paying_customers_adjusted,
        reported.new_paying_customers_calibrated,
        reported.min_month_total,
        reported.max_month_total,
        reported.month_parts
    from expected
    full outer join reported
        on
            expected.month_start = reported.month_start
            and expected.attribution_model = reported.attribution_model
    where
        abs(coalesce(expected.new_paying_customers, 0) - coalesce(reported.new_paying_customers, -1))
        > {{ rounding_slack('coalesce(reported.rounded_rows, 0)', customers_places()) }}
        or abs(coalesce(expected.new_paying_customers, 0) - coalesce(reported.new_paying_customers_adjusted, -1))
        > {{ rounding_slack('coalesce(reported.rounded_rows, 0)', customers_places()) }}
        or abs(coalesce(expected.new_paying_customers, 0) - coalesce(reported.new_paying_customers_calibrated, -1))
        > {{ rounding_slack('coalesce(reported.rounded_rows, 0)', customers_places()) }}
        or coalesce(expected.new_paying_customers, 0) <> coalesce(reported.min_month_total, -1)
        or coalesce(expected.new_paying_customers, 0) <> coalesce(reported.max_month_total, -1)
        or coalesce(expected.new_paying_customers, 0) <> coalesce(reported.month_parts, -1)

)

select * from final
