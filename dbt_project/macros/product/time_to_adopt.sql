{#-
    Time arithmetic of the product loop, behind names.

    utc_day_start(day): the instant a UTC day begins (a date's 00:00 UTC), as a timestamp with time zone.
    seconds_between(earlier, later): exact seconds from one timestamp to another, as a numeric.
    round_days(column): a duration in days to the hundredth (about a quarter of an hour), rounded once.
-#}
{% macro utc_day_start(day) -%}
    {{ return(adapter.dispatch('utc_day_start')(day)) }}
{%- endmacro %}

{% macro postgres__utc_day_start(day) -%}
    (cast({{ day }} as timestamp) at time zone 'UTC')
{%- endmacro %}

{% macro seconds_between(earlier, later) -%}
    {{ return(adapter.dispatch('seconds_between')(earlier, later)) }}
{%- endmacro %}

{% macro postgres__seconds_between(earlier, later) -%}
    extract(epoch from ({{ later }} - {{ earlier }}))
{%- endmacro %}

{% macro days_places() %}{{ return(2) }}{% endmacro %}

{% macro round_days(column) -%}
    {{ fixed_decimal(column, days_places()) }}
{%- endmacro %}

{% macro default__utc_day_start(day) -%}
    {{ exceptions.raise_compiler_error("utc_day_start has no implementation for adapter " ~ adapter.type()) }}
{%- endmacro %}

{% macro default__seconds_between(earlier, later) -%}
    {{ exceptions.raise_compiler_error("seconds_between has no implementation for adapter " ~ adapter.type()) }}
{%- endmacro %}

{#- add_months(day, months): a date moved by whole calendar months, still a date (for month starts). -#}
{% macro add_months(day, months) -%}
    {{ return(adapter.dispatch('add_months')(day, months)) }}
{%- endmacro %}

{% macro postgres__add_months(day, months) -%}
    cast({{ day }} + ({{ months }}) * interval '1 month' as date)
{%- endmacro %}

{% macro default__add_months(day, months) -%}
    {{ exceptions.raise_compiler_error("add_months has no implementation for adapter " ~ adapter.type()) }}
{%- endmacro %}
