with

new_paying as (

    select
        month_start,
        attribution_model,
        channel,
        credit,
        is_answered,
        answer_rule
    from {{ ref('int_acquisition__survey_credits') }}
    where is_paying

),

calibration as (

    select
        attribution_model,
        channel,
        tracked_customers,
        unattributed_customers,
        cast(answer_rate as {{ sql_type('float') }}) as answer_rate,
        cast(unattributed_per_tracked as {{ sql_type('float') }}) as unattributed_per_tracked
    from {{ ref('int_acquisition__survey_calibration') }}

),

confusion as (

    select
        attribution_model,
        channel,
        answer_rule,
        cast(answer_share as {{ sql_type('float') }}) as answer_share
    from {{ ref('int_acquisition__survey_confusion') }}

),

attributed_monthly as (

    select
        month_start,
        attribution_model,
        channel,
        sum(credit) as attributed
    from new_paying
    where channel <> 'unattributed'
    group by month_start, attribution_model, channel

),

unattributed_monthly as (

    select
        month_start,
        attribution_model,
        sum(credit) as unattributed,
        sum(case when is_answered then credit else 0 end) as unattributed_answered
    from new_paying
    where channel = 'unattributed'
    group by month_start, attribution_model

),

-- Without a survey estimate for a channel, the model's overall unattributed-per-tracked ratio (the attributed mix).
overall_ratio as (

    select
        attribution_model,
        cast(max(unattributed_customers) as {{ sql_type('float') }})
        / cast(sum(tracked_customers) as {{ sql_type('float') }}) as unattributed_per_tracked
    from calibration
    group by attribution_model
    having sum(tracked_customers) > 0

),

-- The prior of a month's unattributed customers: each channel's tracked new paying customers times its
-- estimated unattributed customers per tracked one.
priors as (

    select
        attributed_monthly.month_start,
        attributed_monthly.attribution_model,
        attributed_monthly.channel,
        attributed_monthly.attributed,
        cast(attributed_monthly.attributed as {{ sql_type('float') }})
        * coalesce(calibration.unattributed_per_tracked, overall_ratio.unattributed_per_tracked, 1) as weight,
        coalesce(calibration.answer_rate, 0) as answer_rate
    from attributed_monthly
    left join calibration
        on
            attributed_monthly.attribution_model = calibration.attribution_model
            and attributed_monthly.channel = calibration.channel
    left join overall_ratio
        on attributed_monthly.attribution_model = overall_ratio.attribution_model

),

prior_shares as (

    select
        month_start,
        attribution_model,
        channel,
        attributed,
        answer_rate,
        case
            when sum(weight) over (partition by month_start, attribution_model) > 0
                then weight / sum(weight) over (partition by month_start, attribution_model)
            else
                cast(attributed as {{ sql_type('float') }})
                / cast(sum(attributed) over (partition by month_start, attribution_model) as {{ sql_type('float') }})
        end as prior_share
    from priors

),

unattributed_answers as (

    select
        month_start,
        attribution_model,
        answer_rule,
        cast(sum(credit) as {{ sql_type('float') }}) as answerers
    from new_paying
    where channel = 'unattributed' and is_answered
    group by month_start, attribution_model, answer_rule

),

-- Each answer's chance to come from each channel: prior x answer rate x the channel's share of that answer.
answer_splits as (

    select
        unattributed_answers.month_start,
        unattributed_answers.attribution_model,
        unattributed_answers.answer_rule,
        unattributed_answers.answerers,
        prior_shares.channel,
        prior_shares.prior_share * prior_shares.answer_rate as answering_prior,
        prior_shares.prior_share * prior_shares.answer_rate * coalesce(confusion.answer_share, 0) as likelihood
    from unattributed_answers
    inner join prior_shares
        on
            unattributed_answers.month_start = prior_shares.month_start
            and unattributed_answers.attribution_model = prior_shares.attribution_model
    left join confusion
        on
            prior_shares.attribution_model = confusion.attribution_model
            and prior_shares.channel = confusion.channel
            and unattributed_answers.answer_rule = confusion.answer_rule

),

answer_totals as (

    select
        month_start,
        attribution_model,
        answer_rule,
        answerers,
        channel,
        likelihood,
        answering_prior,
        sum(likelihood) over (partition by month_start, attribution_model, answer_rule) as rule_likelihood,
        sum(answering_prior) over (partition by month_start, attribution_model, answer_rule) as rule_prior
    from answer_splits

),

-- An answer no tracked customer of the month's channels gave is split by the prior alone.
from_answers as (

    select
        month_start,
        attribution_model,
        channel,
        sum(
            answerers * case
                when rule_likelihood > 0 then likelihood / rule_likelihood
                when rule_prior > 0 then answering_prior / rule_prior
                else 0
            end
        ) as from_answered
    from answer_totals
    group by month_start, attribution_model, channel

),

-- The unattributed customers who left the question blank, split by prior x (1 - answer rate).
from_silence as (

    select
        prior_shares.month_start,
        prior_shares.attribution_model,
        prior_shares.channel,
        (unattributed_monthly.unattributed - unattributed_monthly.unattributed_answered) * case
            when
                sum(prior_shares.prior_share * (1 - prior_shares.answer_rate)) over (
                    partition by prior_shares.month_start, prior_shares.attribution_model
                ) > 0
                then
                    prior_shares.prior_share * (1 - prior_shares.answer_rate)
                    / sum(prior_shares.prior_share * (1 - prior_shares.answer_rate)) over (
                        partition by prior_shares.month_start, prior_shares.attribution_model
                    )
            else prior_shares.prior_share
        end as from_silent
    from prior_shares
    inner join unattributed_monthly
        on
            prior_shares.month_start = unattributed_monthly.month_start
            and prior_shares.attribution_model = unattributed_monthly.attribution_model

),

channel_rows as (

    select
        prior_shares.month_start,
        prior_shares.attribution_model,
        prior_shares.channel,
        prior_shares.attributed,
        prior_shares.prior_share,
        coalesce(from_answers.from_answered, 0) as from_answered,
        coalesce(from_silence.from_silent, 0) as from_silent
    from prior_shares
    left join from_answers
        on
            prior_shares.month_start = from_answers.month_start
            and prior_shares.attribution_model = from_answers.attribution_model
            and prior_shares.channel = from_answers.channel
    left join from_silence
        on
            prior_shares.month_start = from_silence.month_start
            and prior_shares.attribution_model = from_silence.attribution_model
            and prior_shares.channel = from_silence.channel

),

-- The unattributed bucket keeps its customers only in a month without any attributed one to apportion to.
unattributed_rows as (

    select
        unattributed_monthly.month_start,
        unattributed_monthly.attribution_model,
        'unattributed' as channel,
        unattributed_monthly.unattributed,
        case
            when exists (
                select 1
                from attributed_monthly
                where
                    attributed_monthly.month_start = unattributed_monthly.month_start
                    and attributed_monthly.attribution_model = unattributed_monthly.attribution_model
            ) then 0
            else unattributed_monthly.unattributed
        end as kept
    from unattributed_monthly

),

final as (

    select
        channel_rows.month_start,
        channel_rows.attribution_model,
        channel_rows.channel,
        {{ drop_trailing_zeros('channel_rows.attributed') }} as attributed_new_paying_customers,
        {{ drop_trailing_zeros(
            'cast(channel_rows.attributed as ' ~ sql_type('numeric') ~ ')'
            ~ ' + cast(channel_rows.from_answered + channel_rows.from_silent as ' ~ sql_type('numeric') ~ ')'
        ) }} as new_paying_customers_calibrated,
        {{ drop_trailing_zeros(
            'round(cast(channel_rows.prior_share as ' ~ sql_type('numeric') ~ '), 10)'
        ) }} as prior_share,
        {{ drop_trailing_zeros(
            'round(cast(channel_rows.from_answered as ' ~ sql_type('numeric') ~ '), 10)'
        ) }} as from_answered,
        {{ drop_trailing_zeros(
            'round(cast(channel_rows.from_silent as ' ~ sql_type('numeric') ~ '), 10)'
        ) }} as from_silent,
        coalesce(unattributed_monthly.unattributed, 0) as month_unattributed,
        coalesce(unattributed_monthly.unattributed_answered, 0) as month_unattributed_answered
    from channel_rows
    left join unattributed_monthly
        on
            channel_rows.month_start = unattributed_monthly.month_start
            and channel_rows.attribution_model = unattributed_monthly.attribution_model

    union all

    select
        unattributed_rows.month_start,
        unattributed_rows.attribution_model,
        unattributed_rows.channel,
        0 as attributed_new_paying_customers,
        {{ drop_trailing_zeros('unattributed_rows.kept') }} as new_paying_customers_calibrated,
        cast(null as {{ sql_type('numeric') }}) as prior_share,
        cast(0 as {{ sql_type('numeric') }}) as from_answered,
        cast(0 as {{ sql_type('numeric') }}) as from_silent,
        unattributed_monthly.unattributed as month_unattributed,
        unattributed_monthly.unattributed_answered as month_unattributed_answered
    from unattributed_rows
    inner join unattributed_monthly
        on
            unattributed_rows.month_start = unattributed_monthly.month_start
            and unattributed_rows.attribution_model = unattributed_monthly.attribution_model

)

select * from final
