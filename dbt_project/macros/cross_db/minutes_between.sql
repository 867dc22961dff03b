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

{#-
    Whole microseconds as a decimal, divided into minutes with 20 decimal places (decimal(38, 20): Spark gives a
    quotient a divisor's precision plus one places), as many as Postgres gives a minute under an hour; with 11,
    as a decimal(10, 0) divisor gave, a third of a minute read 0.33333333333, and the percentiles and means
    built on it strayed from Postgres' in their last digits.
-#}
{% macro spark__minutes_between(start_at, end_at) -%}
    (cast(unix_micros(cast({{ end_at }} as timestamp)) - unix_micros(cast({{ start_at }} as timestamp)) as decimal(18, 0))
        / cast(60000000 as decimal(19, 0)))
{%- endmacro %}

{% macro default__minutes_between(start_at, end_at) -%}
    {{ exceptions.raise_compiler_error(
        "minutes_between has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__minutes_between macro to dbt_project/macros/cross_db/minutes_between.sql"
    ) }}
{%- endmacro %}
