with

errors as (

    select
        error_id,
        occurred_at,
        occurred_date,
        service,
        customer_id,
        request_id,
        error_class,
        http_status,
        message,
        normalised_message,
        fingerprint,
        normaliser_version,
        category,
        rule_priority,
        rules_version,
        is_auto_fixable,
        resolved_at as reported_resolved_at
    from {{ ref('int_reliability__classified_errors') }}

),

remediations as (

    select
        error_id,
        attempts,
        outcome,
        remediated_at
    from {{ ref('int_reliability__remediations') }}

),

as_of as (

    select max(occurred_at) as data_as_of
    from errors

),

resolved as (

    select
        errors.*,
        remediations.attempts as remediation_attempts,
        remediations.outcome as remediation_outcome,
        remediations.remediated_at,
        least(errors.reported_resolved_at, remediations.remediated_at) as resolved_at,
        case
            when
                remediations.remediated_at is not null
                and (
                    errors.reported_resolved_at is null
                    or remediations.remediated_at <= errors.reported_resolved_at
                )
                then 'remediation'
            when errors.reported_resolved_at is not null then 'resolved_at'
        end as resolved_by
    from errors
    left join remediations on errors.error_id = remediations.error_id

),

recurrences as (

    -- The fault came back for the same customer within 24 hours of the successful remediation.
    select distinct fixed.error_id
    from resolved as fixed
    inner join errors as later
        on
            fixed.fingerprint = later.fingerprint
            and fixed.customer_id is not distinct from later.customer_id
            and fixed.remediated_at < later.occurred_at
            and later.occurred_at <= {{ add_hours('fixed.remediated_at', 24) }}
    where fixed.remediated_at is not null

),

final as (

    select
        resolved.error_id,
        resolved.occurred_at,
        resolved.occurred_date,
        resolved.service,
        resolved.customer_id,
        resolved.request_id,
        resolved.error_class,
        resolved.http_status,
        resolved.message,
        resolved.normalised_message,
        resolved.fingerprint,
        resolved.normaliser_version,
        resolved.category,
        resolved.rule_priority,
        resolved.rules_version,
        resolved.is_auto_fixable,
        coalesce(resolved.remediation_attempts, 0) as remediation_attempts,
        resolved.remediation_outcome,
        resolved.remediated_at,
        resolved.reported_resolved_at,
        resolved.resolved_at,
        resolved.resolved_by,
        round(
            cast({{ minutes_between('resolved.occurred_at', 'resolved.resolved_at') }} as {{ sql_type('numeric') }}), 2
        ) as minutes_to_recover,
        case
            when resolved.remediated_at is not null then recurrences.error_id is not null
        end as recurred_within_24h,
        resolved.remediated_at is not null and recurrences.error_id is null as is_auto_fixed,
        resolved.remediated_at is not null
        and recurrences.error_id is null
        and {{ add_hours('resolved.remediated_at', 24) }} > as_of.data_as_of as is_auto_fixed_provisional
    from resolved
    cross join as_of
    left join recurrences on resolved.error_id = recurrences.error_id

)

select * from final
