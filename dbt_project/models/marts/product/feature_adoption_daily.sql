-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[{'columns': ['date_day']}],
        **replace_rows('date_day', partition_column='date_day')
    )
}}

{%- set read_window = is_incremental_with(['catalog_version', '_activity_delivered_through'])
    and not feature_catalog_is_outdated(this, ref('feature_catalog')) -%}
{%- set window_days = 28 -%}

with

catalog as (

    {{ newest_feature_catalog(ref('feature_catalog')) }}

),

first_uses as (

    select
        feature,
        first_used_date,
        count(*) as new_adopters
    from {{ ref('feature_first_use') }}
    group by feature, first_used_date

),

-- The activity table is read only through its indexes on a night: by the window's delivery days, the
-- activity days the target days' windows see, the first and last day. A CTE read more than once is computed
-- once, whole (Postgres materializes it), so each part below reads the table itself.
data_range as (

    select
        min(activity_days.activity_date) as first_day,
        max(activity_days.activity_date) as last_day
    from {{ ref('int_product__activity_days') }} as activity_days

),

{% if read_window -%}

-- The days this run rebuilds: each day whose 28-day window holds a day with activity delivered in the
-- window (a late event changes the windows of its own day and the 27 after), the days not stored yet, and
-- the days whose new adopters differ from feature_first_use (a late first use moves an account's adoption
-- day, possibly far from the late event's own windows).
touched_days as (

    select distinct activity_days.activity_date
    from {{ ref('int_product__activity_days') }} as activity_days
    where {{ delivery_window('activity_days._delivery_date', activity_read_through(this)) }}

),

stored as (

    select
        date_day,
        feature,
        new_adopters
    from {{ this }}

),

changed_new_adopters as (

    select coalesce(stored.date_day, first_uses.first_used_date) as date_day
    from stored
    full outer join first_uses
        on
            stored.date_day = first_uses.first_used_date
            and stored.feature = first_uses.feature
    where coalesce(stored.new_adopters, 0) <> coalesce(first_uses.new_adopters, 0)

),

spine as (

    {{ day_spine('(select first_day from data_range)', '(select last_day from data_range)') }}

),

-- A join and unions, not `exists (...) or ...` on each spine day: a correlated subquery with a range condition
-- cannot be hashed, and ran once per day of the history, each time over the whole activity table (the night
-- cost more than the full refresh: docs/benchmarks.md, "The product loop").
target_days as (

    select spine.date_day
    from spine
    inner join touched_days
        on
            spine.date_day between touched_days.activity_date
            and {{ add_days('touched_days.activity_date', window_days - 1) }}

    union

    select spine.date_day
    from spine
    where spine.date_day > (select max(stored.date_day) from stored)

    union

    select spine.date_day
    from spine
    inner join changed_new_adopters on spine.date_day = changed_new_adopters.date_day

),

-- Only the activity the target days' windows can see.
read_range as (

    select
        {{ add_days('min(date_day)', 1 - window_days) }} as first_day,
        max(date_day) as last_day
    from target_days

),

{% else -%}

target_days as (

    {{ day_spine('(select first_day from data_range)', '(select last_day from data_range)') }}

),

{% endif -%}

windowed_activity as (

    select
        activity_days.customer_id,
        activity_days.feature,
        activity_days.activity_date
    from {{ ref('int_product__activity_days') }} as activity_days
    {%- if read_window %}
    where
        activity_days.activity_date >= (select read_range.first_day from read_range)
        and activity_days.activity_date <= (select read_range.last_day from read_range)
    {%- endif %}

),

-- An account is active on day D's window when its latest active day up to D lies in the window. Each
-- active day d is the latest one from d until the account's next active day, and at most for 28 days:
-- that run of days (a segment) is where d keeps the account in the window, and an account's segments
-- never overlap. So counting segments that cover D counts distinct accounts, and segments sharing their
-- first and last day are counted together, which keeps the window sums small.
account_days as (

    select distinct
        customer_id,
        activity_date
    from windowed_activity

),

account_segments as (

    select
        activity_date as segment_start,
        least(
            {{ add_days('lead(activity_date) over (partition by customer_id order by activity_date)', -1) }},
            {{ add_days('activity_date', window_days - 1) }}
        ) as segment_end
    from account_days

),

account_segment_counts as (

    select
        segment_start,
        coalesce(segment_end, {{ add_days('segment_start', window_days - 1) }}) as segment_end,
        count(*) as n_accounts
    from account_segments
    group by segment_start, coalesce(segment_end, {{ add_days('segment_start', window_days - 1) }})

),

-- The same for the use of each feature, from its release day on (earlier use is beta, not adoption).
feature_days as (

    select distinct
        windowed_activity.customer_id,
        windowed_activity.feature,
        windowed_activity.activity_date
    from windowed_activity
    inner join catalog on windowed_activity.feature = catalog.feature
    where windowed_activity.activity_date >= catalog.released_on

),

feature_segments as (

    select
        feature,
        activity_date as segment_start,
        least(
            {{ add_days(
                'lead(activity_date) over (partition by customer_id, feature order by activity_date)', -1
            ) }},
            {{ add_days('activity_date', window_days - 1) }}
        ) as segment_end
    from feature_days

),

feature_segment_counts as (

    select
        feature,
        segment_start,
        coalesce(segment_end, {{ add_days('segment_start', window_days - 1) }}) as segment_end,
        count(*) as n_accounts
    from feature_segments
    group by feature, segment_start, coalesce(segment_end, {{ add_days('segment_start', window_days - 1) }})

),

feature_on_day as (

    select
        feature,
        activity_date,
        count(*) as n_accounts
    from feature_days
    group by feature, activity_date

),

-- One row per target day and catalogued feature from its release; the window starts 27 days before the
-- day, or on the release day when that is later.
day_features as (

    select
        target_days.date_day,
        catalog.feature,
        catalog.released_on,
        catalog.catalog_version,
        greatest({{ add_days('target_days.date_day', 1 - window_days) }}, catalog.released_on) as window_start
    from target_days
    cross join catalog
    where target_days.date_day >= catalog.released_on

),

active as (

    select
        day_features.date_day,
        day_features.feature,
        sum(account_segment_counts.n_accounts) as active_accounts
    from day_features
    inner join account_segment_counts
        on
            day_features.date_day between account_segment_counts.segment_start and account_segment_counts.segment_end
            and day_features.window_start <= account_segment_counts.segment_start
    group by day_features.date_day, day_features.feature

),

adopting as (

    select
        day_features.date_day,
        day_features.feature,
        sum(feature_segment_counts.n_accounts) as adopters
    from day_features
    inner join feature_segment_counts
        on
            day_features.feature = feature_segment_counts.feature
            and day_features.date_day
            between feature_segment_counts.segment_start and feature_segment_counts.segment_end
    group by day_features.date_day, day_features.feature

),

joined as (

    select
        day_features.date_day,
        day_features.feature,
        day_features.released_on,
        {{ days_between('day_features.released_on', 'day_features.date_day') }} as days_since_release,
        day_features.window_start,
        {{ days_between('day_features.window_start', 'day_features.date_day') }} + 1 as window_days,
        coalesce(active.active_accounts, 0) as active_accounts,
        coalesce(adopting.adopters, 0) as adopters,
        coalesce(feature_on_day.n_accounts, 0) as accounts_on_day,
        coalesce(first_uses.new_adopters, 0) as new_adopters,
        day_features.catalog_version
    from day_features
    left join active
        on day_features.date_day = active.date_day and day_features.feature = active.feature
    left join adopting
        on day_features.date_day = adopting.date_day and day_features.feature = adopting.feature
    left join feature_on_day
        on day_features.date_day = feature_on_day.activity_date and day_features.feature = feature_on_day.feature
    left join first_uses
        on day_features.date_day = first_uses.first_used_date and day_features.feature = first_uses.feature

),

final as (

    select
        date_day,
        feature,
        released_on,
        days_since_release,
        window_start,
        window_days,
        window_days < {{ window_days }} as is_short_window,
        cast(active_accounts as bigint) as active_accounts,
        cast(adopters as bigint) as adopters,
        {{ round_share('1.0 * adopters / nullif(active_accounts, 0)') }} as adoption_rate,
        cast(accounts_on_day as bigint) as accounts_on_day,
        cast(new_adopters as bigint) as new_adopters,
        {{ round_share('1.0 * accounts_on_day / nullif(adopters, 0)') }} as stickiness,
        catalog_version,
        (select max(activity_days._delivery_date) from {{ ref('int_product__activity_days') }} as activity_days)
            as _activity_delivered_through
    from joined

)

select * from final
