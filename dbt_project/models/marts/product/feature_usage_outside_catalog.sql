-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[{'columns': ['date_day']}],
        **replace_rows('date_day', partition_column='date_day')
    )
}}

{%- set read_window = is_incremental_with(['catalog_version', '_activity_delivered_through'])
    and not feature_catalog_is_outdated(this, ref('feature_catalog')) -%}

with

catalog as (

    {{ newest_feature_catalog(ref('feature_catalog')) }}

),

activity_days as (

    select
        customer_id,
        feature,
        activity_date,
        events,
        user_ids,
        _delivery_date
    from {{ ref('int_product__activity_days') }}
    where feature is not null

),

{% if read_window -%}

-- The days with activity delivered in the window are rebuilt whole, from every delivery of those days.
-- The touched days and the delivery mark read the table itself (by its indexes): with them reading the
-- activity_days CTE too, Postgres computed that CTE whole, every row of the history, every night
-- (feature_adoption_daily, docs/benchmarks.md "The product loop").
touched_days as (

    select distinct touched.activity_date
    from {{ ref('int_product__activity_days') }} as touched
    where
        touched.feature is not null
        and {{ delivery_window('touched._delivery_date', activity_read_through(this)) }}

),

day_activity as (

    select activity_days.*
    from activity_days
    where {{ in_subquery('activity_days.activity_date', 'select touched_days.activity_date from touched_days') }}

),

{% else -%}

day_activity as (

    select * from activity_days

),

{% endif -%}

outside as (

    select
        day_activity.activity_date,
        day_activity.feature,
        case when catalog.feature is null then 'uncatalogued' else 'beta' end as usage_kind,
        day_activity.customer_id,
        day_activity.events,
        day_activity.user_ids
    from day_activity
    left join catalog on day_activity.feature = catalog.feature
    where catalog.feature is null or day_activity.activity_date < catalog.released_on

),

day_users as (

    select
        activity_date,
        feature,
        count(distinct user_id) as n_users
    from (
        select
            activity_date,
            feature,
            {{ list_elements('user_ids') }} as user_id
        from outside
    ) as elements
    group by activity_date, feature

),

counted as (

    select
        activity_date,
        feature,
        usage_kind,
        sum(events) as events,
        count(distinct customer_id) as n_accounts
    from outside
    group by activity_date, feature, usage_kind

),

final as (

    select
        counted.activity_date as date_day,
        counted.feature,
        counted.usage_kind,
        cast(counted.events as bigint) as events,
        cast(counted.n_accounts as bigint) as distinct_accounts,
        cast(day_users.n_users as bigint) as distinct_users,
        (select max(catalog.catalog_version) from catalog) as catalog_version,
        (select max(delivered._delivery_date) from {{ ref('int_product__activity_days') }} as delivered)
            as _activity_delivered_through
    from counted
    inner join day_users on counted.activity_date = day_users.activity_date and counted.feature = day_users.feature

)

select * from final
