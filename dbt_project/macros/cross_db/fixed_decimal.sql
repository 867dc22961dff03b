{#-
    A number rounded to `scale` decimal places, typed so that the column itself states its scale (psql shows
    numeric(38,2)) and every value shows it, 0.50 not 0.5. dbt unit tests cast their expected values to the
    same type, so 0.5 in a fixture matches.
-#}
{% macro fixed_decimal(column, scale) -%}
    {{ return(adapter.dispatch('fixed_decimal')(column, scale)) }}
{%- endmacro %}

{% macro postgres__fixed_decimal(column, scale) -%}
    cast({{ column }} as numeric(38, {{ scale }}))
{%- endmacro %}

{#- Spark rounds a decimal cast half away from zero, as Postgres does (2.345 -> 2.35, -2.345 -> -2.35). -#}
{% macro spark__fixed_decimal(column, scale) -%}
    cast({{ column }} as decimal(38, {{ scale }}))
{%- endmacro %}

{% macro default__fixed_decimal(column, scale) -%}
    {{ exceptions.raise_compiler_error(
        "fixed_decimal has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__fixed_decimal macro to dbt_project/macros/cross_db/fixed_decimal.sql"
    ) }}
{%- endmacro %}
