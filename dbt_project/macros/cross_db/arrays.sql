{#-
    Aggregates over a group's values that Postgres computes with arrays, behind names.

    first_by(value, order_by, where): the value of the group's first row in order_by's order (of the rows
    where `where` holds, when given).
    distinct_sorted_list(column): the group's distinct non-null values, sorted, as one comma-separated text
    (text, not an array: dbt unit tests cannot give an array column a fixture value).
    list_elements(column): one row per element of such a list (a set-returning select expression).
    array_element(array, position): the element of an array at a position counted from 1 (the survey EM's
    shares, macros/acquisition/survey_mixture_em.sql, by channel_number).
-#}
{% macro first_by(value, order_by, where=none) -%}
    {{ return(adapter.dispatch('first_by')(value, order_by, where)) }}
{%- endmacro %}

{% macro postgres__first_by(value, order_by, where) -%}
    (array_agg({{ value }} order by {{ order_by }}){% if where %} filter (where {{ where }}){% endif %})[1]
{%- endmacro %}

{#-
    Spark: min_by over a struct of the order's columns, which compares them left to right as `order by` does;
    rows outside `where` have no struct and are skipped. The value of the first row is kept even when null, as
    array_agg(...)[1] keeps it. Only ascending orders (a list of expressions, no `desc`).
-#}
{% macro spark__first_by(value, order_by, where) -%}
    {%- if ' desc' in order_by | lower -%}
        {{ exceptions.raise_compiler_error("first_by on spark: order_by must be ascending, not '" ~ order_by ~ "'") }}
    {%- endif -%}
    {%- if where -%}
        min_by({{ value }}, case when {{ where }} then struct({{ order_by }}) end)
    {%- else -%}
        min_by({{ value }}, struct({{ order_by }}))
    {%- endif -%}
{%- endmacro %}

{% macro distinct_sorted_list(column) -%}
    {{ return(adapter.dispatch('distinct_sorted_list')(column)) }}
{%- endmacro %}

{% macro postgres__distinct_sorted_list(column) -%}
    string_agg(distinct {{ column }}, ',' order by {{ column }})
{%- endmacro %}

{#- Null for a group without a value, as string_agg gives (array_join of an empty array would give ''). -#}
{% macro spark__distinct_sorted_list(column) -%}
    case when count({{ column }}) > 0 then array_join(array_sort(collect_set({{ column }})), ',') end
{%- endmacro %}

{% macro list_elements(column) -%}
    {{ return(adapter.dispatch('list_elements')(column)) }}
{%- endmacro %}

{% macro postgres__list_elements(column) -%}
    unnest(string_to_array({{ column }}, ','))
{%- endmacro %}

{% macro spark__list_elements(column) -%}
    explode(split({{ column }}, ','))
{%- endmacro %}

{% macro default__first_by(value, order_by, where) -%}
    {{ exceptions.raise_compiler_error(
        "first_by has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__first_by macro to dbt_project/macros/cross_db/arrays.sql"
    ) }}
{%- endmacro %}

{% macro default__distinct_sorted_list(column) -%}
    {{ exceptions.raise_compiler_error(
        "distinct_sorted_list has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__distinct_sorted_list macro to dbt_project/macros/cross_db/arrays.sql"
    ) }}
{%- endmacro %}

{% macro default__list_elements(column) -%}
    {{ exceptions.raise_compiler_error(
        "list_elements has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__list_elements macro to dbt_project/macros/cross_db/arrays.sql"
    ) }}
{%- endmacro %}

{% macro array_element(array, position) -%}
    {{ return(adapter.dispatch('array_element')(array, position)) }}
{%- endmacro %}

{% macro postgres__array_element(array, position) -%}
    {{ array }}[{{ position }}]
{%- endmacro %}

{% macro spark__array_element(array, position) -%}
    element_at({{ array }}, cast({{ position }} as int))
{%- endmacro %}

{% macro default__array_element(array, position) -%}
    {{ exceptions.raise_compiler_error(
        "array_element has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__array_element macro to dbt_project/macros/cross_db/arrays.sql"
    ) }}
{%- endmacro %}
