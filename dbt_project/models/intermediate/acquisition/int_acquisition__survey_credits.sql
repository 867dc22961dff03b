-- Every credit of every attribution model beside the customer's survey answer: the one join the survey's
-- confusion, its calibration and the calibrated credits (and the interval's bootstrap) all start from.
with

attribution as (

    select
        customer_id,
        attribution_model,
        channel,
        credit,
        is_paying,
        converted_date
    from {{ ref('int_acquisition__attribution') }}

),

answers as (

    select
        customer_id,
        is_answered,
        answer_rule,
        answer_channel
    from {{ ref('int_acquisition__survey_answers') }}

),

final as (

    select
        attribution.customer_id,
        attribution.attribution_model,
        attribution.channel,
        attribution.channel <> 'unattributed' as is_tracked,
        attribution.credit,
        attribution.is_paying,
        attribution.converted_date,
        case when attribution.is_paying then {{ month_start('attribution.converted_date') }} end as month_start,
        answers.is_answered,
        answers.answer_rule,
        answers.answer_channel
    from attribution
    inner join answers
        on attribution.customer_id = answers.customer_id

)

select * from final
