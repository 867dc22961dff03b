{#-
    A channel's paid CAC: its spend per new paying customer, in the spend's currency.

    None (null) where it has no meaning: a channel-period without spend (organic, direct, email and referral
    never have any, and a reader took "$0.0" for customers that cost nothing), one without new paying
    customers (its spend shows in `spend_without_customers_usd`), and the unattributed bucket, which never
    carries spend. The marts and pages show null as "–": no paid CAC.

    Rounded first to 10 places, which both engines hold exactly: an adjusted count is a repeating decimal (4/13
    customer), carried to 20 places by Postgres and 16 by Spark, and a CAC that is exactly a half cent
    (486.58 / (4/13) = 1581.385) came out a hair above it on one engine and a hair below on the other, 1581.39
    against 1581.38. At 10 places the hair is gone and the mart rounds the half away from zero on both.
-#}
{% macro paid_cac(channel, spend, customers) -%}
    case
        when {{ channel }} <> 'unattributed' and {{ spend }} > 0 and {{ customers }} > 0
            then {{ fixed_decimal(quotient(spend, customers, divisor_places=16), 10) }}
    end
{%- endmacro %}
