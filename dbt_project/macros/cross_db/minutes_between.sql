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

{#- Exact: whole microseconds as a decimal, divided into minutes with 11 decimal places. -#}
{% macro spark__minutes_between(start_at, end_at) -%}
    (cast(unix_micros(cast({{ end_at }} as timestamp)) - unix_micros(cast({{ start_at }} as timestamp)) as decimal(20, 0))
        / cast(60000000 as decimal(10, 0)))
{%- endmacro %}

{% macro default__minutes_between(start_at, end_at) -%}
    {{ exceptions.raise_compiler_error(
        "minutes_between has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__minutes_between macro to dbt_project/macros/cross_db/minutes_between.sql"
    ) }}
{%- endmacro %}
