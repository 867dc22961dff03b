{#-
    Each error's fingerprint under the normaliser version before the current one (none under version 1),
    for error_fingerprint_versions. A model of its own, not a column of int_reliability__classified_errors:
    Postgres keeps 32 compiled regular expressions per session, and the two versions' steps in one row
    would recompile every one of them for every error (36 s instead of 2 s on the demo world).
-#}
with

errors as (

    select
        error_id,
        service,
        error_class,
        message
    from {{ ref('stg_platform__app_errors') }}

),

final as (

    select
        error_id,
        {{ previous_error_normaliser_version() }} as previous_normaliser_version,
        {{ previous_error_fingerprint('service', 'error_class', 'message') }} as previous_fingerprint
    from errors

)

select * from final
