{#-
    Aggregates the product loop's compact activity table needs, behind names (Postgres arrays).

    first_by(value, order_by, where): the value of the group's first row in order_by's order (of the rows
    where `where` holds, when given).
    distinct_sorted_array(column): the group's distinct non-null values as a sorted array.
    array_elements(column): one row per element of an array column (a set-returning select expression).
-#}
{% macro first_by(value, order_by, where=none) -%}
    {{ return(adapter.dispatch('first_by')(value, order_by, where)) }}
{%- endmacro %}

{% macro postgres__first_by(value, order_by, where) -%}
    (array_agg({{ value }} order by {{ order_by }}){% if where %} filter (where {{ where }}){% endif %})[1]
{%- endmacro %}

{% macro distinct_sorted_array(column) -%}
    {{ return(adapter.dispatch('distinct_sorted_array')(column)) }}
{%- endmacro %}

{% macro postgres__distinct_sorted_array(column) -%}
    array_agg(distinct {{ column }} order by {{ column }}) filter (where {{ column }} is not null)
{%- endmacro %}

{% macro array_elements(column) -%}
    {{ return(adapter.dispatch('array_elements')(column)) }}
{%- endmacro %}

{% macro postgres__array_elements(column) -%}
    unnest({{ column }})
{%- endmacro %}

{% macro default__first_by(value, order_by, where) -%}
    {{ exceptions.raise_compiler_error("first_by has no implementation for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro default__distinct_sorted_array(column) -%}
    {{ exceptions.raise_compiler_error("distinct_sorted_array has no implementation for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro default__array_elements(column) -%}
    {{ exceptions.raise_compiler_error("array_elements has no implementation for adapter " ~ adapter.type()) }}
{%- endmacro %}
