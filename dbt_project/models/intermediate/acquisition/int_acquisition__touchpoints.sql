-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['touchpoint_id'], 'unique': true},
            {'columns': ['anonymous_id']},
            {'columns': ['customer_id']},
            {'columns': ['_delivery_date']},
            {'columns': ['_processed_at']},
        ],
        **replace_rows('touchpoint_id')
    )
}}

{#- A new channel mapping version re-classifies every stored touchpoint, not only the new ones. -#}
{%- set read_window = is_incremental_with(['_processed_at'])
    and not channel_mapping_is_outdated(this, ref('channel_mapping')) -%}

with

arrived as (

    select
        touchpoint_id,
        anonymous_id,
        customer_id as identified_customer_id,
        occurred_at,
        occurred_date,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer_domain,
        landing_path,
        _delivery_date,
        _source_file,
        _source_line
    from {{ ref('stg_platform__touchpoints') }}
    {%- if read_window %}
    where {{ delivery_window('_delivery_date', '(select max(_delivery_date) from ' ~ this ~ ')') }}
    {%- endif %}

),

channel_mapping as (

    select
        version,
        priority,
        utm_source_pattern,
        utm_medium_pattern,
        referrer_domain_pattern,
        channel
    from {{ ref('channel_mapping') }}

),

{% if read_window -%}

-- Stitching is retroactive: the earlier visits of a visitor who shows up in the window take the customer
-- a new visit names, so they are read back (by the index on anonymous_id: in_subquery(), `= any(array(...))`
-- on Postgres, keeps the planner from scanning every stored visit) and written again. A visit delivered
-- again under another anonymous_id also leaves its old visitor, who is re-stitched as well.
affected_visitors as (

    select arrived.anonymous_id
    from arrived

    union

    select stored_visits.anonymous_id
    from {{ this }} as stored_visits
    where {{ in_subquery('stored_visits.touchpoint_id', 'select arrived.touchpoint_id from arrived') }}

),

earlier_visits as (

    select
        stored_visits.touchpoint_id,
        stored_visits.anonymous_id,
        stored_visits.identified_customer_id,
        stored_visits.occurred_at,
        stored_visits.occurred_date,
        stored_visits.utm_source,
        stored_visits.utm_medium,
        stored_visits.utm_campaign,
        stored_visits.referrer_domain,
        stored_visits.landing_path,
        stored_visits._delivery_date,
        stored_visits._source_file,
        stored_visits._source_line
    from {{ this }} as stored_visits
    where
        {{ in_subquery('stored_visits.anonymous_id', 'select affected_visitors.anonymous_id from affected_visitors') }}
        and not exists (
            select 1
            from arrived
            where arrived.touchpoint_id = stored_visits.touchpoint_id
        )

),

visits as (

    select * from arrived
    union all
    select * from earlier_visits

),

{%- else -%}

visits as (

    select * from arrived

),

{%- endif %}

newest_rules as (

    select
        version,
        priority,
        utm_source_pattern,
        utm_medium_pattern,
        referrer_domain_pattern,
        channel
    from channel_mapping
    where version = (select max(newest.version) from channel_mapping as newest)

),

matching_rules as (

    select
        visits.touchpoint_id,
        newest_rules.channel,
        newest_rules.version,
        newest_rules.priority,
        row_number() over (
            partition by visits.touchpoint_id
            order by newest_rules.priority
        ) as match_rank
    from visits
    inner join newest_rules
        on
            {{ channel_pattern_matches('visits.utm_source', 'newest_rules.utm_source_pattern') }}
            and {{ channel_pattern_matches('visits.utm_medium', 'newest_rules.utm_medium_pattern') }}
            and {{ channel_pattern_matches('visits.referrer_domain', 'newest_rules.referrer_domain_pattern') }}

),

classified as (

    select
        touchpoint_id,
        channel,
        version as channel_mapping_version,
        priority as channel_rule_priority
    from matching_rules
    where match_rank = 1

),

-- A visitor (anonymous_id) belongs to the customer its earliest identifying visit names; the same browser
-- naming a second customer later (a shared computer) does not move the visits already credited.
identifications as (

    select
        anonymous_id,
        identified_customer_id,
        occurred_at,
        row_number() over (
            partition by anonymous_id
            order by occurred_at, touchpoint_id
        ) as identification_rank
    from visits
    where identified_customer_id is not null

),

stitched_visitors as (

    select
        anonymous_id,
        identified_customer_id as customer_id,
        occurred_at as identified_at
    from identifications
    where identification_rank = 1

),

final as (

    select
        visits.touchpoint_id,
        visits.anonymous_id,
        stitched_visitors.customer_id,
        visits.identified_customer_id,
        stitched_visitors.identified_at,
        visits.occurred_at,
        visits.occurred_date,
        visits.utm_source,
        visits.utm_medium,
        visits.utm_campaign,
        visits.referrer_domain,
        visits.landing_path,
        classified.channel,
        coalesce(classified.channel = 'direct', false) as is_direct,
        classified.channel_mapping_version,
        classified.channel_rule_priority,
        visits._delivery_date,
        visits._source_file,
        visits._source_line,
        {{ run_processed_at() }} as _processed_at
    from visits
    left join classified
        on visits.touchpoint_id = classified.touchpoint_id
    left join stitched_visitors
        on visits.anonymous_id = stitched_visitors.anonymous_id

)

select * from final
