with

tickets as (

    select
        ticket_id,
        created_date,
        priority,
        category,
        is_open,
        solved_at,
        updated_at
    from {{ ref('support_tickets') }}

),

bounds as (

    select
        min(created_date) as first_day,
        max({{ utc_date('updated_at') }}) as data_through
    from tickets

),

days as (

    {{ day_spine('(select bounds.first_day from bounds)', '(select bounds.data_through from bounds)') }}

),

groups as (

    select distinct
        priority,
        category
    from tickets

),

grid as (

    select
        days.date_day,
        groups.priority,
        groups.category
    from days
    cross join groups

),

-- Open at the end of a UTC day: created on or before it and not solved by its end. A ticket open now
-- (reopened included) counts as open on every day since its creation.
open_tickets as (

    select
        days.date_day,
        tickets.priority,
        tickets.category,
        count(*) as open_tickets
    from days
    inner join tickets
        on
            days.date_day >= tickets.created_date
            and (
                tickets.is_open
                or tickets.solved_at is null
                or {{ utc_date('tickets.solved_at') }} > days.date_day
            )
    group by days.date_day, tickets.priority, tickets.category

),

final as (

    select
        grid.date_day,
        grid.priority,
        grid.category,
        coalesce(open_tickets.open_tickets, 0) as open_tickets
    from grid
    left join open_tickets
        on
            grid.date_day = open_tickets.date_day
            and grid.priority = open_tickets.priority
            and grid.category = open_tickets.category

)

select * from final
