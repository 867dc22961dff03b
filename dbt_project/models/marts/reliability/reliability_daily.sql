with

events as (

    select
        error_id,
        occurred_at,
        occurred_date,
        category,
        is_auto_fixed,
        resolved_at,
        -- exact, not error_events' rounded minutes: a mart never aggregates a rounded figure again
        {{ minutes_between('occurred_at', 'resolved_at') }} as minutes_to_recover,
        -- the mean's sum: whole seconds (microseconds) add up exactly on every engine, where minutes are
        -- quotients each engine rounds at its own place (Spark read 97.475 as 97.47499999...)
        {{ seconds_between('occurred_at', 'resolved_at') }} as seconds_to_recover
    from {{ ref('error_events') }}

),

-- The day's API requests, every status, from billing's mart of them (a customer-day grain, summed here):
-- the denominator of the error rate, counted once for both loops.
requests as (

    select
        date_day as requested_date,
        cast(sum(requests) as bigint) as api_requests
    from {{ ref('api_usage_daily') }}
    group by date_day

),

as_of as (

    select max(occurred_at) as data_as_of
    from events

),

days as (

    {{ day_spine('(select min(occurred_date) from events)', '(select max(occurred_date) from events)') }}

),

categories as (

    select distinct category
    from {{ ref('error_category_rules') }}

    union

    select 'uncategorized' as category

),

daily as (

    select
        events.occurred_date as date_day,
        events.category,
        count(*) as errors,
        {{ count_where('events.is_auto_fixed') }} as auto_fixed,
        count(events.resolved_at) as resolved,
        {{ percentile('events.minutes_to_recover', 0.5) }} as mttr_median,
        {{ quotient('sum(events.seconds_to_recover)', '60 * count(events.seconds_to_recover)') }} as mttr_mean,
        {{ count_where('events.resolved_at is null') }} as unresolved,
        {{ aggregate_where('min', 'events.occurred_at', 'events.resolved_at is null') }} as oldest_unresolved_at,
        {{ aggregate_where(
            'avg', seconds_between('events.occurred_at', 'as_of.data_as_of'), 'events.resolved_at is null'
        ) }} as unresolved_mean_age_seconds
    from events
    cross join as_of
    group by events.occurred_date, events.category

),

final as (

    select
        days.date_day,
        categories.category,
        coalesce(daily.errors, 0) as errors,
        coalesce(requests.api_requests, 0) as api_requests,
        case
            when requests.api_requests > 0
                then round(coalesce(daily.errors, 0) * 1000.0 / requests.api_requests, 4)
        end as errors_per_1000_requests,
        categories.category in (
            'rate_limit', 'timeout', 'connection', 'upstream_unavailable', 'auth_expired'
        ) as is_auto_fixable,
        coalesce(daily.auto_fixed, 0) as auto_fixed,
        case when daily.errors > 0 then {{ round_share('daily.auto_fixed * 1.0 / daily.errors') }} end
            as auto_fixed_share,
        coalesce(daily.resolved, 0) as resolved,
        round(cast(daily.mttr_median as {{ sql_type('numeric') }}), 2) as mttr_median_minutes,
        round(daily.mttr_mean, 2) as mttr_mean_minutes,
        coalesce(daily.unresolved, 0) as unresolved,
        round(
            cast(
                {{ seconds_between('daily.oldest_unresolved_at', 'as_of.data_as_of') }} / 3600
                as {{ sql_type('numeric') }}
            ),
            2
        ) as unresolved_max_age_hours,
        round(
            cast(daily.unresolved_mean_age_seconds / 3600 as {{ sql_type('numeric') }}), 2
        ) as unresolved_mean_age_hours
    from days
    cross join categories
    cross join as_of
    left join daily on days.date_day = daily.date_day and categories.category = daily.category
    left join requests on days.date_day = requests.requested_date

)

select * from final
