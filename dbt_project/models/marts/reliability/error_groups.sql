with

events as (

    select
        error_id,
        occurred_at,
        service,
        customer_id,
        error_class,
        message,
        normalised_message,
        fingerprint,
        normaliser_version,
        rules_version,
        category,
        is_auto_fixed
    from {{ ref('error_events') }}

),

tickets as (

    select
        fingerprint,
        count(distinct ticket_id) as tickets
    from {{ ref('error_tickets') }}
    group by fingerprint

),

-- Each fingerprint's first event (the earliest, then the smallest error_id) describes it.
first_events as (

    {{ first_row_per(
        'events',
        partition_by=['fingerprint'],
        order_by='occurred_at, error_id',
        columns=[
            'fingerprint', 'service', 'error_class', 'normalised_message', 'normaliser_version',
            'rules_version', 'category', 'message as sample_message'
        ]
    ) }}

),

counts as (

    select
        fingerprint,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at,
        count(*) as events,
        count(distinct customer_id) as customers,
        {{ count_where('is_auto_fixed') }} as auto_fixed_events
    from events
    group by fingerprint

),

final as (

    select
        first_events.fingerprint,
        first_events.service,
        first_events.error_class,
        first_events.category,
        first_events.normalised_message,
        first_events.sample_message,
        counts.first_seen_at,
        counts.last_seen_at,
        counts.events,
        counts.customers,
        counts.auto_fixed_events,
        {{ round_share('counts.auto_fixed_events * 1.0 / counts.events') }} as auto_fixed_share,
        coalesce(tickets.tickets, 0) as tickets,
        first_events.normaliser_version,
        first_events.rules_version
    from first_events
    inner join counts on first_events.fingerprint = counts.fingerprint
    left join tickets on first_events.fingerprint = tickets.fingerprint

)

select * from final
