{#-
    A date moved by whole calendar months (negative: back), still a date (for month starts).
-#}
{% macro add_months(day, months) -%}
    {{ return(adapter.dispatch('add_months')(day, months)) }}
{%- endmacro %}

{% macro postgres__add_months(day, months) -%}
    cast({{ day }} + ({{ months }}) * interval '1 month' as date)
{%- endmacro %}

{#- Spark's add_months keeps a month end in range as Postgres does (2024-01-31 + 1 month -> 2024-02-29). -#}
{% macro spark__add_months(day, months) -%}
    add_months({{ day }}, cast({{ months }} as int))
{%- endmacro %}

{% macro default__add_months(day, months) -%}
    {{ exceptions.raise_compiler_error(
        "add_months has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__add_months macro to dbt_project/macros/cross_db/add_months.sql"
    ) }}
{%- endmacro %}
