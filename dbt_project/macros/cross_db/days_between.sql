{#-
    Whole days from one date to another (negative when `later` comes first), an integer; null when either is null.
-#}
{% macro days_between(earlier, later) -%}
    {{ return(adapter.dispatch('days_between')(earlier, later)) }}
{%- endmacro %}

{% macro postgres__days_between(earlier, later) -%}
    ({{ later }} - {{ earlier }})
{%- endmacro %}

{#- Spark subtracts dates into an interval, not a count: datediff counts the days. -#}
{% macro spark__days_between(earlier, later) -%}
    datediff({{ later }}, {{ earlier }})
{%- endmacro %}

{% macro default__days_between(earlier, later) -%}
    {{ exceptions.raise_compiler_error(
        "days_between has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__days_between macro to dbt_project/macros/cross_db/days_between.sql"
    ) }}
{%- endmacro %}
