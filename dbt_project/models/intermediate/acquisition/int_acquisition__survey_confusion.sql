with

attribution as (

    select
        customer_id,
        attribution_model,
        channel,
        credit
    from {{ ref('int_acquisition__attribution') }}
    where channel <> 'unattributed'

),

answers as (

    select
        customer_id,
        answer_rule,
        answer_channel
    from {{ ref('int_acquisition__survey_answers') }}
    where is_answered

),

tracked_answers as (

    select
        attribution.attribution_model,
        attribution.channel,
        answers.answer_rule,
        answers.answer_channel,
        attribution.credit
    from attribution
    inner join answers
        on attribution.customer_id = answers.customer_id

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
        answerers / sum(answerers) over (partition by attribution_model, channel) as answer_share
    from by_rule

)

select * from final
