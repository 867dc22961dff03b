{#-
    The continuous percentile of an expression within a group (an aggregate): `fraction` 0.5 is the median,
    0.9 the 90th percentile, interpolated between the two nearest values as `percentile_cont` does. Nulls
    are left out; null when the group has no value.
-#}
{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile')(expression, fraction)) }}
{%- endmacro %}

{% macro postgres__percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{#- Spark 3.3+ has the same ordered-set aggregate, and it returns a double as Postgres does. -#}
{% macro spark__percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro default__percentile(expression, fraction) -%}
    {{ exceptions.raise_compiler_error(
        "percentile has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__percentile macro to dbt_project/macros/cross_db/percentile.sql"
    ) }}
{%- endmacro %}
