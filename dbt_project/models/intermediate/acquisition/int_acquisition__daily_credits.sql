with

attribution as (

    select
        customer_id,
        attribution_model,
        channel,
        credit,
        signup_date,
        converted_date,
        is_paying
    from {{ ref('int_acquisition__attribution') }}

),

signup_credits as (

    select
        signup_date as date_day,
        attribution_model,
        channel,
        sum(credit) as signups
    from attribution
    group by signup_date, attribution_model, channel

),

conversion_credits as (

    select
        converted_date as date_day,
        attribution_model,
        channel,
        sum(credit) as new_paying_customers
    from attribution
    where is_paying
    group by converted_date, attribution_model, channel

),

-- The attributed mix of each month: the share of the month's attributed new paying customers per channel.
monthly_attributed as (

    select
        {{ month_start('date_day') }} as month_start,
        attribution_model,
        channel,
        sum(new_paying_customers) as attributed
    from conversion_credits
    where channel <> 'unattributed'
    group by {{ month_start('date_day') }}, attribution_model, channel

),

monthly_totals as (

    select
        month_start,
        attribution_model,
        sum(attributed) as attributed_total
    from monthly_attributed
    group by month_start, attribution_model

),

raw_shares as (

    select
        monthly_attributed.month_start,
        monthly_attributed.attribution_model,
        monthly_attributed.channel,
        {{ quotient('monthly_attributed.attributed', 'monthly_totals.attributed_total') }} as raw_share,
        row_number() over (
            partition by monthly_attributed.month_start, monthly_attributed.attribution_model
            order by monthly_attributed.attributed desc, monthly_attributed.channel asc
        ) as share_rank
    from monthly_attributed
    inner join monthly_totals
        on
            monthly_attributed.month_start = monthly_totals.month_start
            and monthly_attributed.attribution_model = monthly_totals.attribution_model
    where monthly_totals.attributed_total > 0

),

-- A share is a rounded quotient; the month's largest channel takes the remainder, so the shares add up to
-- exactly 1 and the adjusted counts of a day to exactly its new paying customers. keep_scale: the 16 places
-- of the quotient survive Spark's sums, differences and products (macros/cross_db/keep_scale.sql).
channel_shares as (

    select
        month_start,
        attribution_model,
        channel,
        case
            when share_rank = 1
                then 1 - (
                    {{ keep_scale('sum(raw_share) over (partition by month_start, attribution_model)', 16) }}
                    - {{ keep_scale('raw_share', 16) }}
                )
            else raw_share
        end as channel_share
    from raw_shares

),

unattributed_by_day as (

    select
        date_day,
        {{ month_start('date_day') }} as month_start,
        attribution_model,
        new_paying_customers as unattributed
    from conversion_credits
    where channel = 'unattributed'

),

-- Each day's unattributed new paying customers, spread over the channels by the attributed mix of their month.
apportioned as (

    select
        unattributed_by_day.date_day,
        unattributed_by_day.attribution_model,
        channel_shares.channel,
        {{ keep_scale('unattributed_by_day.unattributed', 10, 20) }}
        * {{ keep_scale('channel_shares.channel_share', 16, 17) }} as apportioned
    from unattributed_by_day
    inner join channel_shares
        on
            unattributed_by_day.month_start = channel_shares.month_start
            and unattributed_by_day.attribution_model = channel_shares.attribution_model

),

day_channels as (

    select
        date_day,
        attribution_model,
        channel
    from signup_credits

    union

    select
        date_day,
        attribution_model,
        channel
    from conversion_credits

    union

    select
        date_day,
        attribution_model,
        channel
    from apportioned

),

joined as (

    select
        day_channels.date_day,
        {{ month_start('day_channels.date_day') }} as month_start,
        day_channels.attribution_model,
        day_channels.channel,
        coalesce(signup_credits.signups, 0) as signups,
        coalesce(conversion_credits.new_paying_customers, 0) as new_paying_customers,
        case
            -- Spread over the channels, unless the month has no attributed customer to take the mix from.
            when day_channels.channel = 'unattributed' and monthly_totals.attributed_total > 0 then 0
            else
                {{ keep_scale('coalesce(conversion_credits.new_paying_customers, 0)', 10) }}
                + {{ keep_scale('coalesce(apportioned.apportioned, 0)', 16) }}
        end as new_paying_customers_adjusted
    from day_channels
    left join signup_credits
        on
            day_channels.date_day = signup_credits.date_day
            and day_channels.attribution_model = signup_credits.attribution_model
            and day_channels.channel = signup_credits.channel
    left join conversion_credits
        on
            day_channels.date_day = conversion_credits.date_day
            and day_channels.attribution_model = conversion_credits.attribution_model
            and day_channels.channel = conversion_credits.channel
    left join apportioned
        on
            day_channels.date_day = apportioned.date_day
            and day_channels.attribution_model = apportioned.attribution_model
            and day_channels.channel = apportioned.channel
    left join monthly_totals
        on
            {{ month_start('day_channels.date_day') }} = monthly_totals.month_start
            and day_channels.attribution_model = monthly_totals.attribution_model

),

final as (

    select
        date_day,
        month_start,
        attribution_model,
        channel,
        {{ drop_trailing_zeros('signups') }} as signups,
        {{ drop_trailing_zeros('new_paying_customers') }} as new_paying_customers,
        {{ drop_trailing_zeros('new_paying_customers_adjusted') }} as new_paying_customers_adjusted
    from joined

)

select * from final
