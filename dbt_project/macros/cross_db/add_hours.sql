{#-
    A timestamp moved by a number of hours (negative: back).

    Hours, not days: a day of a timestamptz in a session time zone with daylight saving lasts 23 or 25 hours
    twice a year, so "30 days before signup" is written as 720 hours to mean the same span everywhere.
-#}
{% macro add_hours(column, hours) -%}
    {{ return(adapter.dispatch('add_hours')(column, hours)) }}
{%- endmacro %}

{% macro postgres__add_hours(column, hours) -%}
    ({{ column }} + interval '1 hour' * ({{ hours }}))
{%- endmacro %}

{#- Fractions of an hour kept: the interval is built from seconds, exact to the microsecond. -#}
{% macro spark__add_hours(column, hours) -%}
    ({{ column }} + make_dt_interval(0, 0, 0, cast(({{ hours }}) * 3600 as decimal(18, 6))))
{%- endmacro %}

{% macro default__add_hours(column, hours) -%}
    {{ exceptions.raise_compiler_error(
        "add_hours has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__add_hours macro to dbt_project/macros/cross_db/add_hours.sql"
    ) }}
{%- endmacro %}
