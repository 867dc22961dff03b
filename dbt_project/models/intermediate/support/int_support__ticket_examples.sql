{{ config(materialized='view') }}

with

-- Every version trains the model: a version is the batch of writers that added its examples.
final as (

    select
        example_id,
        {{ ticket_rule_text('subject', 'body') }} as customer_text,
        category,
        language,
        version
    from {{ ref('ticket_examples') }}

)

select * from final
