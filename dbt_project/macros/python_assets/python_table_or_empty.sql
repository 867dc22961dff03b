{#-
    The table a Python asset writes (the dbt source source_name.table_name), or an empty relation of the same
    columns (each "name type", the type as Postgres names it, see sql_type()) while the asset has never run:
    a `dbt build` on its own still succeeds, and the run that writes the table rebuilds what reads it (Dagster
    orders the two). A unit test gives the source as a fixture, whether or not the table exists in the database.
-#}
{% macro python_table_or_empty(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set names, nulls = [], [] -%}
    {%- for column in columns -%}
        {%- set name, type = column.split(' ', 1) -%}
        {%- do names.append(name) -%}
        {%- do nulls.append('cast(null as ' ~ sql_type(type) ~ ') as ' ~ name) -%}
    {%- endfor -%}
    {%- set in_unit_test = model is defined and model.resource_type == 'unit_test' -%}
    {%- set stored = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) if execute and not in_unit_test else none -%}
    {%- if in_unit_test or stored is not none %}
    select
        {{ names | join(',\n        ') }}
    from {{ relation }}
    {%- else %}
    select
        {{ nulls | join(',\n        ') }}
    where false
    {%- endif %}
{%- endmacro %}
