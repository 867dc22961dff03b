-- Unresolved errors per category by their age at the newest error in the data (the reliability page's
-- "unresolved by age" chart): under an hour, under a day, under a week, older.
with

events as (

    select
        occurred_at,
        category,
        resolved_at
    from {{ ref('error_events') }}

),

as_of as (

    select max(occurred_at) as data_as_of
    from events

),

aged as (

    select
        events.category,
        as_of.data_as_of,
        case
            when events.occurred_at > {{ add_hours('as_of.data_as_of', -1) }} then 1
            when events.occurred_at > {{ add_hours('as_of.data_as_of', -24) }} then 2
            when events.occurred_at > {{ add_hours('as_of.data_as_of', -24 * 7) }} then 3
            else 4
        end as age_order
    from events
    cross join as_of
    where events.resolved_at is null

),

final as (

    select
        age_order,
        case age_order
            when 1 then '< 1 hour'
            when 2 then '1-24 hours'
            when 3 then '1-7 days'
            else '> 7 days'
        end as age_bucket,
        category,
        count(*) as errors,
        max(data_as_of) as data_as_of
    from aged
    group by age_order, category

)

select
    age_order,
    age_bucket,
    category,
    errors,
    data_as_of
from final
