with

source as (

    select
        spend_date,
        channel,
        campaign_id,
        amount,
        currency,
        {{ lineage_columns() }}
    from {{ source('platform', 'marketing_spend') }}

),

renamed as (

    select
        spend_date,
        {{ clean_text('channel') }} as channel,
        campaign_id,
        amount,
        {{ clean_text('currency', case='upper') }} as currency,
        {{ lineage_columns() }}
    from source

),

-- Keyed on the cleaned channel: 'Google ' and 'google' of one day and campaign are one restated row,
-- and the latest delivery of it wins, as for any restatement.
deduplicated as (

    {{ dedupe(
        'renamed',
        partition_by=['spend_date', 'channel', 'campaign_id'],
        order_by=newest_version_first()
    ) }}

),

final as (

    select
        spend_date,
        channel,
        campaign_id,
        amount,
        currency,
        {{ lineage_columns() }}
    from deduplicated

)

select * from final
