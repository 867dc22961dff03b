-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[{'columns': ['date_day']}],
        **replace_rows('date_day', partition_column='date_day')
    )
}}

-- depends_on: {{ ref('stg_platform__fx_rates') }} (read by incremental runs only)
{% set attribution_model = default_attribution_model() -%}
{%- set spend_processed_through = '(select max(_spend_delivered_through) from ' ~ this ~ ')' -%}
{%- set provisional_offset = 1 - var('provisional_days') | int -%}

with

spend as (

    select
        spend_date,
        channel,
        amount_usd,
        _delivery_date
    from {{ ref('int_acquisition__spend_usd') }}

),

credits as (

    select
        date_day,
        channel,
        signups,
        new_paying_customers,
        new_paying_customers_adjusted
    from {{ ref('int_acquisition__daily_credits') }}
    where attribution_model = '{{ attribution_model }}'

),

channel_mapping as (

    select
        version,
        channel
    from {{ ref('channel_mapping') }}

),

{% if is_incremental() -%}

fx_rates as (

    select
        rate_date,
        _delivery_date
    from {{ ref('stg_platform__fx_rates') }}

),

stored_rows as (

    select
        date_day,
        channel,
        signups,
        new_paying_customers,
        new_paying_customers_adjusted,
        is_provisional,
        attribution_model,
        channel_mapping_version
    from {{ this }}

),

{%- endif %}

mapping_version as (

    select max(version) as channel_mapping_version
    from channel_mapping

),

-- Every channel the newest mapping can give, plus the explicit bucket of customers without any visit.
known_channels as (

    select distinct channel_mapping.channel
    from channel_mapping
    inner join mapping_version
        on channel_mapping.version = mapping_version.channel_mapping_version

    union

    select 'unattributed' as channel

),

data_range as (

    select
        min(bounds.first_day) as first_day,
        max(bounds.last_day) as last_day,
        max(bounds.newest_spend_date) as newest_spend_date
    from (
        select
            min(spend_date) as first_day,
            max(spend_date) as last_day,
            max(spend_date) as newest_spend_date
        from spend

        union all

        select
            min(date_day) as first_day,
            max(date_day) as last_day,
            null as newest_spend_date
        from credits
    ) as bounds

),

-- Ad platforms restate recent spend: the last `provisional_days` days up to the newest spend day (and any
-- later day, which has no spend yet) are provisional.
provisional_window as (

    select {{ add_days('coalesce(newest_spend_date, last_day)', provisional_offset) }} as first_provisional_day
    from data_range

),

all_days as (

    {{ day_spine('(select first_day from data_range)', '(select last_day from data_range)') }}

),

{% if is_incremental() -%}

-- Which days to rebuild. Every rebuilt day is computed from the current state of all its inputs, so a day
-- only has to be rebuilt once after any of them changed:
-- spend delivered in the window (new days and restated old ones),
delivered_spend_days as (

    select distinct spend_date as date_day
    from spend
    where {{ delivery_window('_delivery_date', spend_processed_through) }}

),

-- the day of a rate delivered in the window and every later day (they may fall back on it),
delivered_rate_days as (

    select all_days.date_day
    from all_days
    where all_days.date_day >= (
        select min(fx_rates.rate_date)
        from fx_rates
        where {{ delivery_window('fx_rates._delivery_date', spend_processed_through) }}
    )

),

-- days whose customer credits differ from the stored ones: new and restated customers, visits stitched
-- later, a month's changed mix for the adjusted columns, a changed lookback; compared in full because
-- the credits are one small row per day and channel, and at the precision the table stores them,
changed_credit_days as (

    select coalesce(credits.date_day, stored_rows.date_day) as date_day
    from credits
    full outer join stored_rows
        on
            credits.date_day = stored_rows.date_day
            and credits.channel = stored_rows.channel
    where
        {{ round_customers('coalesce(credits.signups, 0)') }} <> coalesce(stored_rows.signups, 0)
        or {{ round_customers('coalesce(credits.new_paying_customers, 0)') }}
        <> coalesce(stored_rows.new_paying_customers, 0)
        or {{ round_customers('coalesce(credits.new_paying_customers_adjusted, 0)') }}
        <> coalesce(stored_rows.new_paying_customers_adjusted, 0)

),

-- days stored with a stale flag or rule: the provisional window moved on, the attribution model var or
-- the channel mapping version changed,
stale_days as (

    select stored_rows.date_day
    from stored_rows
    cross join provisional_window
    cross join mapping_version
    where
        stored_rows.is_provisional <> (stored_rows.date_day >= provisional_window.first_provisional_day)
        or stored_rows.attribution_model <> '{{ attribution_model }}'
        or stored_rows.channel_mapping_version <> mapping_version.channel_mapping_version

),

-- and days of the data's range the table does not hold yet.
missing_days as (

    select all_days.date_day
    from all_days
    where not exists (
        select 1
        from stored_rows
        where stored_rows.date_day = all_days.date_day
    )

),

days_to_build as (

    select all_days.date_day
    from all_days
    where all_days.date_day in (
        select delivered_spend_days.date_day from delivered_spend_days
        union
        select delivered_rate_days.date_day from delivered_rate_days
        union
        select changed_credit_days.date_day from changed_credit_days
        union
        select stale_days.date_day from stale_days
        union
        select missing_days.date_day from missing_days
    )

),

{%- else %}

days_to_build as (

    select date_day
    from all_days

),

{%- endif %}

spend_by_day as (

    select
        spend_date as date_day,
        channel,
        sum(amount_usd) as spend_usd,
        max(_delivery_date) as spend_delivered_through
    from spend
    where spend_date in (select days_to_build.date_day from days_to_build)
    group by spend_date, channel

),

credits_to_build as (

    select
        date_day,
        channel,
        signups,
        new_paying_customers,
        new_paying_customers_adjusted
    from credits
    where date_day in (select days_to_build.date_day from days_to_build)

),

-- One row per day and channel: every known channel every day (a zero is a row, not a gap), and any
-- channel that has spend or credit that day.
day_channels as (

    select
        days_to_build.date_day,
        known_channels.channel
    from days_to_build
    cross join known_channels

    union

    select
        date_day,
        channel
    from spend_by_day

    union

    select
        date_day,
        channel
    from credits_to_build

),

joined as (

    select
        day_channels.date_day,
        day_channels.channel,
        coalesce(spend_by_day.spend_usd, 0) as spend_usd,
        coalesce(credits_to_build.signups, 0) as signups,
        coalesce(credits_to_build.new_paying_customers, 0) as new_paying_customers,
        coalesce(credits_to_build.new_paying_customers_adjusted, 0) as new_paying_customers_adjusted,
        day_channels.date_day >= provisional_window.first_provisional_day as is_provisional,
        mapping_version.channel_mapping_version,
        spend_by_day.spend_delivered_through
    from day_channels
    cross join provisional_window
    cross join mapping_version
    left join spend_by_day
        on
            day_channels.date_day = spend_by_day.date_day
            and day_channels.channel = spend_by_day.channel
    left join credits_to_build
        on
            day_channels.date_day = credits_to_build.date_day
            and day_channels.channel = credits_to_build.channel

),

with_cac as (

    select
        date_day,
        channel,
        spend_usd,
        signups,
        new_paying_customers,
        new_paying_customers_adjusted,
        {{ paid_cac('channel', 'spend_usd', 'new_paying_customers') }} as paid_cac,
        {{ paid_cac('channel', 'spend_usd', 'new_paying_customers_adjusted') }} as paid_cac_adjusted,
        is_provisional,
        channel_mapping_version,
        spend_delivered_through
    from joined

),

final as (

    select
        date_day,
        channel,
        {{ round_money('spend_usd') }} as spend_usd,
        {{ round_customers('signups') }} as signups,
        {{ round_customers('new_paying_customers') }} as new_paying_customers,
        {{ round_customers('new_paying_customers_adjusted') }} as new_paying_customers_adjusted,
        {{ round_money('paid_cac') }} as paid_cac,
        {{ round_money('paid_cac_adjusted') }} as paid_cac_adjusted,
        is_provisional,
        cast('{{ attribution_model }}' as {{ sql_type('varchar') }}) as attribution_model,
        channel_mapping_version,
        spend_delivered_through as _spend_delivered_through
    from with_cac

)

select * from final
