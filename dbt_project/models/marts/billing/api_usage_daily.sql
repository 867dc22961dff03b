with

requests as (

    select
        customer_id,
        requested_date,
        status_code,
        billable_units
    from {{ ref('stg_platform__api_requests') }}

),

final as (

    select
        customer_id,
        requested_date as date_day,
        count(*) as requests,
        cast(sum(billable_units) as bigint) as billable_units,
        {{ count_where('status_code between 400 and 499') }} as requests_4xx,
        {{ count_where('status_code between 500 and 599') }} as requests_5xx
    from requests
    group by customer_id, requested_date

)

select
    customer_id,
    date_day,
    requests,
    billable_units,
    requests_4xx,
    requests_5xx
from final
