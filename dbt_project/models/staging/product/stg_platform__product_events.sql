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
        _delivery_date,
        _source_file,
        _source_line,
        _loaded_at
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
        _delivery_date,
        _source_file,
        _source_line,
        _loaded_at
    from source

),

final as (

    select
        event_id,
        customer_id,
        user_id,
        event_name,
        feature,
        occurred_at,
        occurred_date,
        properties,
        _delivery_date,
        _source_file,
        _source_line,
        _loaded_at
    from renamed

)

select * from final
