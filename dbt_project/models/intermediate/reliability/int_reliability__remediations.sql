{#- Per remediated error, what its remediation came to: the outcome, the attempts and when it succeeded. -#}
with

attempts as (

    {{ remediation_attempts() }}

),

final as (

    select
        error_id,
        count(*) as attempts,
        case
            when {{ any_true("outcome = 'succeeded'") }} then 'succeeded'
            when {{ any_true("outcome = 'failed'") }} then 'failed'
            else 'in_progress'
        end as outcome,
        min(case when outcome = 'succeeded' then finished_at end) as remediated_at,
        max(finished_at) as last_attempt_at
    from attempts
    group by error_id

)

select * from final
