-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['error_id'], 'unique': true},
            {'columns': ['_delivery_date']},
            {'columns': ['_processed_at']},
        ],
        pre_hook="{{ forget_errors_read_again(previous_fingerprint_versions()) }}",
        **replace_rows('error_id')
    )
}}

{#-
    Each error's fingerprint under the normaliser version before the current one (none under version 1),
    for error_fingerprint_versions. A model of its own, not a column of int_reliability__classified_errors:
    Postgres keeps 32 compiled regular expressions per session, and the two versions' steps in one row
    would recompile every one of them for every error (36 s instead of 2 s on the demo world).
    Incremental by error_id as that model is: a night reads the errors delivered in its window, and a new
    normaliser version re-reads every error (macros/reliability/error_versions.sql).
-#}
{%- set read_window = reads_error_window(previous_fingerprint_versions()) %}

with

errors as (

    select
        error_id,
        service,
        error_class,
        message,
        _delivery_date
    from {{ ref('stg_platform__app_errors') }}
    {%- if read_window %}
    where {{ delivery_window('_delivery_date', '(select max(_delivery_date) from ' ~ this ~ ')') }}
    {%- endif %}

),

final as (

    select
        error_id,
        {{ previous_error_normaliser_version() }} as previous_normaliser_version,
        {{ previous_error_fingerprint('service', 'error_class', 'message') }} as previous_fingerprint,
        _delivery_date,
        {{ run_processed_at() }} as _processed_at
    from errors

)

select * from final
