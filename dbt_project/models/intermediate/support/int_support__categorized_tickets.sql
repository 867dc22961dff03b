-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['ticket_id'], 'unique': true},
            {'columns': ['_delivery_date']},
            {'columns': ['_processed_at']},
        ],
        **replace_rows('ticket_id')
    )
}}

{#- Regular expressions are the cost of this model: a night categorizes only the tickets delivered in its
    window, and a new rule version or a new model version (another night's training data) re-categorizes
    every stored ticket. -#}
{%- set read_window = is_incremental_with(['_processed_at', 'rules_version', 'model_version'])
    and not ticket_rules_are_outdated(this, ref('ticket_rules'))
    and not ticket_model_is_outdated(this) -%}

with

tickets as (

    select
        ticket_id,
        customer_id,
        request_id,
        created_at,
        created_date,
        channel,
        priority,
        status,
        subject,
        body,
        agent_category,
        first_response_at,
        solved_at,
        reopened_count,
        is_reopened,
        csat_score,
        updated_at,
        _delivery_date
    from {{ ref('stg_platform__support_tickets') }}
    {%- if read_window %}
    where {{ delivery_window('_delivery_date', '(select max(_delivery_date) from ' ~ this ~ ')') }}
    {%- endif %}

),

ticket_rules as (

    select
        version,
        rule_id,
        priority,
        category,
        pattern
    from {{ ref('ticket_rules') }}

),

-- Only the newest version is in force: a new version re-categorizes every stored ticket on the next build.
newest_rules as (

    select
        version,
        rule_id,
        priority,
        category,
        pattern
    from ticket_rules
    where version = (select max(newest.version) from ticket_rules as newest)

),

texts as (

    select
        ticket_id,
        {{ ticket_rule_text('subject', 'body') }} as rule_text
    from tickets

),

-- Every rule against every ticket, the rule in the outer loop: Postgres caches only a few compiled regular
-- expressions per session, so a loop over tickets that tried each rule in turn would compile every pattern
-- again for every ticket (minutes instead of a second). Agent-labelled tickets go through the rules too:
-- how often the rules agree with the agents is the rules' measured accuracy.
rule_matches as (

    select
        matching_tickets.ticket_id,
        newest_rules.category,
        newest_rules.rule_id,
        newest_rules.version,
        newest_rules.priority,
        row_number() over (
            partition by matching_tickets.ticket_id
            order by newest_rules.priority, newest_rules.rule_id
        ) as match_rank
    from newest_rules
    cross join lateral (
        select texts.ticket_id
        from texts
        where {{ regex_matches('texts.rule_text', 'newest_rules.pattern') }}
        -- A fence: without it Postgres flattens the subquery into a join and may put the tickets outside.
        offset 0  -- noqa: AM09
    ) as matching_tickets

),

-- The ticket model's answer (support_python.ticket_predictions, written by the Python asset after
-- int_support__ticket_texts); empty until it has run.
predictions as (

    {{ ticket_predictions() }}

),

first_matching_rules as {{ materialized_cte() }} (

    select
        ticket_id,
        category,
        rule_id,
        version,
        priority
    from rule_matches
    where match_rank = 1

),

final as (

    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.request_id,
        tickets.created_at,
        tickets.created_date,
        tickets.channel,
        tickets.priority,
        tickets.status,
        tickets.subject,
        tickets.body,
        texts.rule_text,
        -- agent label > rules > a confident enough model > uncategorized (docs/support_categorization.md)
        coalesce(
            tickets.agent_category,
            first_matching_rules.category,
            case
                when predictions.confidence >= {{ var('support_model_min_confidence') }}
                    then predictions.predicted_category
            end,
            'uncategorized'
        ) as category,
        case
            when tickets.agent_category is not null then 'agent'
            when first_matching_rules.category is not null then 'rule'
            when predictions.confidence >= {{ var('support_model_min_confidence') }} then 'model'
            else 'uncategorized'
        end as decided_by,
        tickets.agent_category,
        first_matching_rules.category as rule_category,
        first_matching_rules.rule_id,
        first_matching_rules.version as rule_version,
        first_matching_rules.priority as rule_priority,
        (select max(newest_rules.version) from newest_rules) as rules_version,
        predictions.predicted_category as model_category,
        predictions.confidence as model_confidence,
        (select max(all_predictions.model_version) from predictions as all_predictions) as model_version,
        predictions.language,
        tickets.first_response_at,
        tickets.solved_at,
        tickets.reopened_count,
        tickets.is_reopened,
        tickets.csat_score,
        tickets.updated_at,
        tickets._delivery_date,
        {{ run_processed_at() }} as _processed_at
    from tickets
    inner join texts
        on tickets.ticket_id = texts.ticket_id
    left join first_matching_rules
        on tickets.ticket_id = first_matching_rules.ticket_id
    left join predictions
        on tickets.ticket_id = predictions.ticket_id

)

select * from final
