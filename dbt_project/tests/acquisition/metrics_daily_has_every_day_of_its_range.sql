-- metrics_daily has a row for every day between its first and its last (a quiet day is a row of zeros,
-- not a gap a chart would draw across).
with

metrics as (

    select date_day
    from {{ ref('metrics_daily') }}

),

all_days as (

    {{ day_spine('(select min(metrics.date_day) from metrics)', '(select max(metrics.date_day) from metrics)') }}

),

final as (

    select all_days.date_day
    from all_days
    where not exists (
        select 1
        from metrics
        where metrics.date_day = all_days.date_day
    )

)

select * from final
