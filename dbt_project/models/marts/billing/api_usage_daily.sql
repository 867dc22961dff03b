-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        indexes=[
            {'columns': ['date_day']},
            {'columns': ['_processed_at']},
        ],
        **replace_rows('date_day', partition_column='date_day')
    )
}}

{%- set read_window = is_incremental_with(['_usage_delivered_through', '_processed_at']) -%}

with

usage as (

    select
        _delivery_date,
        date_day,
        customer_id,
        requests,
        billable_units,
        requests_4xx,
        requests_5xx
    from {{ ref('int_billing__usage_by_delivery') }}

),

{% if read_window -%}

-- The days a run rebuilds: those with requests delivered in its window (a late request lands in its own day),
-- each from all its deliveries.
-- It and the delivery mark read the table itself, by its indexes: read through the `usage` CTE as well, they
-- would make Postgres compute that CTE whole, every row of the history (docs/benchmarks.md, "The product loop").
touched_days as (

    select distinct delivered.date_day
    from {{ ref('int_billing__usage_by_delivery') }} as delivered
    where {{ delivery_window('delivered._delivery_date', '(select max(_usage_delivered_through) from ' ~ this ~ ')') }}

),

{% endif -%}

final as (

    select
        customer_id,
        date_day,
        cast(sum(requests) as bigint) as requests,
        cast(sum(billable_units) as bigint) as billable_units,
        cast(sum(requests_4xx) as bigint) as requests_4xx,
        cast(sum(requests_5xx) as bigint) as requests_5xx
    from usage
    {%- if read_window %}
    where date_day in (select touched_days.date_day from touched_days)
    {%- endif %}
    group by customer_id, date_day

)

select
    customer_id,
    date_day,
    requests,
    billable_units,
    requests_4xx,
    requests_5xx,
    (select max(delivered._delivery_date) from {{ ref('int_billing__usage_by_delivery') }} as delivered)
        as _usage_delivered_through,
    {{ run_processed_at() }} as _processed_at
from final
