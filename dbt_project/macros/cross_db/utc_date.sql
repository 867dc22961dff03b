{#-
    The UTC calendar day of a timestamp with time zone.

    The contract reports timestamps in UTC and assigns a row to the UTC day of its event time, so this must
    not depend on the session's time zone (a plain cast to date would).
-#}
{% macro utc_date(column) -%}
    {{ return(adapter.dispatch('utc_date')(column)) }}
{%- endmacro %}

{% macro postgres__utc_date(column) -%}
    cast(({{ column }} at time zone 'UTC') as date)
{%- endmacro %}

{#- From the instant's microseconds since the epoch, so that Spark's session time zone plays no part. -#}
{% macro spark__utc_date(column) -%}
    date_from_unix_date(cast(floor(unix_micros({{ column }}) / 86400000000) as int))
{%- endmacro %}

{% macro default__utc_date(column) -%}
    {{ exceptions.raise_compiler_error(
        "utc_date has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__utc_date macro to dbt_project/macros/cross_db/utc_date.sql"
    ) }}
{%- endmacro %}
