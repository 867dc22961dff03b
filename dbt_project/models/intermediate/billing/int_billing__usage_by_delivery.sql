-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['_delivery_date']},
            {'columns': ['date_day']},
        ],
        **replace_rows('_delivery_date', partition_column='_delivery_date')
    )
}}

with

requests as (

    select
        customer_id,
        requested_date,
        status_code,
        billable_units,
        _delivery_date
    from {{ ref('stg_platform__api_requests') }}
    {%- if is_incremental() %}
    where {{ delivery_window('_delivery_date', '(select max(_delivery_date) from ' ~ this ~ ')') }}
    {%- endif %}

),

final as (

    select
        _delivery_date,
        requested_date as date_day,
        customer_id,
        count(*) as requests,
        cast(sum(billable_units) as bigint) as billable_units,
        {{ count_where('status_code between 400 and 499') }} as requests_4xx,
        {{ count_where('status_code between 500 and 599') }} as requests_5xx
    from requests
    group by _delivery_date, requested_date, customer_id

)

select * from final
