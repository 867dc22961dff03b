{{ config(materialized='view') }}

with

-- Only the newest version trains the model, as only the newest rules are in force.
final as (

    select
        example_id,
        {{ ticket_rule_text('subject', 'body') }} as customer_text,
        category,
        language,
        version
    from {{ ref('ticket_examples') }}
    where version = (select max(examples.version) from {{ ref('ticket_examples') }} as examples)

)

select * from final
