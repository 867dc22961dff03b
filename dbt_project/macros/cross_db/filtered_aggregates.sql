{#-
    Aggregates over only the rows of a group where a condition holds.

    count_where(condition)                        -> how many rows of the group satisfy it
    aggregate_where(function, expression, condition) -> function (min, max, sum, avg, count) of the expression
                                                     over those rows; null when none

    Postgres: the aggregate's `filter (where ...)` clause. The default is the portable form, the expression
    taken only where the condition holds (`case when ... then ... end`), which every aggregate of these skips
    as null; the results are the same.
-#}
{% macro count_where(condition) -%}
    {{ return(adapter.dispatch('count_where')(condition)) }}
{%- endmacro %}

{% macro postgres__count_where(condition) -%}
    count(*) filter (where {{ condition }})
{%- endmacro %}

{% macro default__count_where(condition) -%}
    count(case when {{ condition }} then 1 end)
{%- endmacro %}

{% macro aggregate_where(function, expression, condition) -%}
    {{ return(adapter.dispatch('aggregate_where')(function, expression, condition)) }}
{%- endmacro %}

{% macro postgres__aggregate_where(function, expression, condition) -%}
    {{ function }}({{ expression }}) filter (where {{ condition }})
{%- endmacro %}

{% macro default__aggregate_where(function, expression, condition) -%}
    {{ function }}(case when {{ condition }} then {{ expression }} end)
{%- endmacro %}
