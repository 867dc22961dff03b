with

source as (

    select
        touchpoint_id,
        anonymous_id,
        customer_id,
        occurred_at,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer_domain,
        landing_path,
        {{ lineage_columns() }}
    from {{ source('platform', 'touchpoints') }}

),

renamed as (

    select
        touchpoint_id,
        anonymous_id,
        customer_id,
        occurred_at,
        {{ utc_date('occurred_at') }} as occurred_date,
        {{ clean_text('utm_source') }} as utm_source,
        {{ clean_text('utm_medium') }} as utm_medium,
        {{ clean_text('utm_campaign') }} as utm_campaign,
        {{ normalize_domain('referrer_domain') }} as referrer_domain,
        {{ clean_text('landing_path', case=none) }} as landing_path,
        {{ lineage_columns() }}
    from source

)

select * from renamed
