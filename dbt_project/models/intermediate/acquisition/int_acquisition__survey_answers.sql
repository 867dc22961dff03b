with

customers as (

    select
        customer_id,
        heard_about_us,
        signup_date,
        converted_date,
        is_paying
    from {{ ref('stg_platform__customers') }}

),

mapping as (

    select
        version,
        priority,
        answer_pattern,
        channel
    from {{ ref('heard_about_us_mapping') }}
    where version = (select max(newest.version) from {{ ref('heard_about_us_mapping') }} as newest)

),

worded as (

    select
        customer_id,
        heard_about_us,
        {{ answer_words('heard_about_us') }} as answer_words,
        signup_date,
        converted_date,
        is_paying
    from customers

),

-- Every rule an answer matches, the first in priority order ranked 1.
matches as (

    select
        worded.customer_id,
        mapping.version,
        mapping.priority,
        mapping.channel,
        row_number() over (partition by worded.customer_id order by mapping.priority) as match_rank
    from worded
    inner join mapping
        on worded.answer_words like mapping.answer_pattern

),

final as (

    select
        worded.customer_id,
        worded.heard_about_us,
        worded.answer_words is not null as is_answered,
        matches.priority as answer_rule,
        matches.channel as answer_channel,
        matches.version as answer_mapping_version,
        worded.signup_date,
        worded.converted_date,
        worded.is_paying
    from worded
    left join matches
        on
            worded.customer_id = matches.customer_id
            and matches.match_rank = 1

)

select * from final
