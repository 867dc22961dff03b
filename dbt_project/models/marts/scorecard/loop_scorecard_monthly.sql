-- Every loop's KPI against its target, per month: the scorecard's trend. Every loop has a row for every
-- month that any loop has completed, so a loop whose data stopped says so (`no_data`) instead of vanishing.
with

targets as (

    {{ newest_scorecard_targets(ref('scorecard_targets')) }}

),

kpi_months as (

    select
        loop_name,
        month_start,
        kpi_value,
        also_met,
        detail
    from {{ ref('int_scorecard__kpi_months') }}
    where is_complete_month

),

loop_data as (

    select
        loop_name,
        data_as_of
    from {{ ref('int_scorecard__loop_data') }}

),

months as (

    select distinct month_start
    from kpi_months

),

-- Rounded once, to the precision of the loop's own mart, before it is judged: the status always agrees with
-- the value shown beside it.
valued as (

    select
        targets.loop_name,
        months.month_start,
        targets.loop_order,
        targets.owner,
        targets.kpi,
        case
            when targets.unit = 'usd' then {{ keep_scale(round_money('kpi_months.kpi_value'), 4) }}
            else {{ round_share('kpi_months.kpi_value') }}
        end as kpi_value,
        targets.target,
        targets.comparison,
        targets.unit,
        coalesce(kpi_months.also_met, false) as also_met,
        kpi_months.detail,
        loop_data.data_as_of,
        targets.original_delay_days
    from targets
    cross join months
    left join kpi_months
        on
            targets.loop_name = kpi_months.loop_name
            and months.month_start = kpi_months.month_start
    left join loop_data
        on targets.loop_name = loop_data.loop_name

),

final as (

    select
        loop_name,
        month_start,
        loop_order,
        owner,
        kpi,
        kpi_value,
        target,
        comparison,
        unit,
        {{ scorecard_status('kpi_value', 'target', 'comparison', 'also_met') }} as status,
        detail,
        data_as_of,
        original_delay_days,
        {{ data_age_days('data_as_of') }} as data_age_days,
        {{ run_processed_at() }} as built_at
    from valued

)

select * from final
