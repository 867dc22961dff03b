{#-
    Calendar minutes from one timestamp to another, with fractions (support SLAs count calendar time, not
    business hours); null when either is null.
-#}
{% macro minutes_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('minutes_between')(start_at, end_at)) }}
{%- endmacro %}

{% macro postgres__minutes_between(start_at, end_at) -%}
    (extract(epoch from ({{ end_at }} - {{ start_at }})) / 60)
{%- endmacro %}

{% macro default__minutes_between(start_at, end_at) -%}
    {{ exceptions.raise_compiler_error(
        "minutes_between has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__minutes_between macro to dbt_project/macros/cross_db/minutes_between.sql"
    ) }}
{%- endmacro %}
