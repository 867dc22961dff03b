-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['customer_id']},
            {'columns': ['_processed_at']},
        ],
        **replace_rows('customer_id')
    )
}}

with

-- Every customer has a path (an empty one without visits), so the customers whose path was written since
-- this table last read it are exactly the ones whose credits can have changed; a full build takes all.
-- (The table is named in each subquery, not through a shared CTE, so that both use its indexes.)
paths as (

    select
        customer_id,
        touchpoint_id,
        channel,
        touch_number,
        touches_in_path,
        is_first_touch,
        is_last_touch,
        is_last_non_direct_touch,
        signup_at,
        signup_date,
        converted_at,
        converted_date,
        is_paying
    from {{ ref('int_acquisition__customer_paths') }}
    {%- if is_incremental_with(['_paths_processed_through']) %}
    {%- set rewritten_customers -%}
        select distinct rewritten_paths.customer_id
        from {{ ref('int_acquisition__customer_paths') }} as rewritten_paths
        where rewritten_paths._processed_at > {{ processed_through(this, '_paths_processed_through') }}
    {%- endset %}
    where {{ in_subquery('customer_id', rewritten_customers) }}
    {%- endif %}

),

-- The customer's signup and conversion, which every row of its path carries.
customers as (

    select distinct
        customer_id,
        signup_at,
        signup_date,
        converted_at,
        converted_date,
        is_paying
    from paths

),

attribution_models as (

    {{ attribution_models_query() }}

),

single_touch_credits as (

    select
        customer_id,
        'first_touch' as attribution_model,
        channel,
        touchpoint_id,
        touches_in_path,
        cast(1 as {{ sql_type('numeric') }}) as credit
    from paths
    where is_first_touch

    union all

    select
        customer_id,
        'last_touch' as attribution_model,
        channel,
        touchpoint_id,
        touches_in_path,
        cast(1 as {{ sql_type('numeric') }}) as credit
    from paths
    where is_last_touch

    union all

    -- The last non-direct touch; a customer who only came direct gets its last (direct) touch.
    select
        customer_id,
        'last_non_direct' as attribution_model,
        channel,
        touchpoint_id,
        touches_in_path,
        cast(1 as {{ sql_type('numeric') }}) as credit
    from paths
    where is_last_non_direct_touch

),

linear_touches as (

    select
        customer_id,
        channel,
        touches_in_path,
        count(*) as channel_touches,
        max(case when is_last_touch then 1 else 0 end) as has_last_touch
    from paths
    where touchpoint_id is not null
    group by customer_id, channel, touches_in_path

),

-- Equal shares per touch, summed per channel and rounded to 10 decimals; the channel of the last touch takes
-- the remainder, so a customer's credits add up to exactly 1.
linear_rounded as (

    select
        customer_id,
        channel,
        touches_in_path,
        has_last_touch,
        round(cast(channel_touches as {{ sql_type('numeric') }}) / touches_in_path, 10) as rounded_share,
        sum(round(cast(channel_touches as {{ sql_type('numeric') }}) / touches_in_path, 10)) over (
            partition by customer_id
        ) as rounded_total
    from linear_touches

),

linear_credits as (

    select
        customer_id,
        'linear' as attribution_model,
        channel,
        cast(null as {{ sql_type('varchar') }}) as touchpoint_id,
        touches_in_path,
        case
            when has_last_touch = 1
                then {{ keep_scale('rounded_share', 10) }} + (1 - {{ keep_scale('rounded_total', 10) }})
            else rounded_share
        end as credit
    from linear_rounded

),

-- A customer without any stitched visit in the window (an empty path) keeps its credit, in the
-- `unattributed` bucket.
unattributed_credits as (

    select
        paths.customer_id,
        attribution_models.attribution_model,
        'unattributed' as channel,
        cast(null as {{ sql_type('varchar') }}) as touchpoint_id,
        0 as touches_in_path,
        cast(1 as {{ sql_type('numeric') }}) as credit
    from paths
    cross join attribution_models
    where paths.touches_in_path = 0

),

credits as (

    select * from single_touch_credits
    union all
    select * from linear_credits
    union all
    select * from unattributed_credits

),

final as (

    select
        credits.customer_id,
        credits.attribution_model,
        credits.channel,
        {{ drop_trailing_zeros('credits.credit') }} as credit,
        credits.touchpoint_id,
        credits.channel <> 'unattributed' as is_attributed,
        credits.touches_in_path,
        customers.signup_at,
        customers.signup_date,
        customers.converted_at,
        customers.converted_date,
        customers.is_paying,
        {{ newest_processed_at(ref('int_acquisition__customer_paths')) }} as _paths_processed_through,
        {{ run_processed_at() }} as _processed_at
    from credits
    inner join customers
        on credits.customer_id = customers.customer_id

)

select * from final
