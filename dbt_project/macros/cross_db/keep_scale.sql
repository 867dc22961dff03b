{#-
    An exact decimal operand of a sum, a difference or a case whose result must keep `scale` decimal places.

    Postgres' numeric is exact at any scale: the operand is unchanged. Spark's decimals hold 38 digits, and a
    sum of two decimal(38, s) needs 39, so Spark drops places from the result (decimal(38, s - 1), rounded):
    int_acquisition__attribution's linear credits, 1/3 + (1 - their rounded total), lost their last two
    places and stopped adding up to 1. Narrowed to 28 digits, the operands leave room for the sum's digits.
    A case of decimal(38, 2) and decimal(38, 4) is decimal(38, 2) on Spark: loop_scorecard_monthly's shares
    were judged at two places (0.7599 as 0.76) until its money branch was narrowed to decimal(28, 4).

    A product needs narrower operands still (its digits are the sum of theirs): `digits` narrows them further,
    to what the values can hold (a share below 1 needs scale + 1 digits).
-#}
{% macro keep_scale(expression, scale, digits=28) -%}
    {{ return(adapter.dispatch('keep_scale')(expression, scale, digits)) }}
{%- endmacro %}

{% macro default__keep_scale(expression, scale, digits=28) -%}
    {{ expression }}
{%- endmacro %}

{% macro spark__keep_scale(expression, scale, digits=28) -%}
    cast({{ expression }} as decimal({{ digits }}, {{ scale }}))
{%- endmacro %}
