with

source as (

    select
        rate_date,
        currency,
        usd_per_unit,
        {{ lineage_columns() }}
    from {{ source('platform', 'fx_rates') }}

),

renamed as (

    select
        rate_date,
        {{ clean_text('currency', case='upper') }} as currency,
        usd_per_unit,
        {{ lineage_columns() }}
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
        {{ lineage_columns() }}
    from deduplicated

)

select * from final
