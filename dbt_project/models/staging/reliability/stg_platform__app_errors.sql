with

source as (

    select
        error_id,
        occurred_at,
        service,
        customer_id,
        request_id,
        error_class,
        message,
        http_status,
        resolved_at,
        {{ lineage_columns() }}
    from {{ source('platform', 'app_errors') }}

),

renamed as (

    select
        error_id,
        customer_id,
        request_id,
        occurred_at,
        {{ utc_date('occurred_at') }} as occurred_date,
        {{ clean_text('service') }} as service,
        {{ clean_text('error_class', case=none) }} as error_class,
        message,
        http_status,
        resolved_at,
        resolved_at is not null as is_resolved,
        {{ lineage_columns() }}
    from source

)

select * from renamed
