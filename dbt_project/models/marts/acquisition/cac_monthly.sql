with

metrics as (

    select
        date_day,
        channel,
        spend_usd,
        is_provisional
    from {{ ref('metrics_daily') }}

),

credits as (

    select
        month_start,
        attribution_model,
        channel,
        new_paying_customers,
        new_paying_customers_adjusted
    from {{ ref('int_acquisition__daily_credits') }}

),

attribution_models as (

    {{ attribution_models_query() }}

),

months as (

    select
        {{ month_start('date_day') }} as month_start,
        max(case when is_provisional then 1 else 0 end) = 1 as is_provisional,
        sum(spend_usd) as month_spend_usd
    from metrics
    group by {{ month_start('date_day') }}

),

monthly_spend as (

    select
        {{ month_start('date_day') }} as month_start,
        channel,
        sum(spend_usd) as spend_usd
    from metrics
    group by {{ month_start('date_day') }}, channel
    having sum(spend_usd) <> 0

),

monthly_credits as (

    select
        month_start,
        attribution_model,
        channel,
        sum(new_paying_customers) as new_paying_customers,
        sum(new_paying_customers_adjusted) as new_paying_customers_adjusted
    from credits
    group by month_start, attribution_model, channel

),

-- Per month and model: the channels with spend, the channels with new paying customers, and always the
-- unattributed bucket, so the month's customers and spend add up over its rows.
month_channels as (

    select
        months.month_start,
        attribution_models.attribution_model,
        monthly_spend.channel
    from months
    cross join attribution_models
    inner join monthly_spend
        on months.month_start = monthly_spend.month_start

    union

    select
        month_start,
        attribution_model,
        channel
    from monthly_credits
    where new_paying_customers <> 0 or new_paying_customers_adjusted <> 0

    union

    select
        months.month_start,
        attribution_models.attribution_model,
        'unattributed' as channel
    from months
    cross join attribution_models

),

channel_months as (

    select
        month_channels.month_start,
        month_channels.attribution_model,
        month_channels.channel,
        coalesce(monthly_spend.spend_usd, 0) as spend_usd,
        coalesce(monthly_credits.new_paying_customers, 0) as new_paying_customers,
        coalesce(monthly_credits.new_paying_customers_adjusted, 0) as new_paying_customers_adjusted
    from month_channels
    left join monthly_spend
        on
            month_channels.month_start = monthly_spend.month_start
            and month_channels.channel = monthly_spend.channel
    left join monthly_credits
        on
            month_channels.month_start = monthly_credits.month_start
            and month_channels.attribution_model = monthly_credits.attribution_model
            and month_channels.channel = monthly_credits.channel

),

with_month_totals as (

    select
        month_start,
        attribution_model,
        channel,
        spend_usd,
        new_paying_customers,
        new_paying_customers_adjusted,
        case when new_paying_customers = 0 then spend_usd else 0 end as spend_without_customers_usd,
        sum(new_paying_customers) over (
            partition by month_start, attribution_model
        ) as month_new_paying_customers,
        sum(case when channel <> 'unattributed' then new_paying_customers else 0 end) over (
            partition by month_start, attribution_model
        ) as month_attributed_new_paying_customers,
        sum(case when channel = 'unattributed' then new_paying_customers else 0 end) over (
            partition by month_start, attribution_model
        ) as month_unattributed_new_paying_customers,
        sum(case when new_paying_customers = 0 then spend_usd else 0 end) over (
            partition by month_start, attribution_model
        ) as month_spend_without_customers_usd
    from channel_months

),

with_cac as (

    select
        with_month_totals.month_start,
        with_month_totals.attribution_model,
        with_month_totals.channel,
        with_month_totals.attribution_model = '{{ default_attribution_model() }}' as is_default_model,
        with_month_totals.spend_usd,
        with_month_totals.new_paying_customers,
        with_month_totals.new_paying_customers_adjusted,
        case
            when with_month_totals.channel <> 'unattributed' and with_month_totals.new_paying_customers > 0
                then with_month_totals.spend_usd / with_month_totals.new_paying_customers
        end as paid_cac,
        case
            when with_month_totals.channel <> 'unattributed' and with_month_totals.new_paying_customers_adjusted > 0
                then with_month_totals.spend_usd / with_month_totals.new_paying_customers_adjusted
        end as paid_cac_adjusted,
        with_month_totals.spend_without_customers_usd,
        months.month_spend_usd,
        with_month_totals.month_new_paying_customers,
        with_month_totals.month_attributed_new_paying_customers,
        with_month_totals.month_unattributed_new_paying_customers,
        case
            when with_month_totals.month_new_paying_customers > 0
                then
                    with_month_totals.month_attributed_new_paying_customers
                    / with_month_totals.month_new_paying_customers
        end as attribution_coverage,
        case
            when with_month_totals.month_new_paying_customers > 0
                then months.month_spend_usd / with_month_totals.month_new_paying_customers
        end as blended_cac,
        with_month_totals.month_spend_without_customers_usd,
        months.is_provisional
    from with_month_totals
    inner join months
        on with_month_totals.month_start = months.month_start

),

final as (

    select
        month_start,
        attribution_model,
        channel,
        is_default_model,
        {{ drop_trailing_zeros('spend_usd') }} as spend_usd,
        {{ drop_trailing_zeros('new_paying_customers') }} as new_paying_customers,
        {{ drop_trailing_zeros('new_paying_customers_adjusted') }} as new_paying_customers_adjusted,
        {{ drop_trailing_zeros('paid_cac') }} as paid_cac,
        {{ drop_trailing_zeros('paid_cac_adjusted') }} as paid_cac_adjusted,
        {{ drop_trailing_zeros('spend_without_customers_usd') }} as spend_without_customers_usd,
        {{ drop_trailing_zeros('month_spend_usd') }} as month_spend_usd,
        {{ drop_trailing_zeros('month_new_paying_customers') }} as month_new_paying_customers,
        {{ drop_trailing_zeros('month_attributed_new_paying_customers') }} as month_attributed_new_paying_customers,
        {{ drop_trailing_zeros('month_unattributed_new_paying_customers') }} as month_unattributed_new_paying_customers,
        {{ drop_trailing_zeros('attribution_coverage') }} as attribution_coverage,
        {{ drop_trailing_zeros('blended_cac') }} as blended_cac,
        {{ drop_trailing_zeros('month_spend_without_customers_usd') }} as month_spend_without_customers_usd,
        is_provisional
    from with_cac

)

select * from final
