-- sqlfluff:indentation:template_blocks_indent:false
-- Every customer is credited exactly once under every attribution model: its credits (attributed or
-- unattributed) add up to exactly 1, so no customer is dropped or counted twice.
-- Shown in Dagster as a check of int_acquisition__attribution (it reads more than one model). A build with a
-- delivery window (the nightly run) checks the customers it credited again; any other build checks all.
{{ config(meta={'dagster': {'ref': {'name': 'int_acquisition__attribution'}}}) }}
with

customers as (

    select customer_id
    from {{ ref('stg_platform__customers') }}
    {%- if window_bound('min_date') is not none and window_bound('max_date') is not none %}
    {%- set written_customers -%}
        select written.customer_id
        from {{ ref('int_acquisition__attribution') }} as written
        where written._processed_at = {{ run_processed_at() }}
    {%- endset %}
    where {{ in_subquery('customer_id', written_customers) }}
    {%- endif %}

),

attribution as (

    select
        customer_id,
        attribution_model,
        credit
    from {{ ref('int_acquisition__attribution') }}
    where {{ in_subquery('customer_id', 'select customers.customer_id from customers') }}

),

attribution_models as (

    {{ attribution_models_query() }}

),

credited as (

    select
        customer_id,
        attribution_model,
        sum(credit) as credit
    from attribution
    group by customer_id, attribution_model

),

final as (

    select
        customers.customer_id,
        attribution_models.attribution_model,
        credited.credit
    from customers
    cross join attribution_models
    left join credited
        on
            customers.customer_id = credited.customer_id
            and attribution_models.attribution_model = credited.attribution_model
    where coalesce(credited.credit, 0) <> 1

)

select * from final
