-- First response and resolution times and satisfaction per month over every category (the support page's
-- monthly charts): medians and percentiles cannot be combined from support_monthly's per-category rows, so
-- they are taken over the month's tickets here.
with

tickets as (

    select
        created_month,
        first_response_minutes,
        resolution_minutes,
        csat_score
    from {{ ref('support_tickets') }}

),

monthly as (

    select
        created_month as month_start,
        count(*) as tickets,
        {{ percentile('first_response_minutes', 0.5) }} as first_response_median,
        {{ percentile('first_response_minutes', 0.9) }} as first_response_p90,
        {{ percentile('resolution_minutes', 0.5) }} as resolution_median,
        {{ percentile('resolution_minutes', 0.9) }} as resolution_p90,
        avg(csat_score) as csat_mean,
        count(csat_score) as rated_tickets
    from tickets
    group by created_month

),

final as (

    select
        month_start,
        tickets,
        round(cast(first_response_median as {{ sql_type('numeric') }}), 1) as first_response_median_minutes,
        round(cast(first_response_p90 as {{ sql_type('numeric') }}), 1) as first_response_p90_minutes,
        round(cast(resolution_median as {{ sql_type('numeric') }}), 1) as resolution_median_minutes,
        round(cast(resolution_p90 as {{ sql_type('numeric') }}), 1) as resolution_p90_minutes,
        round(cast(csat_mean as {{ sql_type('numeric') }}), 2) as csat_mean,
        rated_tickets
    from monthly

)

select
    month_start,
    tickets,
    first_response_median_minutes,
    first_response_p90_minutes,
    resolution_median_minutes,
    resolution_p90_minutes,
    csat_mean,
    rated_tickets
from final
