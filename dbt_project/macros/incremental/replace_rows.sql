{#-
    How an incremental model replaces the rows a run rebuilds, on each engine: the model's config, as keyword
    arguments for config() (`config(..., **replace_rows('date_day'))`, last, as Jinja asks of `**`).

    Postgres: delete+insert by the unique key (a run writes every row of each key it rebuilds).
    Spark's parquet tables cannot delete rows (no Delta or Iceberg jar here), so:
      - a model keyed by one date column (a day, a month, a delivery day), partition_column set to that key:
        parquet partitioned by it, and insert_overwrite replaces exactly the partitions the run wrote (dynamic
        partition overwrite, profiles.yml), which is delete+insert by that key;
      - a model keyed by something else (a customer, a touchpoint, an error): no partition fits the rows a run
        rebuilds, so it is rebuilt whole on every run (materialized table; is_incremental() is false).
    On both, `meta.replaces_rows_by` names the key: the model is incremental by delivery day whatever its
    materialization on this engine, and Dagster partitions its asset the same on both (transform/translator.py).
-#}
{% macro replace_rows(unique_key, partition_column=none) -%}
    {{ return(adapter.dispatch('replace_rows')(unique_key, partition_column)) }}
{%- endmacro %}

{% macro default__replace_rows(unique_key, partition_column) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': unique_key,
        'meta': {'replaces_rows_by': unique_key},
    }) }}
{%- endmacro %}

{% macro spark__replace_rows(unique_key, partition_column) -%}
    {%- if partition_column is none -%}
        {{ return({'materialized': 'table', 'file_format': 'parquet', 'meta': {'replaces_rows_by': unique_key}}) }}
    {%- endif -%}
    {%- if partition_column != unique_key -%}
        {{ exceptions.raise_compiler_error(
            "replace_rows: partition_column (" ~ partition_column ~ ") must be the unique key (" ~ unique_key
            ~ "): replacing its partitions is delete+insert by that key only then"
        ) }}
    {%- endif -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'file_format': 'parquet',
        'partition_by': [partition_column],
        'unique_key': unique_key,
        'meta': {'replaces_rows_by': unique_key},
    }) }}
{%- endmacro %}
