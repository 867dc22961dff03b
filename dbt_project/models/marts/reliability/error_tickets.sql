{#- Support tickets that cite a failing request, linked to the error that request raised. -#}
with

tickets as (

    select
        ticket_id,
        request_id,
        created_at
    from {{ ref('stg_platform__support_tickets') }}
    where request_id is not null

),

errors as (

    select
        error_id,
        request_id,
        fingerprint,
        category
    from {{ ref('error_events') }}
    where request_id is not null

),

final as (

    select
        tickets.ticket_id,
        errors.error_id,
        tickets.request_id,
        errors.fingerprint,
        errors.category,
        tickets.created_at as ticket_created_at
    from tickets
    inner join errors on tickets.request_id = errors.request_id

)

select * from final
