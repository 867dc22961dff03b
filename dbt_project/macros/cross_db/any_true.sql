{#-
    Whether a boolean expression holds for at least one row of the group (an aggregate); null when it is
    null on every row.

    Postgres: bool_or. The default is the portable max over 1 (true) and 0 (false), compared with 1, which
    gives the same answer and the same null.
-#}
{% macro any_true(expression) -%}
    {{ return(adapter.dispatch('any_true')(expression)) }}
{%- endmacro %}

{% macro postgres__any_true(expression) -%}
    bool_or({{ expression }})
{%- endmacro %}

{% macro spark__any_true(expression) -%}
    bool_or({{ expression }})
{%- endmacro %}

{% macro default__any_true(expression) -%}
    (max(case when {{ expression }} then 1 when not ({{ expression }}) then 0 end) = 1)
{%- endmacro %}
