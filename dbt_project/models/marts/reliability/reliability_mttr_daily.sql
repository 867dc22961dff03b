-- Time to recover per day an error occurred (the reliability page's MTTR chart): the median and the mean over
-- the day's resolved errors, from exact minutes (error_events' minutes_to_recover is rounded, and a mart never
-- aggregates a rounded figure again).
with

resolved as (

    select
        occurred_date,
        {{ minutes_between('occurred_at', 'resolved_at') }} as minutes_to_recover,
        -- the mean's sum, exact on every engine (reliability_daily.sql)
        {{ seconds_between('occurred_at', 'resolved_at') }} as seconds_to_recover
    from {{ ref('error_events') }}
    where resolved_at is not null

),

daily as (

    select
        occurred_date as date_day,
        count(*) as resolved_errors,
        {{ percentile('minutes_to_recover', 0.5) }} as mttr_median,
        {{ quotient('sum(seconds_to_recover)', '60 * count(seconds_to_recover)') }} as mttr_mean
    from resolved
    group by occurred_date

),

final as (

    select
        date_day,
        resolved_errors,
        round(cast(mttr_median as {{ sql_type('numeric') }}), 2) as mttr_median_minutes,
        round(cast(mttr_mean as {{ sql_type('numeric') }}), 2) as mttr_mean_minutes
    from daily

)

select
    date_day,
    resolved_errors,
    mttr_median_minutes,
    mttr_mean_minutes
from final
