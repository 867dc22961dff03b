-- API usage per UTC month over every customer (the billing page's usage chart), with the month in progress
-- flagged by the one month rule (macros/scorecard/loop_kpi.sql): billing's KPI mart holds closed months only,
-- so the usage, which runs ahead of the invoices, says itself which month is not over.
-- sqlfluff:indentation:template_blocks_indent:false
{{
    config(
        **replace_rows('month_start', partition_column='month_start')
    )
}}

{%- set read_window = is_incremental_with(['_usage_processed_through']) -%}

with

{% if read_window -%}

-- The months a run rebuilds: those of the days api_usage_daily wrote since this model last read it, and the
-- months not yet complete (the newest day may complete them). A night reads its month's usage, not the history.
target_months as (

    select distinct {{ month_start('written.date_day') }} as month_start
    from {{ ref('api_usage_daily') }} as written
    where written._processed_at > {{ processed_through(this, '_usage_processed_through') }}

    union

    select stored_months.month_start
    from {{ this }} as stored_months
    where not stored_months.is_complete_month

),

{% endif -%}

usage_daily as (

    select
        usage_days.date_day,
        usage_days.requests,
        usage_days.billable_units,
        usage_days.requests_4xx,
        usage_days.requests_5xx
    from {{ ref('api_usage_daily') }} as usage_days
    {%- if read_window %}
    where usage_days.date_day >= (select min(target_months.month_start) from target_months)
    {%- endif %}

),

monthly as (

    select
        {{ month_start('date_day') }} as month_start,
        sum(requests) as requests,
        sum(billable_units) as billable_units,
        sum(requests_4xx) as requests_4xx,
        sum(requests_5xx) as requests_5xx
    from usage_daily
    group by {{ month_start('date_day') }}

),

final as (

    select
        month_start,
        {{ is_complete_month('month_start', '(select max(newest.date_day) from usage_daily as newest)') }}
            as is_complete_month,
        requests,
        billable_units,
        requests_4xx,
        requests_5xx
    from monthly

)

select
    month_start,
    is_complete_month,
    requests,
    billable_units,
    requests_4xx,
    requests_5xx,
    {{ newest_processed_at(ref('api_usage_daily')) }} as _usage_processed_through
from final
