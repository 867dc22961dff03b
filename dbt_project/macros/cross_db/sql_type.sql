{#-
    A column type named as Postgres names it ('text', 'timestamptz', 'numeric(38, 2)'), as the engine names it:
    for the typed nulls of an empty relation (macros/python_assets/python_table_or_empty.sql) and the seeds'
    column_types (macros/seeds/spark_seed_types.sql).
-#}
{% macro sql_type(type) -%}
    {{ return(adapter.dispatch('sql_type')(type)) }}
{%- endmacro %}

{% macro default__sql_type(type) -%}
    {{ return(type) }}
{%- endmacro %}

{#- Postgres' `float` is double precision, Spark's four bytes (2/3 read 0.66666669): it is `double` there.
    Spark knows date, integer, bigint, boolean and numeric(p, s) by those names; text and the time zone's
    spellings it names otherwise (its `timestamp` is an instant, as timestamptz is; a uuid is its text). A bare
    numeric, exact at any scale on Postgres, is decimal(10, 0) on Spark: it gets ten decimal places, more than
    any seed holds. -#}
{% macro spark__sql_type(type) -%}
    {%- set spark_names = {
        'text': 'string',
        'varchar': 'string',
        'timestamptz': 'timestamp',
        'timestamp with time zone': 'timestamp',
        'timestamp without time zone': 'timestamp_ntz',
        'double precision': 'double',
        'float': 'double',
        'numeric': 'decimal(38, 10)',
        'uuid': 'string',
    } -%}
    {{ return(spark_names.get(type | trim | lower, type)) }}
{%- endmacro %}
