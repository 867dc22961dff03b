{{ config(materialized='view') }}

with

examples as (

    select
        version,
        example_id,
        language,
        category,
        subject,
        body
    from {{ ref('ticket_examples') }}

),

-- Only the newest version trains the model, as only the newest rules are in force.
newest_examples as (

    select
        version,
        example_id,
        language,
        category,
        subject,
        body
    from examples
    where version = (select max(newest.version) from examples as newest)

),

final as (

    select
        example_id,
        version,
        language,
        category,
        {{ ticket_rule_text('subject', 'body') }} as customer_text
    from newest_examples

)

select * from final
