-- Warns (does not fail) with one row per feature name the events carry that the feature catalog does not
-- know, with its events and accounts: add it to dbt_project/seeds/product/feature_catalog.csv (a new
-- version) so its usage counts as adoption from its release day.
{{ config(severity='warn') }}

select
    feature,
    sum(events) as events,
    sum(distinct_accounts) as account_days,
    min(date_day) as first_seen,
    max(date_day) as last_seen
from {{ ref('feature_usage_outside_catalog') }}
where usage_kind = 'uncatalogued'
group by feature
