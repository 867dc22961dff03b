-- Spend in the mart = raw spend in USD, per day and channel: converted here straight from staging with a
-- correlated lookup (not the model's rate periods), USD at 1, so spend never goes missing between the
-- feed and the mart. Compared at the mart's stated precision and at its grain: each row must be exactly
-- the raw day's spend rounded to the cent (macros/marts/mart_precision.sql), no tolerance. Summed over many rows
-- the mart may then differ from the rounded raw total by up to half a cent per row, which is why the
-- reconciliation is per row and not of a total. Fails with the days and channels that differ.
-- Shown in Dagster as a check of metrics_daily (it reads more than one model).
{{ config(meta={'dagster': {'ref': {'name': 'metrics_daily'}}}) }}
with

spend as (

    select
        spend_date,
        channel,
        amount,
        currency
    from {{ ref('stg_platform__marketing_spend') }}

),

fx_rates as (

    select
        rate_date,
        currency,
        usd_per_unit
    from {{ ref('stg_platform__fx_rates') }}

),

metrics as (

    select
        date_day,
        channel,
        spend_usd
    from {{ ref('metrics_daily') }}

),

raw_spend_usd as (

    select
        spend.spend_date as date_day,
        spend.channel,
        sum(
            spend.amount * case
                when spend.currency = 'USD' then 1
                else (
                    select latest.usd_per_unit
                    from fx_rates as latest
                    where
                        latest.currency = spend.currency
                        and latest.rate_date = (
                            select max(earlier.rate_date)
                            from fx_rates as earlier
                            where
                                earlier.currency = spend.currency
                                and earlier.rate_date <= spend.spend_date
                        )
                )
            end
        ) as spend_usd
    from spend
    group by spend.spend_date, spend.channel

),

mart_spend as (

    select
        date_day,
        channel,
        sum(spend_usd) as spend_usd
    from metrics
    group by date_day, channel

),

final as (

    select
        coalesce(raw_spend_usd.date_day, mart_spend.date_day) as date_day,
        coalesce(raw_spend_usd.channel, mart_spend.channel) as channel,
        raw_spend_usd.spend_usd as raw_spend_usd,
        mart_spend.spend_usd as mart_spend_usd
    from raw_spend_usd
    full outer join mart_spend
        on
            raw_spend_usd.date_day = mart_spend.date_day
            and raw_spend_usd.channel = mart_spend.channel
    where {{ round_money('coalesce(raw_spend_usd.spend_usd, 0)') }} <> coalesce(mart_spend.spend_usd, 0)

)

select * from final
