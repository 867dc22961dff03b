-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['customer_id', 'feature'], 'unique': true},
            {'columns': ['first_used_date']},
        ],
        **replace_rows(['customer_id', 'feature'])
    )
}}

{%- set read_window = is_incremental_with(['catalog_version', '_activity_delivered_through'])
    and not feature_catalog_is_outdated(this, ref('feature_catalog')) -%}

with

catalog as (

    {{ newest_feature_catalog(ref('feature_catalog')) }}

),

activity as (

    select
        activity_days.customer_id,
        activity_days.feature,
        activity_days.activity_date,
        activity_days.first_event_at,
        activity_days.first_user_id,
        activity_days._delivery_date
    from {{ ref('int_product__activity_days') }} as activity_days
    inner join catalog on activity_days.feature = catalog.feature
    {%- if read_window %}
    where {{ delivery_window('activity_days._delivery_date', activity_read_through(this)) }}
    {%- endif %}

),

customers as (

    select
        customer_id,
        signup_at,
        _delivery_date
    from {{ ref('stg_platform__customers') }}

),

-- Every use of a catalogued feature, beta (before its release day) or not.
uses as (

    select
        activity.customer_id,
        activity.feature,
        activity.first_event_at as used_at,
        activity.first_user_id as user_id,
        activity.activity_date < catalog.released_on as is_beta
    from activity
    inner join catalog on activity.feature = catalog.feature

    {%- if read_window %}

),

-- The accounts this run concerns: those with new activity, and those whose customer row (signup) was
-- delivered in the window. Their stored firsts are read back (by the index: in_subquery()) and
-- compared with the new uses; a first use only ever moves earlier.
affected_customers as (

    select customer_id from activity

    union

    select customer_id from customers
    where {{ delivery_window('_delivery_date', activity_read_through(this)) }}

),

stored as (

    select
        customer_id,
        feature,
        first_used_at,
        first_user_id,
        first_beta_use_at
    from {{ this }}
    where {{ in_subquery('customer_id', 'select affected_customers.customer_id from affected_customers') }}

),

all_uses as (

    select
        customer_id,
        feature,
        used_at,
        user_id,
        is_beta
    from uses

    union all

    select
        customer_id,
        feature,
        first_used_at as used_at,
        first_user_id as user_id,
        false as is_beta
    from stored

    union all

    select
        customer_id,
        feature,
        first_beta_use_at as used_at,
        null as user_id,
        true as is_beta
    from stored
    where first_beta_use_at is not null

    {%- else %}

),

all_uses as (

    select
        customer_id,
        feature,
        used_at,
        user_id,
        is_beta
    from uses

    {%- endif %}

),

firsts as (

    select
        customer_id,
        feature,
        {{ aggregate_where('min', 'used_at', 'not is_beta') }} as first_used_at,
        {{ first_by('user_id', 'used_at, user_id', 'not is_beta') }} as first_user_id,
        {{ aggregate_where('min', 'used_at', 'is_beta') }} as first_beta_use_at
    from all_uses
    group by customer_id, feature

),

adopted as (

    select
        firsts.customer_id,
        firsts.feature,
        catalog.released_on,
        customers.signup_at,
        -- Unknown until the account's customer row arrives: an account cannot adopt before it exists.
        case
            when customers.signup_at is not null
                then greatest(customers.signup_at, {{ utc_day_start('catalog.released_on') }})
        end as adoptable_from,
        firsts.first_used_at,
        firsts.first_user_id,
        firsts.first_beta_use_at,
        catalog.catalog_version
    from firsts
    inner join catalog on firsts.feature = catalog.feature
    left join customers on firsts.customer_id = customers.customer_id
    where firsts.first_used_at is not null

),

final as (

    select
        customer_id,
        feature,
        released_on,
        signup_at,
        adoptable_from,
        first_used_at,
        {{ utc_date('first_used_at') }} as first_used_date,
        {{ month_start(utc_date('first_used_at')) }} as first_used_month,
        first_user_id,
        {% set seconds_to_adopt = 'greatest(0, ' ~ seconds_between('adoptable_from', 'first_used_at') ~ ')' %}
        {{ round_days(seconds_to_adopt ~ ' / 86400.0') }} as days_to_adopt,
        first_beta_use_at,
        first_beta_use_at is not null as used_in_beta,
        catalog_version,
        (select max(activity_days._delivery_date) from {{ ref('int_product__activity_days') }} as activity_days)
            as _activity_delivered_through
    from adopted

)

select * from final
