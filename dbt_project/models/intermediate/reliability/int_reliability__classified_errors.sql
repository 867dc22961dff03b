-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['error_id'], 'unique': true},
            {'columns': ['_delivery_date']},
            {'columns': ['_processed_at']},
        ],
        pre_hook="{{ forget_errors_read_again(classified_error_versions(ref('error_category_rules'))) }}",
        **replace_rows('error_id')
    )
}}

{#-
    Every error with its fingerprint and category. Incremental by error_id: a night normalises and classifies
    only the errors delivered in its window (a redelivered error, resolved since, replaces its row), and a
    signature is classified once however many errors share it. A new rule or normaliser version re-reads every
    error and replaces every row (macros/reliability/error_versions.sql), as a new ticket rule version
    re-categorizes every stored ticket. Each error's fingerprint under the version before is
    int_reliability__previous_fingerprints, so a new version is recorded (error_fingerprint_versions), never a
    silent re-key.
-#}
{%- set read_window = reads_error_window(classified_error_versions(ref('error_category_rules'))) %}

with

errors as (

    select
        error_id,
        customer_id,
        request_id,
        occurred_at,
        occurred_date,
        service,
        error_class,
        message,
        http_status,
        resolved_at,
        _delivery_date
    from {{ ref('stg_platform__app_errors') }}
    {%- if read_window %}
    where {{ delivery_window('_delivery_date', '(select max(_delivery_date) from ' ~ this ~ ')') }}
    {%- endif %}

),

rules as (

    select
        version,
        priority,
        category,
        class_pattern,
        message_pattern,
        status_min,
        status_max
    from {{ ref('error_category_rules') }}
    where version = (select max(all_rules.version) from {{ ref('error_category_rules') }} as all_rules)

),

normalised as (

    select
        errors.*,
        {{ normalise_error_message('errors.message') }} as normalised_message
    from errors

),

signatures as (

    select distinct
        error_class,
        normalised_message,
        http_status
    from normalised

),

categorised as (

    {{ categorise_signatures('signatures', 'rules') }}

),

final as (

    select
        normalised.error_id,
        normalised.customer_id,
        normalised.request_id,
        normalised.occurred_at,
        normalised.occurred_date,
        normalised.service,
        normalised.error_class,
        normalised.message,
        normalised.http_status,
        normalised.resolved_at,
        normalised.normalised_message,
        {{ error_fingerprint('normalised.service', 'normalised.error_class', 'normalised.normalised_message') }}
            as fingerprint,
        {{ error_normaliser_version() }} as normaliser_version,
        categorised.category,
        categorised.rule_priority,
        (select max(rules.version) from rules) as rules_version,
        categorised.category in (
            'rate_limit', 'timeout', 'connection', 'upstream_unavailable', 'auth_expired'
        ) as is_auto_fixable,
        normalised._delivery_date,
        {{ run_processed_at() }} as _processed_at
    from normalised
    inner join categorised
        on
            normalised.error_class = categorised.error_class
            and normalised.normalised_message = categorised.normalised_message
            and normalised.http_status is not distinct from categorised.http_status

)

select * from final
