with

source as (

    select
        subscription_id,
        customer_id,
        plan_id,
        started_at,
        ended_at,
        updated_at,
        {{ lineage_columns() }}
    from {{ source('platform', 'subscriptions') }}

),

renamed as (

    select
        subscription_id,
        customer_id,
        plan_id,
        started_at,
        {{ utc_date('started_at') }} as started_date,
        ended_at,
        {{ utc_date('ended_at') }} as ended_date,
        updated_at,
        {{ lineage_columns() }}
    from source

),

deduplicated as (

    {{ dedupe(
        'renamed',
        partition_by=['subscription_id'],
        order_by=newest_version_first('updated_at')
    ) }}

),

final as (

    select
        subscription_id,
        customer_id,
        plan_id,
        started_at,
        started_date,
        ended_at,
        ended_date,
        updated_at,
        {{ lineage_columns() }}
    from deduplicated

)

select * from final
