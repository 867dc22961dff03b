{#-
    The continuous percentile of an expression within a group (an aggregate): `fraction` 0.5 is the median,
    0.9 the 90th percentile, interpolated between the two nearest values as `percentile_cont` does. Nulls
    are left out; null when the group has no value.
-#}
{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile')(expression, fraction)) }}
{%- endmacro %}

{% macro postgres__percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{#-
    Spark 3.3+ has the same ordered-set aggregate, and it returns a double as Postgres does, though not always
    the same last bits (it interpolates as (1 - f) x lower + f x upper, Postgres as lower + f x (upper - lower)).
    A percentile that falls on a half (1112.45 minutes) is 1112.4499999999998 in binary on either engine; the
    marts round it when they cast it to a decimal, and there the engines part: Postgres reads a double at 15
    significant digits (1112.45000000000, rounded up to 1112.5), Spark at its shortest round trip
    (1112.4499999999998, rounded down to 1112.4). Spark's percentile is read here at 15 significant digits too,
    so both engines hand the same value to the cast (support_monthly's medians differed by 0.1 minute).
-#}
{% macro spark__percentile(expression, fraction) -%}
    {%- set exact = 'percentile_cont(' ~ fraction ~ ') within group (order by ' ~ expression ~ ')' -%}
    case when {{ exact }} is not null then cast(format_string('%.15g', {{ exact }}) as double) end
{%- endmacro %}

{% macro default__percentile(expression, fraction) -%}
    {{ exceptions.raise_compiler_error(
        "percentile has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__percentile macro to dbt_project/macros/cross_db/percentile.sql"
    ) }}
{%- endmacro %}
