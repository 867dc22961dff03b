with

source as (

    select
        event_id,
        customer_id,
        user_id,
        event_name,
        feature,
        occurred_at,
        properties,
        {{ lineage_columns() }}
    from {{ source('platform', 'product_events') }}

),

renamed as (

    select
        event_id,
        customer_id,
        user_id,
        {{ clean_text('event_name') }} as event_name,
        {{ clean_text('feature') }} as feature,
        occurred_at,
        {{ utc_date('occurred_at') }} as occurred_date,
        properties,
        {{ lineage_columns() }}
    from source

)

select * from renamed
