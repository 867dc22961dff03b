-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[{'columns': ['month_start']}],
        **replace_rows('month_start', partition_column='month_start')
    )
}}

{%- set read_window = is_incremental_with(['catalog_version', '_activity_delivered_through'])
    and not feature_catalog_is_outdated(this, ref('feature_catalog')) -%}

with

catalog as (

    {{ newest_feature_catalog(ref('feature_catalog')) }}

),

first_use as (

    select
        customer_id,
        feature,
        first_used_month,
        adoptable_from,
        first_used_at
    from {{ ref('feature_first_use') }}

),

-- What the month's new adopters are, per feature: their number and median time to adopt in days, from
-- exact seconds (rounded once, at the end).
new_adopters as (

    select
        first_used_month as month_start,
        feature,
        count(*) as new_accounts,
        {{ percentile('greatest(0, ' ~ seconds_between('adoptable_from', 'first_used_at') ~ ')', 0.5) }} / 86400.0
            as median_days_to_adopt
    from first_use
    group by first_used_month, feature

),

-- The activity table is read only through its indexes on a night (the window's delivery days, the target
-- months' activity days, the first and last day): a CTE read more than once is computed once, whole, so each
-- part below reads the table itself (feature_adoption_daily, docs/benchmarks.md "The product loop").
data_range as (

    select
        {{ month_start('min(activity_days.activity_date)') }} as first_month,
        {{ month_start('max(activity_days.activity_date)') }} as last_month
    from {{ ref('int_product__activity_days') }} as activity_days

),

months as (

    select distinct {{ month_start('spine.date_day') }} as month_start
    from ({{ day_spine('(select first_month from data_range)', '(select last_month from data_range)') }}) as spine

),

{% if read_window -%}

-- The months this run rebuilds: those with activity delivered in the window and the month after each
-- (its repeat and churned accounts look back one month), the months not stored yet, and those whose new
-- adopters or their median time to adopt differ from feature_first_use (a late first use, a late signup).
touched_months as (

    select distinct {{ month_start('activity_days.activity_date') }} as month_start
    from {{ ref('int_product__activity_days') }} as activity_days
    where {{ delivery_window('activity_days._delivery_date', activity_read_through(this)) }}

),

stored as (

    select
        month_start,
        feature,
        new_accounts,
        median_days_to_adopt
    from {{ this }}

),

changed_months as (

    select coalesce(stored.month_start, new_adopters.month_start) as month_start
    from stored
    full outer join new_adopters
        on
            stored.month_start = new_adopters.month_start
            and stored.feature = new_adopters.feature
    where
        coalesce(stored.new_accounts, 0) <> coalesce(new_adopters.new_accounts, 0)
        or stored.median_days_to_adopt is distinct from {{ round_days('new_adopters.median_days_to_adopt') }}

),

target_months as (

    select months.month_start
    from months
    where
        months.month_start in (select touched_months.month_start from touched_months)
        or months.month_start in (
            select {{ add_months('touched_months.month_start', 1) }} from touched_months
        )
        or months.month_start > (select max(stored.month_start) from stored)
        or months.month_start in (select changed_months.month_start from changed_months)

),

{% else -%}

target_months as (

    select month_start from months

),

{% endif -%}

-- The activity of the target months and of the month before each.
windowed_activity as (

    select
        activity_days.customer_id,
        activity_days.feature,
        activity_days.activity_date,
        activity_days.user_ids,
        {{ month_start('activity_days.activity_date') }} as month_start
    from {{ ref('int_product__activity_days') }} as activity_days
    {%- if read_window %}
    where
        activity_days.activity_date >= (select {{ add_months('min(month_start)', -1) }} from target_months)
        and activity_days.activity_date < (select {{ add_months('max(month_start)', 1) }} from target_months)
    {%- endif %}

),

-- An account is active in a feature's month when it has any product event in the month on or after the
-- feature's release day: when its last active day of the month is.
account_months as (

    select
        month_start,
        customer_id,
        max(activity_date) as last_active_day
    from windowed_activity
    group by month_start, customer_id

),

-- Use of a catalogued feature from its release day on (earlier use is beta, not adoption).
feature_months as (

    select
        windowed_activity.month_start,
        windowed_activity.customer_id,
        windowed_activity.feature
    from windowed_activity
    inner join catalog on windowed_activity.feature = catalog.feature
    where windowed_activity.activity_date >= catalog.released_on
    group by windowed_activity.month_start, windowed_activity.customer_id, windowed_activity.feature

),

month_features as (

    select
        target_months.month_start,
        catalog.feature,
        catalog.released_on,
        catalog.catalog_version
    from target_months
    cross join catalog
    where target_months.month_start >= {{ month_start('catalog.released_on') }}

),

active as (

    select
        month_features.month_start,
        month_features.feature,
        count(*) as active_accounts
    from month_features
    inner join account_months
        on
            month_features.month_start = account_months.month_start
            and month_features.released_on <= account_months.last_active_day
    group by month_features.month_start, month_features.feature

),

-- Each account using the feature this month or the month before, with its state.
uses_by_month as (

    select
        month_start,
        feature,
        customer_id,
        true as used_this_month,
        false as used_last_month
    from feature_months

    union all

    select
        {{ add_months('month_start', 1) }} as month_start,
        feature,
        customer_id,
        false as used_this_month,
        true as used_last_month
    from feature_months

),

states as (

    select
        month_features.month_start,
        month_features.feature,
        {{ any_true('uses_by_month.used_this_month') }} as used_this_month,
        {{ any_true('uses_by_month.used_last_month') }} as used_last_month,
        min(first_use.first_used_month) as first_used_month
    from month_features
    inner join uses_by_month
        on
            month_features.month_start = uses_by_month.month_start
            and month_features.feature = uses_by_month.feature
    left join first_use
        on uses_by_month.customer_id = first_use.customer_id and uses_by_month.feature = first_use.feature
    group by month_features.month_start, month_features.feature, uses_by_month.customer_id

),

state_counts as (

    select
        month_start,
        feature,
        {{ count_where('used_this_month') }} as adopters,
        {{ count_where('used_this_month and first_used_month = month_start') }} as new_accounts,
        {{ count_where('used_this_month and used_last_month') }} as repeat_accounts,
        {{ count_where('used_this_month and not used_last_month and first_used_month < month_start') }}
            as returning_accounts,
        {{ count_where('not used_this_month and used_last_month') }} as churned_accounts
    from states
    group by month_start, feature

),

users as (

    select
        users_used.month_start,
        users_used.feature,
        count(distinct users_used.user_id) as distinct_users
    from (
        select
            windowed_activity.month_start,
            windowed_activity.feature,
            {{ list_elements('windowed_activity.user_ids') }} as user_id
        from windowed_activity
        inner join catalog on windowed_activity.feature = catalog.feature
        inner join target_months on windowed_activity.month_start = target_months.month_start
        where windowed_activity.activity_date >= catalog.released_on
    ) as users_used
    group by users_used.month_start, users_used.feature

),

final as (

    select
        month_features.month_start,
        month_features.feature,
        month_features.released_on,
        cast(coalesce(active.active_accounts, 0) as bigint) as active_accounts,
        cast(coalesce(state_counts.adopters, 0) as bigint) as adopters,
        {{ round_share('1.0 * state_counts.adopters / nullif(active.active_accounts, 0)') }} as adoption_rate,
        cast(coalesce(state_counts.new_accounts, 0) as bigint) as new_accounts,
        cast(coalesce(state_counts.repeat_accounts, 0) as bigint) as repeat_accounts,
        cast(coalesce(state_counts.returning_accounts, 0) as bigint) as returning_accounts,
        cast(coalesce(state_counts.churned_accounts, 0) as bigint) as churned_accounts,
        {{ round_days('new_adopters.median_days_to_adopt') }} as median_days_to_adopt,
        cast(coalesce(users.distinct_users, 0) as bigint) as distinct_users,
        month_features.catalog_version,
        (select max(activity_days._delivery_date) from {{ ref('int_product__activity_days') }} as activity_days)
            as _activity_delivered_through
    from month_features
    left join active
        on month_features.month_start = active.month_start and month_features.feature = active.feature
    left join state_counts
        on month_features.month_start = state_counts.month_start and month_features.feature = state_counts.feature
    left join new_adopters
        on month_features.month_start = new_adopters.month_start and month_features.feature = new_adopters.feature
    left join users
        on month_features.month_start = users.month_start and month_features.feature = users.feature

)

select * from final
