-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['customer_id']},
            {'columns': ['touchpoint_id']},
            {'columns': ['_processed_at']},
        ],
        **replace_rows('customer_id')
    )
}}

{%- set lookback_days = var('attribution_lookback_days') | int %}
{%- set lookback_hours = 24 * lookback_days %}
{#- Paths cut with another lookback are all cut again. -#}
{%- set read_changes = is_incremental_with(['is_paying', 'attribution_lookback_days', '_touchpoints_processed_through'])
    and newest_written(this, 'attribution_lookback_days') == lookback_days %}

with

customers as (

    select
        customer_id,
        signup_at,
        signup_date,
        converted_at,
        converted_date,
        is_paying,
        _delivery_date
    from {{ ref('stg_platform__customers') }}

),

{% if read_changes -%}

-- The visits the touchpoints model wrote since this table last read it: visits delivered since, and older
-- ones it stitched again (to the same customer, to another one, or to none).
rewritten_visits as (

    select
        touchpoint_id,
        customer_id
    from {{ ref('int_acquisition__touchpoints') }}
    where _processed_at > {{ processed_through(this, '_touchpoints_processed_through') }}

),

-- Whose path can differ from the stored one: customers delivered in the window (new signups, restated
-- signup times), and the customers rewritten visits now belong to and the ones they belonged to.
customers_to_rebuild as (

    select customers.customer_id
    from customers
    where {{ delivery_window('customers._delivery_date', '(select max(_customer_delivery_date) from ' ~ this ~ ')') }}

    union

    select rewritten_visits.customer_id
    from rewritten_visits
    where rewritten_visits.customer_id is not null

    union

    select stored_paths.customer_id
    from {{ this }} as stored_paths
    where {{ in_subquery('stored_paths.touchpoint_id', 'select rewritten_visits.touchpoint_id from rewritten_visits') }}

),

{%- endif %}

customers_in_scope as (

    select
        customer_id,
        signup_at,
        signup_date,
        converted_at,
        converted_date,
        is_paying,
        _delivery_date
    from customers
    {%- if read_changes %}
    where customer_id in (select customers_to_rebuild.customer_id from customers_to_rebuild)
    {%- endif %}

),

-- The stitched visits of those customers (in an incremental run a handful each, by the index on customer_id).
touchpoints as (

    select
        touchpoint_id,
        customer_id,
        occurred_at,
        channel,
        is_direct
    from {{ ref('int_acquisition__touchpoints') }}
    {%- if read_changes %}
    where {{ in_subquery('customer_id', 'select customers_to_rebuild.customer_id from customers_to_rebuild') }}
    {%- else %}
    where customer_id is not null
    {%- endif %}

),

-- The lookback window [signup_at - lookback, signup_at], both ends included, in hours so that it spans the
-- same time in every session time zone: a visit 30 days before signup counts, one a second earlier not.
in_window as (

    select
        customers_in_scope.customer_id,
        customers_in_scope.signup_at,
        touchpoints.touchpoint_id,
        touchpoints.occurred_at,
        touchpoints.channel,
        touchpoints.is_direct
    from customers_in_scope
    inner join touchpoints
        on
            customers_in_scope.customer_id = touchpoints.customer_id
            and customers_in_scope.signup_at >= touchpoints.occurred_at
            and {{ add_hours('customers_in_scope.signup_at', -lookback_hours) }} <= touchpoints.occurred_at

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

touches as (

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

),

-- A customer without any stitched visit in the window still has its row: the empty path.
empty_paths as (

    select
        customer_id,
        cast(null as {{ sql_type('varchar') }}) as touchpoint_id,
        signup_at,
        cast(null as {{ sql_type('timestamp with time zone') }}) as occurred_at,
        cast(null as {{ sql_type('varchar') }}) as channel,
        cast(null as boolean) as is_direct,
        cast(null as bigint) as touch_number,
        cast(0 as bigint) as touches_in_path,
        false as is_first_touch,
        false as is_last_touch,
        false as is_last_non_direct_touch
    from customers_in_scope
    where not exists (
        select 1
        from in_window
        where in_window.customer_id = customers_in_scope.customer_id
    )

),

paths as (

    select * from touches
    union all
    select * from empty_paths

),

final as (

    select
        paths.customer_id,
        paths.touchpoint_id,
        paths.signup_at,
        paths.occurred_at,
        paths.channel,
        paths.is_direct,
        paths.touch_number,
        paths.touches_in_path,
        paths.is_first_touch,
        paths.is_last_touch,
        paths.is_last_non_direct_touch,
        customers_in_scope.signup_date,
        customers_in_scope.converted_at,
        customers_in_scope.converted_date,
        customers_in_scope.is_paying,
        {{ lookback_days }} as attribution_lookback_days,
        customers_in_scope._delivery_date as _customer_delivery_date,
        {{ newest_processed_at(ref('int_acquisition__touchpoints')) }} as _touchpoints_processed_through,
        {{ run_processed_at() }} as _processed_at
    from paths
    inner join customers_in_scope
        on paths.customer_id = customers_in_scope.customer_id

)

select * from final
