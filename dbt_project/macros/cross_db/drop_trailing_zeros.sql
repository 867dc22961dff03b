{#-
    An exact decimal shown without trailing zeros in its fraction: 2.75000000000000000000 -> 2.75, 1.0000 -> 1.

    Only the display scale changes, never the value (no rounding): quotients and sums of exact decimals
    carry long runs of zeros that help no reader, and dbt unit tests compare values as text.
-#}
{% macro drop_trailing_zeros(column) -%}
    {{ return(adapter.dispatch('drop_trailing_zeros')(column)) }}
{%- endmacro %}

{% macro postgres__drop_trailing_zeros(column) -%}
    trim_scale({{ column }})
{%- endmacro %}

{#-
    Spark: the value unchanged. A Spark decimal has one scale per column, not per value, so there is no
    display scale to trim; the values, which is what a comparison or a unit test reads, are the same.
-#}
{% macro spark__drop_trailing_zeros(column) -%}
    {{ column }}
{%- endmacro %}

{% macro default__drop_trailing_zeros(column) -%}
    {{ exceptions.raise_compiler_error(
        "drop_trailing_zeros has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__drop_trailing_zeros macro to dbt_project/macros/cross_db/drop_trailing_zeros.sql"
    ) }}
{%- endmacro %}
