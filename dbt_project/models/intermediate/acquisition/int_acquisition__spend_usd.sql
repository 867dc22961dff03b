{{ config(materialized='view') }}

with

spend as (

    select
        spend_date,
        channel,
        campaign_id,
        amount,
        currency,
        _delivery_date,
        _source_file,
        _source_line
    from {{ ref('stg_platform__marketing_spend') }}

),

fx_rates as (

    select
        rate_date,
        currency,
        usd_per_unit
    from {{ ref('stg_platform__fx_rates') }}

),

-- Each rate holds from its day until the currency's next rate: a day without a rate of its own uses the
-- latest earlier one. USD is 1 by definition, whatever the feed says about it.
rate_periods as (

    select
        currency,
        rate_date,
        usd_per_unit,
        lead(rate_date) over (
            partition by currency
            order by rate_date
        ) as next_rate_date
    from fx_rates
    where currency <> 'USD'

),

converted as (

    select
        spend.spend_date,
        spend.channel,
        spend.campaign_id,
        spend.amount,
        spend.currency,
        case when spend.currency = 'USD' then spend.spend_date else rate_periods.rate_date end as rate_date,
        case
            when spend.currency = 'USD' then cast(1 as {{ sql_type('numeric') }}) else rate_periods.usd_per_unit
        end as usd_per_unit,
        spend._delivery_date,
        spend._source_file,
        spend._source_line
    from spend
    left join rate_periods
        on
            spend.currency = rate_periods.currency
            and spend.spend_date >= rate_periods.rate_date
            and (spend.spend_date < rate_periods.next_rate_date or rate_periods.next_rate_date is null)

),

final as (

    select
        spend_date,
        channel,
        campaign_id,
        amount,
        currency,
        usd_per_unit,
        rate_date,
        rate_date < spend_date as is_earlier_rate,
        {{ drop_trailing_zeros('amount * usd_per_unit') }} as amount_usd,
        _delivery_date,
        _source_file,
        _source_line
    from converted

)

select * from final
