{#-
    A channel's paid CAC: its spend per new paying customer, in the spend's currency.

    None (null) where it has no meaning: a channel-period without spend (organic, direct, email and referral
    never have any, and a reader took "$0.0" for customers that cost nothing), one without new paying
    customers (its spend shows in `spend_without_customers_usd`), and the unattributed bucket, which never
    carries spend. The marts and pages show null as "–": no paid CAC.
-#}
{% macro paid_cac(channel, spend, customers) -%}
    case
        when {{ channel }} <> 'unattributed' and {{ spend }} > 0 and {{ customers }} > 0
            then {{ spend }} / {{ customers }}
    end
{%- endmacro %}
