{%- set lookback_hours = 24 * var('attribution_lookback_days') | int %}

with

customers as (

    select
        customer_id,
        signup_at
    from {{ ref('stg_platform__customers') }}

),

touchpoints as (

    select
        touchpoint_id,
        customer_id,
        occurred_at,
        channel,
        is_direct
    from {{ ref('int_acquisition__touchpoints') }}
    where customer_id is not null

),

-- The lookback window [signup_at - lookback, signup_at], both ends included, in hours so that it spans the
-- same time in every session time zone: a visit 30 days before signup counts, one a second earlier not.
in_window as (

    select
        customers.customer_id,
        customers.signup_at,
        touchpoints.touchpoint_id,
        touchpoints.occurred_at,
        touchpoints.channel,
        touchpoints.is_direct
    from customers
    inner join touchpoints
        on
            customers.customer_id = touchpoints.customer_id
            and customers.signup_at >= touchpoints.occurred_at
            and {{ add_hours('customers.signup_at', -lookback_hours) }} <= touchpoints.occurred_at

),

-- Visits at the same instant are ordered by touchpoint_id, so every model picks the same touch every run.
ordered as (

    select
        customer_id,
        signup_at,
        touchpoint_id,
        occurred_at,
        channel,
        is_direct,
        row_number() over (
            partition by customer_id
            order by occurred_at, touchpoint_id
        ) as touch_number,
        count(*) over (partition by customer_id) as touches_in_path,
        row_number() over (
            partition by customer_id
            order by case when is_direct then 1 else 0 end, occurred_at desc, touchpoint_id desc
        ) as non_direct_rank_from_last
    from in_window

),

final as (

    select
        customer_id,
        touchpoint_id,
        signup_at,
        occurred_at,
        channel,
        is_direct,
        touch_number,
        touches_in_path,
        touch_number = 1 as is_first_touch,
        touch_number = touches_in_path as is_last_touch,
        non_direct_rank_from_last = 1 as is_last_non_direct_touch
    from ordered

)

select * from final
