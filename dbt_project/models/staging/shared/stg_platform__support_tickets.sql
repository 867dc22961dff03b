with

source as (

    select
        ticket_id,
        customer_id,
        created_at,
        channel,
        priority,
        subject,
        body,
        status,
        first_response_at,
        solved_at,
        reopened_count,
        csat_score,
        agent_category,
        request_id,
        updated_at,
        {{ lineage_columns() }}
    from {{ source('platform', 'support_tickets') }}

),

renamed as (

    select
        ticket_id,
        customer_id,
        request_id,
        created_at,
        {{ utc_date('created_at') }} as created_date,
        {{ clean_text('channel') }} as channel,
        {{ clean_text('priority') }} as priority,
        {{ clean_text('status') }} as status,
        subject,
        body,
        {{ clean_text('agent_category') }} as agent_category,
        first_response_at,
        solved_at,
        reopened_count,
        reopened_count > 0 as is_reopened,
        csat_score,
        updated_at,
        {{ lineage_columns() }}
    from source

),

deduplicated as (

    {{ dedupe(
        'renamed',
        partition_by=['ticket_id'],
        order_by=newest_version_first('updated_at')
    ) }}

),

final as (

    select
        ticket_id,
        customer_id,
        request_id,
        created_at,
        created_date,
        channel,
        priority,
        status,
        subject,
        body,
        agent_category,
        first_response_at,
        solved_at,
        reopened_count,
        is_reopened,
        csat_score,
        updated_at,
        {{ lineage_columns() }}
    from deduplicated

)

select * from final
