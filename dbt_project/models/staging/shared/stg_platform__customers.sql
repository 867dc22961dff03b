with

source as (

    select
        customer_id,
        company_name,
        signup_at,
        converted_at,
        country,
        segment,
        updated_at,
        heard_about_us,
        {{ lineage_columns() }}
    from {{ source('platform', 'customers') }}

),

renamed as (

    select
        customer_id,
        {{ clean_text('company_name', case=none) }} as company_name,
        {{ clean_text('country', case='upper') }} as country,
        {{ clean_text('segment') }} as segment,
        signup_at,
        {{ utc_date('signup_at') }} as signup_date,
        converted_at,
        {{ utc_date('converted_at') }} as converted_date,
        converted_at is not null as is_paying,
        {{ clean_text('heard_about_us', case=none) }} as heard_about_us,
        updated_at,
        {{ lineage_columns() }}
    from source

),

deduplicated as (

    {{ dedupe(
        'renamed',
        partition_by=['customer_id'],
        order_by=newest_version_first('updated_at')
    ) }}

),

final as (

    select
        customer_id,
        company_name,
        country,
        segment,
        signup_at,
        signup_date,
        converted_at,
        converted_date,
        is_paying,
        heard_about_us,
        updated_at,
        {{ lineage_columns() }}
    from deduplicated

)

select * from final
