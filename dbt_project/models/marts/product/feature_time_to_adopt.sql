-- Time to adopt per feature as the product page's histogram shows it: accounts by whole days from signup or
-- release (the later) to first use, in buckets [0, 1), [1, 2), [2, 3), [3, 5), [5, 7), [7, 14), [14, 21),
-- [21, 30) and 30 days or more. Every bucket of every feature with an adopter has its row (0 accounts
-- included), so the page's axis is the buckets here, in their order.
with

first_use as (

    select
        feature,
        days_to_adopt
    from {{ ref('feature_first_use') }}
    where days_to_adopt is not null

),

buckets as (

    select
        bucket_order,
        lower_days,
        upper_days,
        case
            when upper_days is null then cast(lower_days as {{ sql_type('text') }}) || '+ days'
            else
                cast(lower_days as {{ sql_type('text') }}) || '-'
                || cast(upper_days as {{ sql_type('text') }}) || ' days'
        end as bucket
    from (
        values
        (1, 0, 1), (2, 1, 2), (3, 2, 3), (4, 3, 5), (5, 5, 7), (6, 7, 14), (7, 14, 21), (8, 21, 30), (9, 30, null)
    ) as bounds (bucket_order, lower_days, upper_days)

),

features as (

    select distinct feature
    from first_use

),

counted as (

    select
        first_use.feature,
        buckets.bucket_order,
        count(*) as adopting_accounts
    from first_use
    inner join buckets
        on
            first_use.days_to_adopt >= buckets.lower_days
            and (buckets.upper_days is null or first_use.days_to_adopt < buckets.upper_days)
    group by first_use.feature, buckets.bucket_order

),

final as (

    select
        features.feature,
        buckets.bucket_order,
        buckets.bucket,
        coalesce(counted.adopting_accounts, 0) as adopting_accounts
    from features
    cross join buckets
    left join counted
        on features.feature = counted.feature and buckets.bucket_order = counted.bucket_order

)

select
    feature,
    bucket_order,
    bucket,
    adopting_accounts
from final
