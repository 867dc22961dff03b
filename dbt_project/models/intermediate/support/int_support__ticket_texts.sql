{{ config(materialized='view') }}

with

tickets as (

    select
        ticket_id,
        agent_category,
        subject,
        body
    from {{ ref('stg_platform__support_tickets') }}

),

final as (

    select
        ticket_id,
        agent_category,
        {{ ticket_rule_text('subject', 'body') }} as customer_text
    from tickets

)

select * from final
