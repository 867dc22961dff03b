with

monthly as (

    select
        month_start,
        category,
        tickets,
        share,
        tickets_change,
        tickets_change_percent,
        is_complete_month
    from {{ ref('support_monthly') }}

),

-- Every category with tickets is ranked (uncategorized is not a category); the month before's rank comes
-- from the same grid, so a category that was not ranked then has none.
ranked as (

    select
        month_start,
        category,
        tickets,
        share,
        tickets_change,
        tickets_change_percent,
        is_complete_month,
        case
            when tickets > 0 and category <> '{{ uncategorized_label() }}'
                then row_number() over (
                    partition by month_start, (tickets > 0 and category <> '{{ uncategorized_label() }}')
                    order by tickets desc, tickets_change desc nulls last, category asc
                )
        end as issue_rank
    from monthly

),

with_previous as (

    select
        ranked.*,
        lag(ranked.issue_rank) over (partition by ranked.category order by ranked.month_start) as previous_rank
    from ranked

),

final as (

    select
        with_previous.month_start,
        with_previous.issue_rank,
        with_previous.category,
        with_previous.tickets,
        with_previous.share,
        with_previous.tickets_change,
        with_previous.tickets_change_percent,
        with_previous.previous_rank,
        with_previous.is_complete_month,
        coalesce(
            with_previous.month_start = (
                select max(complete.month_start) from monthly as complete
                where complete.is_complete_month
            ),
            false
        ) as is_last_complete_month
    from with_previous
    where with_previous.issue_rank <= 5

)

select * from final
