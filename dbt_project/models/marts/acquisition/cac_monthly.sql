with

metrics as (

    select
        date_day,
        is_provisional
    from {{ ref('metrics_daily') }}

),

-- The exact spend behind metrics_daily's rounded spend_usd, so that a month's spend is rounded once.
spend as (

    select
        spend_date,
        channel,
        amount_usd
    from {{ ref('int_acquisition__spend_usd') }}

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

calibrated as (

    select
        month_start,
        attribution_model,
        channel,
        new_paying_customers_calibrated,
        month_unattributed_answered
    from {{ ref('int_acquisition__calibrated_credits') }}

),

calibration as (

    select
        attribution_model,
        channel,
        tracked_answered,
        unattributed_answered,
        unattributed_per_tracked
    from {{ ref('int_acquisition__survey_calibration') }}

),

attribution_models as (

    {{ attribution_models_query() }}

),

monthly_spend as (

    select
        {{ month_start('spend_date') }} as month_start,
        channel,
        sum(amount_usd) as spend_usd
    from spend
    group by {{ month_start('spend_date') }}, channel
    having sum(amount_usd) <> 0

),

month_spend as (

    select
        month_start,
        sum(spend_usd) as month_spend_usd
    from monthly_spend
    group by month_start

),

-- Every month of metrics_daily's range, with or without spend.
months as (

    select
        {{ month_start('metrics.date_day') }} as month_start,
        max(case when metrics.is_provisional then 1 else 0 end) = 1 as is_provisional,
        coalesce(max(month_spend.month_spend_usd), 0) as month_spend_usd
    from metrics
    left join month_spend
        on {{ month_start('metrics.date_day') }} = month_spend.month_start
    group by {{ month_start('metrics.date_day') }}

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
        month_start,
        attribution_model,
        channel
    from calibrated
    where new_paying_customers_calibrated <> 0

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
        coalesce(monthly_credits.new_paying_customers_adjusted, 0) as new_paying_customers_adjusted,
        coalesce(calibrated.new_paying_customers_calibrated, 0) as new_paying_customers_calibrated,
        calibration.tracked_answered as survey_tracked_answered,
        calibration.unattributed_answered as survey_unattributed_answered,
        calibration.unattributed_per_tracked
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
    left join calibrated
        on
            month_channels.month_start = calibrated.month_start
            and month_channels.attribution_model = calibrated.attribution_model
            and month_channels.channel = calibrated.channel
    left join calibration
        on
            month_channels.attribution_model = calibration.attribution_model
            and month_channels.channel = calibration.channel

),

month_evidence as (

    select
        month_start,
        attribution_model,
        max(month_unattributed_answered) as month_unattributed_answered
    from calibrated
    group by month_start, attribution_model

),

with_month_totals as (

    select
        month_start,
        attribution_model,
        channel,
        spend_usd,
        new_paying_customers,
        new_paying_customers_adjusted,
        new_paying_customers_calibrated,
        survey_tracked_answered,
        survey_unattributed_answered,
        unattributed_per_tracked,
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
        {{ paid_cac(
            'with_month_totals.channel', 'with_month_totals.spend_usd', 'with_month_totals.new_paying_customers'
        ) }} as paid_cac,
        {{ paid_cac(
            'with_month_totals.channel', 'with_month_totals.spend_usd', 'with_month_totals.new_paying_customers_adjusted'
        ) }} as paid_cac_adjusted,
        with_month_totals.new_paying_customers_calibrated,
        {{ paid_cac(
            'with_month_totals.channel', 'with_month_totals.spend_usd', 'with_month_totals.new_paying_customers_calibrated'
        ) }} as paid_cac_calibrated,
        case
            when with_month_totals.unattributed_per_tracked is not null
                then {{ quotient(
                    'with_month_totals.unattributed_per_tracked', '1 + with_month_totals.unattributed_per_tracked'
                ) }}
        end as estimated_tracking_loss,
        with_month_totals.survey_tracked_answered,
        with_month_totals.survey_unattributed_answered,
        coalesce(month_evidence.month_unattributed_answered, 0) as month_unattributed_answered,
        with_month_totals.spend_without_customers_usd,
        months.month_spend_usd,
        with_month_totals.month_new_paying_customers,
        with_month_totals.month_attributed_new_paying_customers,
        with_month_totals.month_unattributed_new_paying_customers,
        case
            when with_month_totals.month_new_paying_customers > 0
                then {{ quotient(
                    'with_month_totals.month_attributed_new_paying_customers',
                    'with_month_totals.month_new_paying_customers'
                ) }}
        end as attribution_coverage,
        case
            when with_month_totals.month_new_paying_customers > 0
                then {{ quotient('months.month_spend_usd', 'with_month_totals.month_new_paying_customers') }}
        end as blended_cac,
        with_month_totals.month_spend_without_customers_usd,
        months.is_provisional
    from with_month_totals
    inner join months
        on with_month_totals.month_start = months.month_start
    left join month_evidence
        on
            with_month_totals.month_start = month_evidence.month_start
            and with_month_totals.attribution_model = month_evidence.attribution_model

),

final as (

    select
        month_start,
        attribution_model,
        channel,
        is_default_model,
        {{ round_money('spend_usd') }} as spend_usd,
        {{ round_customers('new_paying_customers') }} as new_paying_customers,
        {{ round_customers('new_paying_customers_adjusted') }} as new_paying_customers_adjusted,
        {{ round_money('paid_cac') }} as paid_cac,
        {{ round_money('paid_cac_adjusted') }} as paid_cac_adjusted,
        {{ round_customers('new_paying_customers_calibrated') }} as new_paying_customers_calibrated,
        {{ round_money('paid_cac_calibrated') }} as paid_cac_calibrated,
        {{ round_share('estimated_tracking_loss') }} as estimated_tracking_loss,
        {{ round_customers('survey_tracked_answered') }} as survey_tracked_answered,
        {{ round_customers('survey_unattributed_answered') }} as survey_unattributed_answered,
        {{ round_customers('month_unattributed_answered') }} as month_unattributed_answered,
        {{ round_money('spend_without_customers_usd') }} as spend_without_customers_usd,
        {{ round_money('month_spend_usd') }} as month_spend_usd,
        {{ round_customers('month_new_paying_customers') }} as month_new_paying_customers,
        {{ round_customers('month_attributed_new_paying_customers') }} as month_attributed_new_paying_customers,
        {{ round_customers('month_unattributed_new_paying_customers') }} as month_unattributed_new_paying_customers,
        {{ round_share('attribution_coverage') }} as attribution_coverage,
        {{ round_money('blended_cac') }} as blended_cac,
        {{ round_money('month_spend_without_customers_usd') }} as month_spend_without_customers_usd,
        is_provisional
    from with_cac

)

select * from final
