{#-
    `em`, a recursive CTE: the channel mix of the unattributed customers who answered the survey, by
    expectation-maximisation over the survey's confusion (the answer shares each channel's tracked customers
    give). The model using it must open with `with recursive`.

    channels: attribution_model, channel_number (1..n per model), tracked_answer_mix (the start: the tracked
              answerers' mix, a share per channel summing to 1)
    evidence: attribution_model, channel_number, answer_rule, answer_share (of the channel's tracked answerers
              giving that rule), answerers (unattributed answerers giving it), informative_answerers (their
              total over the model's rules)

    One step: every unattributed answer is split over the channels in proportion to share(channel) x
    answer_share(channel, rule), and the new share of a channel is what it received over all answers. It
    stops when no share moves by more than `tolerance`, or after `max_iterations` (dbt vars
    survey_em_tolerance, survey_em_max_iterations). Rows: one per model and iteration, `shares` as an array
    in channel_number order; the last iteration is the estimate. Postgres arrays, hence a macro.
-#}
{% macro survey_mixture_em(channels, evidence) -%}
    {{ return(adapter.dispatch('survey_mixture_em')(channels, evidence)) }}
{%- endmacro %}

{% macro postgres__survey_mixture_em(channels, evidence) -%}
em (attribution_model, iteration, shares, change) as (

    select
        attribution_model,
        0 as iteration,
        array_agg(cast(tracked_answer_mix as float) order by channel_number) as shares,
        cast(1 as float) as change
    from {{ channels }}
    group by attribution_model

    union all

    select
        em.attribution_model,
        em.iteration + 1 as iteration,
        step.shares,
        step.change
    from em
    cross join lateral (
        select
            array_agg(coalesce(updated.share, 0) order by model_channels.channel_number) as shares,
            max(abs(coalesce(updated.share, 0) - em.shares[model_channels.channel_number])) as change
        from {{ channels }} as model_channels
        -- A share below 1e-12 is taken as 0 (where EM drives it anyway): products of ever smaller shares
        -- would underflow the float, which Postgres reports as an error.
        left join (
            select
                received.channel_number,
                case when received.share < 1e-12 then 0 else received.share end as share
            from (
                select
                    answers.channel_number,
                    sum(
                        answers.answerers * em.shares[answers.channel_number] * answers.answer_share
                        / expected.expected
                    ) / max(answers.informative_answerers) as share
                from {{ evidence }} as answers
                inner join (
                    select
                        given.answer_rule,
                        sum(em.shares[given.channel_number] * given.answer_share) as expected
                    from {{ evidence }} as given
                    where given.attribution_model = em.attribution_model
                    group by given.answer_rule
                ) as expected
                    on answers.answer_rule = expected.answer_rule
                where answers.attribution_model = em.attribution_model and expected.expected > 0
                group by answers.channel_number
            ) as received
        ) as updated
            on model_channels.channel_number = updated.channel_number
        where model_channels.attribution_model = em.attribution_model
    ) as step
    where
        em.change > {{ var('survey_em_tolerance') }}
        and em.iteration < {{ var('survey_em_max_iterations') }}
        and exists (select 1 from {{ evidence }} as any_evidence where any_evidence.attribution_model = em.attribution_model)

)
{%- endmacro %}

{#-
    On Spark: the same steps, not as a recursive CTE (Spark's cannot aggregate over the recursive reference in
    a lateral subquery) but as a fold: `aggregate` over 1..max_iterations carries the iterations so far and
    appends the next while the last one's change exceeds the tolerance. Each model's evidence is gathered
    first into arrays (per answer rule, its channels' answer shares and answerers); one step computes each
    rule's expected share, then each channel's received share, exactly as the Postgres steps do, in float.
    `em` has the same rows (one per model and iteration) and columns; `transform(array(x), v -> ...)[0]`
    names an intermediate value inside the fold.
-#}
{% macro spark__survey_mixture_em(channels, evidence) -%}
em as (

    select
        folded.attribution_model,
        folded.state.iteration as iteration,
        folded.state.shares as shares,
        folded.state.change as change
    from (
        select
            starts.attribution_model,
            explode(aggregate(
                sequence(1, {{ var('survey_em_max_iterations') }}),
                array(named_struct(
                    'iteration', 0, 'shares', starts.shares, 'change', cast(1 as double)
                )),
                (history, step) -> case
                    when
                        model_evidence.rules is null
                        or element_at(history, -1).change <= {{ var('survey_em_tolerance') }}
                        or element_at(history, -1).iteration >= {{ var('survey_em_max_iterations') }}
                        then history
                    else concat(history, transform(array(element_at(history, -1)), previous -> transform(
                        array(transform(
                            model_evidence.rules,
                            rule -> aggregate(
                                rule.channels, cast(0 as double),
                                (total, given) -> total + element_at(previous.shares, given.channel_number) * given.answer_share
                            )
                        )),
                        expected -> transform(
                            array(transform(starts.channel_numbers, channel -> transform(
                                array(aggregate(
                                    transform(model_evidence.rules, (rule, position) -> case
                                        when element_at(expected, position + 1) > 0 then aggregate(
                                            filter(rule.channels, answer -> answer.channel_number = channel),
                                            cast(0 as double),
                                            (total, answer) -> total
                                                + answer.answerers * element_at(previous.shares, channel) * answer.answer_share
                                                / element_at(expected, position + 1)
                                        )
                                        else cast(0 as double)
                                    end),
                                    cast(0 as double),
                                    (total, received) -> total + received
                                ) / model_evidence.informative_answerers),
                                share -> case when share < 1e-12 then cast(0 as double) else share end
                            )[0])),
                            shares -> named_struct(
                                'iteration', previous.iteration + 1,
                                'shares', shares,
                                'change', array_max(zip_with(
                                    shares, starts.channel_numbers,
                                    (share, channel) -> abs(share - element_at(previous.shares, channel))
                                ))
                            )
                        )[0]
                    )[0]))
                end
            )) as state
        from (
            select
                attribution_model,
                transform(
                    array_sort(collect_list(struct(channel_number, cast(tracked_answer_mix as double) as share))),
                    channel -> channel.share
                ) as shares,
                array_sort(collect_list(channel_number)) as channel_numbers
            from {{ channels }}
            group by attribution_model
        ) as starts
        left join (
            select
                attribution_model,
                array_sort(collect_list(struct(answer_rule, channels))) as rules,
                max(informative_answerers) as informative_answerers
            from (
                select
                    attribution_model,
                    answer_rule,
                    array_sort(collect_list(struct(
                        channel_number, cast(answer_share as double) as answer_share,
                        cast(answerers as double) as answerers
                    ))) as channels,
                    max(cast(informative_answerers as double)) as informative_answerers
                from {{ evidence }}
                group by attribution_model, answer_rule
            ) as rule_evidence
            group by attribution_model
        ) as model_evidence
            on starts.attribution_model = model_evidence.attribution_model
    ) as folded

)
{%- endmacro %}

{% macro default__survey_mixture_em(channels, evidence) -%}
    {{ exceptions.raise_compiler_error(
        "survey_mixture_em has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__survey_mixture_em macro to dbt_project/macros/acquisition/survey_mixture_em.sql"
    ) }}
{%- endmacro %}
