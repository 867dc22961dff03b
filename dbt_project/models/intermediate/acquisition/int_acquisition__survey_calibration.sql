with recursive

credits as (

    select
        attribution_model,
        channel,
        credit,
        is_answered,
        answer_rule
    from {{ ref('int_acquisition__survey_credits') }}

),

confusion as (

    select
        attribution_model,
        channel,
        answer_rule,
        cast(answer_share as {{ sql_type('float') }}) as answer_share
    from {{ ref('int_acquisition__survey_confusion') }}

),

tracked as (

    select
        attribution_model,
        channel,
        sum(credit) as tracked_customers,
        sum(case when is_answered then credit else 0 end) as tracked_answered
    from credits
    where channel <> 'unattributed'
    group by attribution_model, channel

),

unattributed as (

    select
        attribution_model,
        sum(credit) as unattributed_customers,
        sum(case when is_answered then credit else 0 end) as unattributed_answered
    from credits
    where channel = 'unattributed'
    group by attribution_model

),

-- The channels the survey can speak for: those with tracked customers who answered, numbered for the arrays.
channels as (

    select
        attribution_model,
        channel,
        tracked_answered,
        row_number() over (partition by attribution_model order by channel) as channel_number,
        {{ quotient('tracked_answered', 'sum(tracked_answered) over (partition by attribution_model)') }}
            as tracked_answer_mix
    from tracked
    where tracked_answered > 0

),

-- What the unattributed customers answered, by rule; only a rule some tracked customer gave is evidence.
unattributed_answers as (

    select
        credits.attribution_model,
        credits.answer_rule,
        cast(sum(credits.credit) as {{ sql_type('float') }}) as answerers,
        cast(
            sum(sum(credits.credit)) over (partition by credits.attribution_model) as {{ sql_type('float') }}
        ) as informative_answerers
    from credits
    where
        credits.channel = 'unattributed'
        and credits.is_answered
        and exists (
            select 1
            from confusion
            where
                confusion.attribution_model = credits.attribution_model
                and confusion.answer_rule = credits.answer_rule
        )
    group by credits.attribution_model, credits.answer_rule

),

evidence as (

    select
        confusion.attribution_model,
        channels.channel_number,
        confusion.answer_rule,
        confusion.answer_share,
        unattributed_answers.answerers,
        unattributed_answers.informative_answerers
    from confusion
    inner join channels
        on
            confusion.attribution_model = channels.attribution_model
            and confusion.channel = channels.channel
    inner join unattributed_answers
        on
            confusion.attribution_model = unattributed_answers.attribution_model
            and confusion.answer_rule = unattributed_answers.answer_rule

),

{{ survey_mixture_em('channels', 'evidence') }},

ranked_iterations as (

    select
        attribution_model,
        iteration,
        shares,
        change,
        row_number() over (partition by attribution_model order by iteration desc) as newest_first
    from em

),

final_shares as (

    select
        attribution_model,
        iteration,
        shares,
        change
    from ranked_iterations
    where newest_first = 1

),

final as (

    select
        tracked.attribution_model,
        tracked.channel,
        {{ drop_trailing_zeros('tracked.tracked_customers') }} as tracked_customers,
        {{ drop_trailing_zeros('tracked.tracked_answered') }} as tracked_answered,
        case
            when tracked.tracked_customers > 0
                then {{ drop_trailing_zeros(quotient('tracked.tracked_answered', 'tracked.tracked_customers')) }}
        end as answer_rate,
        {{ drop_trailing_zeros('coalesce(unattributed.unattributed_customers, 0)') }} as unattributed_customers,
        {{ drop_trailing_zeros('coalesce(unattributed.unattributed_answered, 0)') }} as unattributed_answered,
        round(
            cast({{ array_element('final_shares.shares', 'channels.channel_number') }} as {{ sql_type('numeric') }}), 8
        ) as unattributed_answer_share,
        -- unattributed customers of the channel per tracked one: (unattributed answerers x their share) over
        -- its tracked answerers, so that a channel whose customers answer more often weighs no more.
        case
            when final_shares.iteration > 0
                then round(cast(
                    cast(unattributed.unattributed_answered as {{ sql_type('float') }})
                    * {{ array_element('final_shares.shares', 'channels.channel_number') }}
                    / cast(channels.tracked_answered as {{ sql_type('float') }})
                    as {{ sql_type('numeric') }}
                ), 8)
        end as unattributed_per_tracked,
        final_shares.iteration as em_iterations,
        final_shares.change as em_last_change
    from tracked
    left join unattributed
        on tracked.attribution_model = unattributed.attribution_model
    left join channels
        on
            tracked.attribution_model = channels.attribution_model
            and tracked.channel = channels.channel
    left join final_shares
        on tracked.attribution_model = final_shares.attribution_model

)

select * from final
