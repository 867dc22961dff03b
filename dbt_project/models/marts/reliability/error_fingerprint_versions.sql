{#-
    What a change of the error normaliser did to the groups: each fingerprint of the previous version
    with the fingerprint(s) of the current version its errors now have. One previous fingerprint on
    several rows is a group the new version splits; one current fingerprint on several rows is groups it
    merges. A stored reference to an old fingerprint (a ticket, an alert, a note) is followed here.
-#}
with

classified as (

    select
        error_id,
        occurred_at,
        normaliser_version,
        fingerprint
    from {{ ref('int_reliability__classified_errors') }}

),

previous as (

    select
        error_id,
        previous_normaliser_version,
        previous_fingerprint
    from {{ ref('int_reliability__previous_fingerprints') }}
    where previous_fingerprint is not null

),

errors as (

    select
        classified.error_id,
        classified.occurred_at,
        previous.previous_normaliser_version,
        previous.previous_fingerprint,
        classified.normaliser_version,
        classified.fingerprint
    from classified
    inner join previous on classified.error_id = previous.error_id

),

final as (

    select
        previous_normaliser_version,
        previous_fingerprint,
        normaliser_version,
        fingerprint,
        count(*) as events,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at
    from errors
    group by previous_normaliser_version, previous_fingerprint, normaliser_version, fingerprint

)

select * from final
