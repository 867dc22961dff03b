{#-
    The instant a UTC day begins (a date's 00:00 UTC), as a timestamp with time zone.
-#}
{% macro utc_day_start(day) -%}
    {{ return(adapter.dispatch('utc_day_start')(day)) }}
{%- endmacro %}

{% macro postgres__utc_day_start(day) -%}
    (cast({{ day }} as timestamp) at time zone 'UTC')
{%- endmacro %}

{#- Whatever Spark's session time zone: the day's number since the epoch, in microseconds. -#}
{% macro spark__utc_day_start(day) -%}
    timestamp_micros(unix_date(cast({{ day }} as date)) * 86400000000)
{%- endmacro %}

{% macro default__utc_day_start(day) -%}
    {{ exceptions.raise_compiler_error(
        "utc_day_start has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__utc_day_start macro to dbt_project/macros/cross_db/utc_day_start.sql"
    ) }}
{%- endmacro %}
