-- The newest delivery day behind each loop's numbers, as its dashboard page states its "data as of": the
-- scorecard's data age is measured from the same day, so the index and the loop's page agree.
with

metrics_daily as (

    select _spend_delivered_through
    from {{ ref('metrics_daily') }}

),

adoption_daily as (

    select date_day
    from {{ ref('feature_adoption_daily') }}

),

support_tickets as (

    select updated_at
    from {{ ref('support_tickets') }}

),

api_usage_daily as (

    select date_day
    from {{ ref('api_usage_daily') }}

),

reliability_daily as (

    select date_day
    from {{ ref('reliability_daily') }}

),

final as (

    select
        'acquisition' as loop_name,
        max(_spend_delivered_through) as data_as_of
    from metrics_daily
    union all
    select
        'product' as loop_name,
        max(date_day) as data_as_of
    from adoption_daily
    union all
    select
        'support' as loop_name,
        {{ utc_date('max(updated_at)') }} as data_as_of
    from support_tickets
    union all
    select
        'billing' as loop_name,
        max(date_day) as data_as_of
    from api_usage_daily
    union all
    select
        'reliability' as loop_name,
        max(date_day) as data_as_of
    from reliability_daily

)

select * from final
