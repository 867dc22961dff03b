{#-
    The quotient of two exact decimals (customer credits, counts, money), with the places a mart's rounding needs.

    Postgres' numeric division keeps at least 16 significant digits (0.20512820512820512821): the operands go
    through unchanged. Spark types the quotient of two decimal(38, s) as decimal(38, 6) (it keeps the integer
    digits the types could need and drops places), so int_acquisition__daily_credits' channel shares and the
    survey's answer shares read 0.205128, and the adjusted and calibrated customers and CACs built on them came
    out a unit or a cent away from Postgres'. Narrowed to types that leave room, a numerator below 10^12 with up
    to 20 places and a divisor with `divisor_places` (10: what credits, counts and money have), the quotient
    keeps 26 - divisor_places places (16); a divisor that is itself a quotient needs more of its own places.
-#}
{% macro quotient(numerator, denominator, divisor_places=10) -%}
    {{ return(adapter.dispatch('quotient')(numerator, denominator, divisor_places)) }}
{%- endmacro %}

{% macro default__quotient(numerator, denominator, divisor_places=10) -%}
    ({{ numerator }}) / ({{ denominator }})
{%- endmacro %}

{% macro spark__quotient(numerator, denominator, divisor_places=10) -%}
    cast({{ numerator }} as decimal(32, 20)) / cast({{ denominator }} as decimal({{ 18 + divisor_places }}, {{ divisor_places }}))
{%- endmacro %}
