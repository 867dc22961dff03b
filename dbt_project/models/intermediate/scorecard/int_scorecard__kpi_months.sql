-- Each loop's KPI per month, read from the loop's own marts (docs/data_contract.md, "The scorecard"). Exact
-- values; loop_scorecard_monthly rounds them once and judges them. A month is complete when the loop's data
-- reaches its last day (billing: when it is closed, its invoices written).
with

metrics_daily as (

    select date_day
    from {{ ref('metrics_daily') }}

),

cac_monthly as (

    select
        month_start,
        attribution_coverage,
        month_new_paying_customers,
        month_attributed_new_paying_customers
    from {{ ref('cac_monthly') }}
    where is_default_model

),

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

support_monthly as (

    select
        month_start,
        category,
        tickets,
        is_complete_month
    from {{ ref('support_monthly') }}

),

top_issues as (

    select
        month_start,
        issue_rank,
        category
    from {{ ref('support_top_issues') }}

),

revenue as (

    select
        month_start,
        revenue_usd
    from {{ ref('api_revenue_monthly') }}

),

reliability_daily as (

    select
        date_day,
        errors,
        auto_fixed
    from {{ ref('reliability_daily') }}

),

-- Acquisition: the mart's attribution coverage (attributed / all new paying customers of the month) under the
-- default attribution model; the same on every channel row of the month.
acquisition_end as (

    select {{ month_start(add_days('max(date_day)', 1)) }} as first_incomplete_month
    from metrics_daily

),

acquisition as (

    select
        'acquisition' as loop_name,
        cac_monthly.month_start,
        max(cac_monthly.attribution_coverage) as kpi_value,
        true as also_met,
        cast({{ drop_trailing_zeros('max(cac_monthly.month_attributed_new_paying_customers)') }} as text)
        || ' of ' || cast({{ drop_trailing_zeros('max(cac_monthly.month_new_paying_customers)') }} as text)
        || ' new paying customers' as detail,
        cac_monthly.month_start < max(acquisition_end.first_incomplete_month) as is_complete_month
    from cac_monthly
    cross join acquisition_end
    group by cac_monthly.month_start

),

-- Product: of the catalogued features released by the month's end, the share with an adoption rate that month.
product_end as (

    select {{ month_start(add_days('max(date_day)', 1)) }} as first_incomplete_month
    from adoption_daily

),

product_months as (

    select distinct month_start
    from adoption_monthly

),

product as (

    select
        'product' as loop_name,
        product_months.month_start,
        case
            when count(catalog.feature) > 0
                then count(adoption_monthly.adoption_rate) * 1.0 / count(catalog.feature)
        end as kpi_value,
        true as also_met,
        cast(count(adoption_monthly.adoption_rate) as text)
        || ' of ' || cast(count(catalog.feature) as text) || ' features' as detail,
        product_months.month_start < max(product_end.first_incomplete_month) as is_complete_month
    from product_months
    cross join product_end
    left join catalog
        on {{ month_start('catalog.released_on') }} <= product_months.month_start
    left join adoption_monthly
        on
            product_months.month_start = adoption_monthly.month_start
            and catalog.feature = adoption_monthly.feature
    group by product_months.month_start

),

-- Support: the month's tickets that an agent or a rule categorized, and its top 5 listed.
support_months as (

    select
        month_start,
        sum(tickets) as tickets,
        sum(case when category = 'uncategorized' then tickets else 0 end) as uncategorized,
        max(case when is_complete_month then 1 else 0 end) = 1 as is_complete_month
    from support_monthly
    group by month_start

),

support_top as (

    select
        month_start,
        count(*) as listed,
        {{ ordered_list('category', 'issue_rank') }} as categories
    from top_issues
    group by month_start

),

support as (

    select
        'support' as loop_name,
        support_months.month_start,
        case
            when support_months.tickets > 0
                then 1 - support_months.uncategorized * 1.0 / support_months.tickets
        end as kpi_value,
        coalesce(support_top.listed, 0) >= 5 as also_met,
        'top ' || cast(coalesce(support_top.listed, 0) as text) || ': '
        || coalesce(support_top.categories, 'none') as detail,
        support_months.is_complete_month
    from support_months
    left join support_top
        on support_months.month_start = support_top.month_start

),

-- Billing: the revenue of a closed month's invoices in USD (the mart's months are the closed ones).
billing as (

    select
        'billing' as loop_name,
        month_start,
        sum(revenue_usd) as kpi_value,
        true as also_met,
        cast(null as text) as detail,
        true as is_complete_month
    from revenue
    group by month_start

),

-- Reliability: auto-fixed errors / all errors of the month.
reliability_end as (

    select {{ month_start(add_days('max(date_day)', 1)) }} as first_incomplete_month
    from reliability_daily

),

reliability as (

    select
        'reliability' as loop_name,
        {{ month_start('reliability_daily.date_day') }} as month_start,
        case
            when sum(reliability_daily.errors) > 0
                then sum(reliability_daily.auto_fixed) * 1.0 / sum(reliability_daily.errors)
        end as kpi_value,
        true as also_met,
        cast(sum(reliability_daily.auto_fixed) as text)
        || ' of ' || cast(sum(reliability_daily.errors) as text) || ' errors' as detail,
        {{ month_start('reliability_daily.date_day') }}
        < max(reliability_end.first_incomplete_month) as is_complete_month
    from reliability_daily
    cross join reliability_end
    group by {{ month_start('reliability_daily.date_day') }}

),

final as (

    select
        loop_name,
        month_start,
        kpi_value,
        also_met,
        detail,
        is_complete_month
    from acquisition
    union all
    select
        loop_name,
        month_start,
        kpi_value,
        also_met,
        detail,
        is_complete_month
    from product
    union all
    select
        loop_name,
        month_start,
        kpi_value,
        also_met,
        detail,
        is_complete_month
    from support
    union all
    select
        loop_name,
        month_start,
        kpi_value,
        also_met,
        detail,
        is_complete_month
    from billing
    union all
    select
        loop_name,
        month_start,
        kpi_value,
        also_met,
        detail,
        is_complete_month
    from reliability

)

select * from final
