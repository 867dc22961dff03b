with

source as (

    select
        rate_date,
        currency,
        usd_per_unit,
        _delivery_date,
        _source_file,
        _source_line,
        _loaded_at
    from {{ source('platform', 'fx_rates') }}

),

renamed as (

    select
        rate_date,
        {{ clean_text('currency', case='upper') }} as currency,
        usd_per_unit,
        _delivery_date,
        _source_file,
        _source_line,
        _loaded_at
    from source

),

deduplicated as (

    {{ dedupe(
        'renamed',
        partition_by=['rate_date', 'currency'],
        order_by=newest_version_first()
    ) }}

),

final as (

    select
        rate_date,
        currency,
        usd_per_unit,
        _delivery_date,
        _source_file,
        _source_line,
        _loaded_at
    from deduplicated

)

select * from final
