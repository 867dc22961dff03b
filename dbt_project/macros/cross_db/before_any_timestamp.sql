{#-
    A timestamp with time zone earlier than any real one, for "nothing read yet" marks: every row is newer.

    Postgres: '-infinity'. The default is the first instant of year 1, earlier than any row of the contract.
-#}
{% macro before_any_timestamp() -%}
    {{ return(adapter.dispatch('before_any_timestamp')()) }}
{%- endmacro %}

{% macro postgres__before_any_timestamp() -%}
    cast('-infinity' as timestamp with time zone)
{%- endmacro %}

{#- Spark has no infinity and no `timestamp with time zone` type name: its `timestamp` is an instant. -#}
{% macro spark__before_any_timestamp() -%}
    cast('0001-01-01 00:00:00' as timestamp)
{%- endmacro %}

{% macro default__before_any_timestamp() -%}
    cast('0001-01-01 00:00:00+00' as timestamp with time zone)
{%- endmacro %}
