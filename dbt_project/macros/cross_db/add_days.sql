{#-
    A date moved by a whole number of days (negative: back), still a date.

    add_days('spend_date', -2) -> the day before yesterday of spend_date.
-#}
{% macro add_days(column, days) -%}
    {{ return(adapter.dispatch('add_days')(column, days)) }}
{%- endmacro %}

{% macro postgres__add_days(column, days) -%}
    cast({{ column }} + ({{ days }}) as date)
{%- endmacro %}

{#- Spark's date_add takes an int count of days. -#}
{% macro spark__add_days(column, days) -%}
    date_add({{ column }}, cast({{ days }} as int))
{%- endmacro %}

{% macro default__add_days(column, days) -%}
    {{ exceptions.raise_compiler_error(
        "add_days has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__add_days macro to dbt_project/macros/cross_db/add_days.sql"
    ) }}
{%- endmacro %}
