-- The support loop's KPI per month: the share of the month's tickets that an agent or a rule categorized, with
-- whether its top 5 issues are listed (`also_met`).
with

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

months as (

    select
        month_start,
        sum(tickets) as tickets,
        sum(case when category = 'uncategorized' then tickets else 0 end) as uncategorized,
        max(case when is_complete_month then 1 else 0 end) = 1 as is_complete_month
    from support_monthly
    group by month_start

),

top_listed as (

    select
        month_start,
        count(*) as listed,
        {{ ordered_list('category', 'issue_rank') }} as categories
    from top_issues
    group by month_start

),

loop_months as (

    select
        'support' as loop_name,
        months.month_start,
        months.is_complete_month,
        case
            when months.tickets > 0
                then {{ round_share('1 - months.uncategorized * 1.0 / months.tickets') }}
        end as kpi_value,
        months.tickets - months.uncategorized as numerator,
        months.tickets as denominator,
        coalesce(top_listed.listed, 0) >= 5 as also_met,
        'top ' || cast(coalesce(top_listed.listed, 0) as {{ sql_type('text') }}) || ': '
        || coalesce(top_listed.categories, 'none') as detail
    from months
    left join top_listed
        on months.month_start = top_listed.month_start

)

{{ kpi_with_target('loop_months') }}
