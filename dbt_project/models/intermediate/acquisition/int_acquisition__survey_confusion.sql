with

tracked_answers as (

    select
        attribution_model,
        channel,
        answer_rule,
        answer_channel,
        credit
    from {{ ref('int_acquisition__survey_credits') }}
    where is_tracked and is_answered

),

by_rule as (

    select
        attribution_model,
        channel,
        answer_rule,
        answer_channel,
        sum(credit) as answerers
    from tracked_answers
    group by attribution_model, channel, answer_rule, answer_channel

),

final as (

    select
        attribution_model,
        channel,
        answer_rule,
        answer_channel,
        {{ drop_trailing_zeros('answerers') }} as answerers,
        {{ quotient('answerers', 'sum(answerers) over (partition by attribution_model, channel)') }} as answer_share
    from by_rule

)

select * from final
