{#-
    An instant written as ISO 8601 text ('2026-12-07T20:00:00+00:00'), typed as the engine's timestamp with
    time zone: the build marks of macros/incremental/processed_marks.sql.
-#}
{% macro timestamp_value(iso_text) -%}
    {{ return(adapter.dispatch('timestamp_value')(iso_text)) }}
{%- endmacro %}

{% macro postgres__timestamp_value(iso_text) -%}
    cast('{{ iso_text }}' as timestamp with time zone)
{%- endmacro %}

{#- Spark's `timestamp` is an instant (with local time zone); it has no `timestamp with time zone` name. -#}
{% macro spark__timestamp_value(iso_text) -%}
    cast('{{ iso_text }}' as timestamp)
{%- endmacro %}

{% macro default__timestamp_value(iso_text) -%}
    {{ exceptions.raise_compiler_error(
        "timestamp_value has no implementation for adapter " ~ adapter.type()
        ~ ": add a " ~ adapter.type() ~ "__timestamp_value macro to dbt_project/macros/cross_db/timestamp_value.sql"
    ) }}
{%- endmacro %}
