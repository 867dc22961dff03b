with

tickets as (

    select
        ticket_id,
        created_at,
        created_date,
        created_month,
        category,
        is_open,
        first_response_at,
        solved_at,
        is_reopened,
        csat_score,
        updated_at
    from {{ ref('support_tickets') }}

),

-- The exact minutes behind the mart's rounded ones, so that each percentile is rounded once.
exact_times as (

    select
        ticket_id,
        created_month,
        category,
        is_open,
        solved_at,
        is_reopened,
        csat_score,
        {{ minutes_between('created_at', 'first_response_at') }} as first_response_minutes,
        {{ minutes_between('created_at', 'solved_at') }} as resolution_minutes,
        {{ month_start(utc_date('solved_at')) }} as solved_month
    from tickets

),

bounds as (

    select
        min(created_date) as first_day,
        max({{ utc_date('updated_at') }}) as data_through
    from tickets

),

months as (

    select distinct {{ month_start('spine_days.date_day') }} as month_start
    from (
        {{ day_spine('(select bounds.first_day from bounds)', '(select bounds.data_through from bounds)') }}
    ) as spine_days

),

categories as (

    {{ support_category_rows() }}

),

grid as (

    select
        months.month_start,
        categories.category
    from months
    cross join categories

),

-- A ticket is still unsolved at its month's end when it is open now (a reopened ticket included) or was
-- solved in a later month. Solved at least once: solved now, or reopened (which needs a solve first).
measured as (

    select
        created_month as month_start,
        category,
        count(*) as tickets,
        {{ percentile('first_response_minutes', 0.5) }} as first_response_median,
        {{ percentile('first_response_minutes', 0.9) }} as first_response_p90,
        {{ percentile('resolution_minutes', 0.5) }} as resolution_median,
        {{ percentile('resolution_minutes', 0.9) }} as resolution_p90,
        sum(
            case when is_open or solved_at is null or solved_month > created_month then 1 else 0 end
        ) as unsolved_at_month_end,
        sum(case when solved_at is not null or is_reopened then 1 else 0 end) as solved_once,
        sum(case when is_reopened then 1 else 0 end) as reopened,
        sum(case when solved_at is not null then 1 else 0 end) as solved,
        count(csat_score) as rated,
        sum(case when csat_score >= 4 then 1 else 0 end) as satisfied,
        avg(csat_score) as csat_mean
    from exact_times
    group by created_month, category

),

month_totals as (

    select
        month_start,
        sum(tickets) as month_tickets
    from measured
    group by month_start

),

filled as (

    select
        grid.month_start,
        grid.category,
        coalesce(measured.tickets, 0) as tickets,
        month_totals.month_tickets,
        measured.first_response_median,
        measured.first_response_p90,
        measured.resolution_median,
        measured.resolution_p90,
        coalesce(measured.unsolved_at_month_end, 0) as unsolved_at_month_end,
        coalesce(measured.solved_once, 0) as solved_once,
        coalesce(measured.reopened, 0) as reopened,
        coalesce(measured.solved, 0) as solved,
        coalesce(measured.rated, 0) as rated,
        coalesce(measured.satisfied, 0) as satisfied,
        measured.csat_mean
    from grid
    left join measured
        on
            grid.month_start = measured.month_start
            and grid.category = measured.category
    left join month_totals
        on grid.month_start = month_totals.month_start

),

-- The month before is null for the first month of the data (nothing is known about it), zero when it had
-- no ticket of the category. The trailing mean needs three months before.
compared as (

    select
        filled.*,
        lag(filled.tickets) over (partition by filled.category order by filled.month_start) as tickets_previous_month,
        avg(filled.tickets) over (
            partition by filled.category order by filled.month_start rows between 3 preceding and 1 preceding
        ) as trailing_3_month_mean,
        count(*) over (
            partition by filled.category order by filled.month_start rows between 3 preceding and 1 preceding
        ) as trailing_months
    from filled

),

final as (

    select
        compared.month_start,
        compared.category,
        compared.tickets,
        {{ round_share('1.0 * compared.tickets / nullif(compared.month_tickets, 0)') }} as share,  -- noqa: RF04
        {{ fixed_decimal('compared.first_response_median', 1) }} as first_response_median_minutes,
        {{ fixed_decimal('compared.first_response_p90', 1) }} as first_response_p90_minutes,
        {{ fixed_decimal('compared.resolution_median', 1) }} as resolution_median_minutes,
        {{ fixed_decimal('compared.resolution_p90', 1) }} as resolution_p90_minutes,
        compared.unsolved_at_month_end,
        compared.solved_once as tickets_solved,
        compared.reopened as tickets_reopened,
        {{ round_share('1.0 * compared.reopened / nullif(compared.solved_once, 0)') }} as reopen_rate,
        {{ fixed_decimal('compared.csat_mean', 2) }} as csat_mean,
        {{ round_share('1.0 * compared.rated / nullif(compared.solved, 0)') }} as csat_response_rate,
        {{ round_share('1.0 * compared.satisfied / nullif(compared.rated, 0)') }} as csat_satisfied_share,
        compared.tickets_previous_month,
        compared.tickets - compared.tickets_previous_month as tickets_change,
        {{ fixed_decimal(
            '100.0 * (compared.tickets - compared.tickets_previous_month) / nullif(compared.tickets_previous_month, 0)',
            1
        ) }} as tickets_change_percent,
        case
            when compared.trailing_months = 3
                then {{ fixed_decimal('compared.trailing_3_month_mean', 2) }}
        end as trailing_3_month_mean,
        coalesce(
            compared.trailing_months = 3
            and compared.tickets >= {{ var('support_spike_factor') }} * compared.trailing_3_month_mean
            and compared.tickets - compared.trailing_3_month_mean >= {{ var('support_spike_min_tickets') }},
            false
        ) as is_spike,
        {{ add_days(month_start(add_days('compared.month_start', 31)), -1) }} <= bounds.data_through
            as is_complete_month
    from compared
    cross join bounds

)

select * from final
