{#-
    The first day of the calendar month of a date, as a date: the key of a monthly grain.
-#}
{% macro month_start(column) -%}
    {{ return(adapter.dispatch('month_start')(column)) }}
{%- endmacro %}

{% macro postgres__month_start(column) -%}
    cast(date_trunc('month', {{ column }}) as date)
{%- endmacro %}

{% macro spark__month_start(column) -%}
    trunc({{ column }}, 'MM')
{%- endmacro %}

{% macro default__month_start(column) -%}
    {{ exceptions.raise_compiler_error(
        "month_start has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__month_start macro to dbt_project/macros/cross_db/month_start.sql"
    ) }}
{%- endmacro %}
