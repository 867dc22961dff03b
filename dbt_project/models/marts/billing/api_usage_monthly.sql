-- API usage per UTC month over every customer (the billing page's usage chart), with the month in progress
-- flagged by the one month rule (macros/scorecard/loop_kpi.sql): billing's KPI mart holds closed months only,
-- so the usage, which runs ahead of the invoices, says itself which month is not over.
with

usage_daily as (

    select
        date_day,
        requests,
        billable_units,
        requests_4xx,
        requests_5xx
    from {{ ref('api_usage_daily') }}

),

monthly as (

    select
        {{ month_start('date_day') }} as month_start,
        sum(requests) as requests,
        sum(billable_units) as billable_units,
        sum(requests_4xx) as requests_4xx,
        sum(requests_5xx) as requests_5xx
    from usage_daily
    group by {{ month_start('date_day') }}

),

final as (

    select
        month_start,
        {{ is_complete_month('month_start', '(select max(newest.date_day) from usage_daily as newest)') }}
            as is_complete_month,
        requests,
        billable_units,
        requests_4xx,
        requests_5xx
    from monthly

)

select
    month_start,
    is_complete_month,
    requests,
    billable_units,
    requests_4xx,
    requests_5xx
from final
