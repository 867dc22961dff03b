with

source as (

    select
        request_id,
        customer_id,
        api_key_id,
        endpoint,
        method,
        status_code,
        requested_at,
        latency_ms,
        units,
        {{ lineage_columns() }}
    from {{ source('platform', 'api_requests') }}

),

renamed as (

    select
        request_id,
        customer_id,
        api_key_id,
        {{ clean_text('endpoint', case=none) }} as endpoint,
        {{ clean_text('method', case='upper') }} as http_method,
        status_code,
        requested_at,
        {{ utc_date('requested_at') }} as requested_date,
        latency_ms,
        units,
        -- The contract bills the units of requests answered 200..399; 4xx and 5xx are free.
        coalesce(status_code between 200 and 399, false) as is_billable,
        case when status_code between 200 and 399 then units else 0 end as billable_units,
        {{ lineage_columns() }}
    from source

)

select * from renamed
