-- Errors per 1,000 API requests per day over every category (the reliability page's error-rate chart):
-- reliability_daily repeats the day's API requests on each category's row, so they are taken once.
with

reliability_daily as (

    select
        date_day,
        errors,
        api_requests
    from {{ ref('reliability_daily') }}

),

daily as (

    select
        date_day,
        sum(errors) as errors,
        max(api_requests) as api_requests
    from reliability_daily
    group by date_day

),

final as (

    select
        date_day,
        errors,
        api_requests,
        round(errors * 1000.0 / nullif(api_requests, 0), 4) as errors_per_1000_requests
    from daily

)

select
    date_day,
    errors,
    api_requests,
    errors_per_1000_requests
from final
