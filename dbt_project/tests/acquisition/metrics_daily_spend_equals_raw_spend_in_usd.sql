-- Spend in the mart = raw spend in USD, per day and channel: converted here straight from staging with each
-- spend row's newest rate on or before its day (not the model's rate periods), USD at 1, so spend never goes missing between the
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

-- Each spend row's newest rate day on or before its day, found by a join (Spark cannot run a subquery
-- correlated two levels deep); the row number keeps two equal spend rows apart.
numbered_spend as (

    select
        spend_date,
        channel,
        amount,
        currency,
        row_number() over (order by spend_date, channel, currency, amount) as spend_row
    from spend

),

rate_days as (

    select
        numbered_spend.spend_row,
        max(fx_rates.rate_date) as rate_date
    from numbered_spend
    inner join fx_rates
        on
            numbered_spend.currency = fx_rates.currency
            and numbered_spend.spend_date >= fx_rates.rate_date
    group by numbered_spend.spend_row

),

raw_spend_usd as (

    select
        numbered_spend.spend_date as date_day,
        numbered_spend.channel,
        sum(
            numbered_spend.amount * case
                when numbered_spend.currency = 'USD' then 1
                else latest.usd_per_unit
            end
        ) as spend_usd
    from numbered_spend
    left join rate_days
        on numbered_spend.spend_row = rate_days.spend_row
    left join fx_rates as latest
        on
            numbered_spend.currency = latest.currency
            and rate_days.rate_date = latest.rate_date
    group by numbered_spend.spend_date, numbered_spend.channel

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
