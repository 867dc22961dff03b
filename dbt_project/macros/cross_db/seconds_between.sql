{#-
    Exact seconds from one timestamp to another, as a numeric (negative when `later` comes first); null when
    either is null.
-#}
{% macro seconds_between(earlier, later) -%}
    {{ return(adapter.dispatch('seconds_between')(earlier, later)) }}
{%- endmacro %}

{% macro postgres__seconds_between(earlier, later) -%}
    extract(epoch from ({{ later }} - {{ earlier }}))
{%- endmacro %}

{#- Exact to the microsecond, with six decimal places as Postgres' extract(epoch ...) gives them. -#}
{% macro spark__seconds_between(earlier, later) -%}
    (cast(unix_micros(cast({{ later }} as timestamp)) - unix_micros(cast({{ earlier }} as timestamp)) as decimal(20, 0))
        * 0.000001)
{%- endmacro %}

{% macro default__seconds_between(earlier, later) -%}
    {{ exceptions.raise_compiler_error(
        "seconds_between has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__seconds_between macro to dbt_project/macros/cross_db/seconds_between.sql"
    ) }}
{%- endmacro %}
