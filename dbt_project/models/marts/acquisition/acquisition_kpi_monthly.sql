-- The acquisition loop's KPI per month, CAC accuracy: the widest half-width of the calibrated CAC's 95 % interval
-- among the month's paid channels, as a share of that channel's calibrated CAC (lower is better).
with

cac_monthly as (

    select month_start
    from {{ ref('cac_monthly') }}
    where is_default_model

),

metrics_daily as (

    select date_day
    from {{ ref('metrics_daily') }}

),

accuracy as (

    select
        month_start,
        channel,
        paid_cac_calibrated,
        half_width_usd,
        half_width_share
    from {{ ref('cac_accuracy_monthly') }}

),

months as (

    select distinct month_start
    from cac_monthly

),

widest as (

    select
        month_start,
        channel,
        paid_cac_calibrated,
        half_width_usd,
        half_width_share,
        row_number() over (partition by month_start order by half_width_share desc, channel asc) as width_rank
    from accuracy

),

loop_months as (

    select
        'acquisition' as loop_name,
        months.month_start,
        {{ is_complete_month('months.month_start', '(select max(metrics_daily.date_day) from metrics_daily)') }}
            as is_complete_month,
        widest.half_width_share as kpi_value,
        widest.half_width_usd as numerator,
        widest.paid_cac_calibrated as denominator,
        true as also_met,
        widest.channel || ': ±' || cast(widest.half_width_usd as {{ sql_type('text') }})
        || ' USD on a calibrated CAC of '
        || cast(widest.paid_cac_calibrated as {{ sql_type('text') }}) || ' USD' as detail
    from months
    left join widest
        on
            months.month_start = widest.month_start
            and widest.width_rank = 1

)

{{ kpi_with_target('loop_months') }}
