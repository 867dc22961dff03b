{#-
    An exact decimal operand of a sum or a difference whose result must keep `scale` decimal places.

    Postgres' numeric is exact at any scale: the operand is unchanged. Spark's decimals hold 38 digits, and a
    sum of two decimal(38, s) needs 39, so Spark drops places from the result (decimal(38, s - 1), rounded):
    int_acquisition__attribution's linear credits, 1/3 + (1 - their rounded total), lost their last two
    places and stopped adding up to 1. Narrowed to 28 digits, the operands leave room for the sum's digits.
-#}
{% macro keep_scale(expression, scale) -%}
    {{ return(adapter.dispatch('keep_scale')(expression, scale)) }}
{%- endmacro %}

{% macro default__keep_scale(expression, scale) -%}
    {{ expression }}
{%- endmacro %}

{% macro spark__keep_scale(expression, scale) -%}
    cast({{ expression }} as decimal(28, {{ scale }}))
{%- endmacro %}
