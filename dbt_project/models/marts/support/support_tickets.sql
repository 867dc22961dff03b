with

tickets as (

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
        category,
        decided_by,
        agent_category,
        rule_category,
        rule_id,
        rule_version,
        model_category,
        model_confidence,
        model_version,
        language,
        first_response_at,
        solved_at,
        reopened_count,
        is_reopened,
        csat_score,
        updated_at
    from {{ ref('int_support__categorized_tickets') }}

),

final as (

    select
        ticket_id,
        customer_id,
        request_id,
        created_at,
        created_date,
        {{ month_start('created_date') }} as created_month,
        channel,
        priority,
        status,
        status in ('open', 'pending') as is_open,
        category,
        decided_by,
        rule_id,
        rule_version,
        agent_category,
        rule_category,
        model_category,
        model_confidence,
        model_version,
        language,
        first_response_at,
        solved_at,
        {{ fixed_decimal(minutes_between('created_at', 'first_response_at'), 1) }} as first_response_minutes,
        {{ fixed_decimal(minutes_between('created_at', 'solved_at'), 1) }} as resolution_minutes,
        reopened_count,
        is_reopened,
        csat_score,
        subject,
        updated_at
    from tickets

)

select * from final
