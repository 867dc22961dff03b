-- Per month and paid channel: how wide the calibrated CAC's 95 % interval is, as a share of the CAC (the
-- scorecard's "CAC accuracy"), and roughly how many survey answers a month would narrow it to the target.
with

intervals as (

    {{ cac_intervals() }}

),

survey_credits as (

    select
        month_start,
        customer_id
    from {{ ref('int_acquisition__survey_credits') }}
    where
        attribution_model = '{{ var("attribution_model") }}'
        and is_paying
        and is_answered

),

targets as (

    {{ newest_scorecard_targets(ref('scorecard_targets')) }}

),

survey_answers as (

    select
        month_start,
        count(distinct customer_id) as survey_answers
    from survey_credits
    group by month_start

),

-- Paid channels with spend: a calibrated CAC exists only where the month has spend and customers.
paid_intervals as (

    select
        month_start,
        channel,
        paid_cac_calibrated,
        paid_cac_low,
        paid_cac_high,
        (paid_cac_high - paid_cac_low) / 2 as half_width_usd
    from intervals
    where
        attribution_model = '{{ var("attribution_model") }}'
        and paid_cac_calibrated > 0

)

-- The interval narrows with the square root of the answers behind it, so reaching a half-width of `target`
-- takes about answers x (half-width / target)^2 answers a month: a lever, not a promise.
select
    paid_intervals.month_start,
    paid_intervals.channel,
    paid_intervals.paid_cac_calibrated,
    paid_intervals.paid_cac_low,
    paid_intervals.paid_cac_high,
    {{ round_money('paid_intervals.half_width_usd') }} as half_width_usd,
    {{ round_share('paid_intervals.half_width_usd / paid_intervals.paid_cac_calibrated') }} as half_width_share,
    coalesce(survey_answers.survey_answers, 0) as survey_answers,
    targets.target as target_half_width_share,
    cast(ceil(
        coalesce(survey_answers.survey_answers, 0)
        * power(paid_intervals.half_width_usd / paid_intervals.paid_cac_calibrated / targets.target, 2)
    ) as integer) as survey_answers_for_target
from paid_intervals
inner join targets
    on targets.loop_name = 'acquisition'
left join survey_answers
    on paid_intervals.month_start = survey_answers.month_start
