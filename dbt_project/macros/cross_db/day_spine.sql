{#-
    A query with one row per calendar day from first_day to last_day, both included, in a `date_day` column.
    Both arguments are SQL date expressions (scalar subqueries are fine); no row when either is null.

    Example:
        days as (
            {{ day_spine('(select min(spend_date) from spend)', '(select max(spend_date) from spend)') }}
        )
-#}
{% macro day_spine(first_day, last_day) -%}
    {{ return(adapter.dispatch('day_spine')(first_day, last_day)) }}
{%- endmacro %}

{% macro postgres__day_spine(first_day, last_day) -%}
    select cast(spine.day_start as date) as date_day
    from generate_series(
        cast({{ first_day }} as timestamp), cast({{ last_day }} as timestamp), interval '1 day'
    ) as spine (day_start)
{%- endmacro %}

{% macro spark__day_spine(first_day, last_day) -%}
    select explode(sequence(cast({{ first_day }} as date), cast({{ last_day }} as date), interval 1 day)) as date_day
{%- endmacro %}

{% macro default__day_spine(first_day, last_day) -%}
    {{ exceptions.raise_compiler_error(
        "day_spine has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__day_spine macro to dbt_project/macros/cross_db/day_spine.sql"
    ) }}
{%- endmacro %}
