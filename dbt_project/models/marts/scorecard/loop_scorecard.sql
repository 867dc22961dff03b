-- One row per loop: its KPI in its last complete month against the target, with the age of the newest data
-- behind it. A loop without a complete month still has its row, with status `no_data`.
with

targets as (

    {{ newest_scorecard_targets(ref('scorecard_targets')) }}

),

kpi_months as (

    select
        loop_name,
        month_start
    from {{ ref('int_scorecard__kpi_months') }}
    where is_complete_month

),

loop_data as (

    select
        loop_name,
        data_as_of
    from {{ ref('int_scorecard__loop_data') }}

),

monthly as (

    select
        loop_name,
        month_start,
        kpi_value,
        status,
        detail
    from {{ ref('loop_scorecard_monthly') }}

),

-- Each loop's own last complete month: a loop that is behind shows its newest month, and its data age says
-- how far behind it is.
last_months as (

    select
        loop_name,
        max(month_start) as month_start
    from kpi_months
    group by loop_name

),

final as (

    select
        targets.loop_name,
        last_months.month_start,
        targets.loop_order,
        targets.owner,
        targets.kpi,
        monthly.kpi_value,
        targets.target,
        targets.comparison,
        targets.unit,
        coalesce(monthly.status, 'no_data') as status,
        monthly.detail,
        loop_data.data_as_of,
        targets.original_delay_days,
        {{ data_age_days('loop_data.data_as_of') }} as data_age_days,
        {{ run_processed_at() }} as built_at
    from targets
    left join loop_data
        on targets.loop_name = loop_data.loop_name
    left join last_months
        on targets.loop_name = last_months.loop_name
    left join monthly
        on
            last_months.loop_name = monthly.loop_name
            and last_months.month_start = monthly.month_start

)

select * from final
