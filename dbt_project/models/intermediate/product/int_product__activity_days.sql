-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['_delivery_date']},
            {'columns': ['activity_date']},
            {'columns': ['customer_id', 'feature']},
        ],
        **replace_rows('_delivery_date', partition_column='_delivery_date')
    )
}}

with

events as (

    select
        customer_id,
        user_id,
        feature,
        occurred_at,
        occurred_date,
        _delivery_date
    from {{ ref('stg_platform__product_events') }}
    {%- if is_incremental() %}
    where {{ delivery_window('_delivery_date', '(select max(_delivery_date) from ' ~ this ~ ')') }}
    {%- endif %}

),

final as (

    select
        _delivery_date,
        occurred_date as activity_date,
        customer_id,
        feature,
        count(*) as events,
        {{ distinct_sorted_list('user_id') }} as user_ids,
        min(occurred_at) as first_event_at,
        {{ first_by('user_id', 'occurred_at, user_id') }} as first_user_id
    from events
    group by _delivery_date, occurred_date, customer_id, feature

)

select * from final
